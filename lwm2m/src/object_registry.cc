// ObjectRegistry (object_registry.h).
#include "lwm2m/object_registry.h"

#include "lwm2m/ddf_parser.h"

namespace lwcl::lwm2m {

void ObjectRegistry::Add(ObjectDefinition def) {
  const uint16_t id = def.id;
  objects_.insert_or_assign(id, std::move(def));
}

std::optional<CodecError> ObjectRegistry::AddDdf(std::string_view xml) {
  std::vector<ObjectDefinition> defs;
  if (auto e = ParseDdf(xml, &defs)) return e;
  for (ObjectDefinition& d : defs) Add(std::move(d));
  return std::nullopt;
}

const ObjectDefinition* ObjectRegistry::Find(uint16_t object_id) const {
  const auto it = objects_.find(object_id);
  return it == objects_.end() ? nullptr : &it->second;
}

const ResourceDefinition* ObjectRegistry::FindResource(const Path& path) const {
  if (path.depth < 3) return nullptr;
  const ObjectDefinition* o = Find(path.object());
  return o == nullptr ? nullptr : o->Find(path.resource());
}

DataType ObjectRegistry::TypeAt(const Path& path) const {
  const ResourceDefinition* r = FindResource(path);
  return r == nullptr ? DataType::kNone : r->type;
}

TypeResolver ObjectRegistry::Resolver() const {
  return [this](const Path& p) { return TypeAt(p); };
}

std::vector<uint16_t> ObjectRegistry::ObjectIds() const {
  std::vector<uint16_t> ids;
  ids.reserve(objects_.size());
  for (const auto& [id, def] : objects_) ids.push_back(id);
  return ids;
}

}  // namespace lwcl::lwm2m
