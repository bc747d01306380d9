#include "client/object.h"

namespace lwcl::client {

using lwm2m::CoapCode;

Object::Object(uint16_t id, bool multiple_instances, std::vector<ResourceSpec> resources)
    : id_(id), multiple_instances_(multiple_instances), resources_(std::move(resources)) {}

const ResourceSpec* Object::FindResource(uint16_t rid) const {
  for (const ResourceSpec& r : resources_) {
    if (r.id == rid) return &r;
  }
  return nullptr;
}

std::vector<uint16_t> Object::PresentResources(uint16_t) const {
  std::vector<uint16_t> ids;
  for (const ResourceSpec& r : resources_) ids.push_back(r.id);
  return ids;
}

CoapCode Object::Read(uint16_t, uint16_t, std::vector<lwm2m::Record>*) { return CoapCode::kMethodNotAllowed; }
CoapCode Object::Write(uint16_t, const lwm2m::Record&) { return CoapCode::kMethodNotAllowed; }
CoapCode Object::ClearMultiple(uint16_t, uint16_t) { return CoapCode::kChanged; }
CoapCode Object::Execute(uint16_t, uint16_t, std::string_view) { return CoapCode::kMethodNotAllowed; }
CoapCode Object::Create(uint16_t) { return CoapCode::kMethodNotAllowed; }
CoapCode Object::Delete(uint16_t) { return CoapCode::kMethodNotAllowed; }

void Object::MarkChanged(const lwm2m::Path& path) const {
  if (listener_) listener_(path);
}

}  // namespace lwcl::client
