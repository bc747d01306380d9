// ObjectRegistry: the object definitions one end knows, by object id, and
// the TypeResolver codecs use to type values from them.
//
// Holds no files: callers parse DDF text (ddf_parser.h) from wherever they
// keep it and Add the result. One definition per object id; adding a second
// for the same id replaces the first (a newer ObjectVersion, say).
#ifndef LWCL_LWM2M_OBJECT_REGISTRY_H_
#define LWCL_LWM2M_OBJECT_REGISTRY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/object_definition.h"
#include "lwm2m/path.h"

namespace lwcl::lwm2m {

class ObjectRegistry {
 public:
  void Add(ObjectDefinition def);
  // Parses DDF XML and adds every object in it.
  std::optional<CodecError> AddDdf(std::string_view xml);

  const ObjectDefinition* Find(uint16_t object_id) const;
  // The resource a depth >= 3 path names, or nullptr.
  const ResourceDefinition* FindResource(const Path& path) const;
  // The declared type of the resource at `path` (depth >= 3), kNone if unknown.
  DataType TypeAt(const Path& path) const;
  // A resolver over this registry. It refers to the registry's contents, so
  // the registry must outlive it.
  TypeResolver Resolver() const;
  std::vector<uint16_t> ObjectIds() const;  // ascending

 private:
  std::map<uint16_t, ObjectDefinition> objects_;
};

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_OBJECT_REGISTRY_H_
