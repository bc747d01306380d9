// Object: one LwM2M object as the application implements it on the client.
//
// An object declares its id, whether it has multiple instances, and its
// resources (id, operations, type, multiple); it overrides the handlers it
// supports (Instances and Read at least). Unimplemented handlers answer
// 4.05 Method Not Allowed. The Registry checks operations and types before
// calling a handler, so a handler only sees requests its spec allows, with
// values already converted to the declared type. Call MarkChanged when a
// value changes so observations of it are re-evaluated.
#ifndef LWCL_CLIENT_OBJECT_H_
#define LWCL_CLIENT_OBJECT_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "lwm2m/coap_code.h"
#include "lwm2m/object_definition.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::client {

struct ResourceSpec {
  uint16_t id = 0;
  lwm2m::Operations operations = lwm2m::Operations::kRead;
  lwm2m::DataType type = lwm2m::DataType::kNone;
  bool multiple = false;
};

class Object {
 public:
  Object(uint16_t id, bool multiple_instances, std::vector<ResourceSpec> resources);
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  uint16_t id() const { return id_; }
  bool multiple_instances() const { return multiple_instances_; }
  const std::vector<ResourceSpec>& resources() const { return resources_; }
  const ResourceSpec* FindResource(uint16_t rid) const;

  // Instance ids, ascending.
  virtual std::vector<uint16_t> Instances() const = 0;
  // Resources present in instance `iid` (default: every declared one).
  virtual std::vector<uint16_t> PresentResources(uint16_t iid) const;
  // Appends the value of resource `rid`: one Record at depth 3 for a single
  // resource, one Record per instance at depth 4 for a multiple one.
  virtual lwm2m::CoapCode Read(uint16_t iid, uint16_t rid, std::vector<lwm2m::Record>* out);
  // `record.path` is depth 3 (single resource) or 4 (one resource instance).
  virtual lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record);
  // Drops every instance of multiple resource `rid` before a replacing Write.
  virtual lwm2m::CoapCode ClearMultiple(uint16_t iid, uint16_t rid);
  virtual lwm2m::CoapCode Execute(uint16_t iid, uint16_t rid, std::string_view args);
  virtual lwm2m::CoapCode Create(uint16_t iid);
  virtual lwm2m::CoapCode Delete(uint16_t iid);

  // Tells the registry (and so the observe scheduler) that `path` changed.
  void MarkChanged(const lwm2m::Path& path) const;
  // Set by Registry::Add.
  void SetChangeListener(std::function<void(const lwm2m::Path&)> listener) { listener_ = std::move(listener); }

 private:
  uint16_t id_;
  bool multiple_instances_;
  std::vector<ResourceSpec> resources_;
  std::function<void(const lwm2m::Path&)> listener_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_OBJECT_H_
