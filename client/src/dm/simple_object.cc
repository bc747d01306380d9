#include "client/simple_object.h"

namespace lwcl::client {

using lwm2m::CoapCode;

using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

void SimpleObject::AddInstance(uint16_t iid) { data_[iid]; }
void SimpleObject::RemoveInstance(uint16_t iid) { data_.erase(iid); }

void SimpleObject::Set(uint16_t iid, uint16_t rid, Value value) {
  auto& slot = data_[iid][rid];
  auto it = slot.find(lwm2m::kInvalidId);
  if (it != slot.end() && it->second == value) return;
  slot[lwm2m::kInvalidId] = std::move(value);
  MarkChanged(Path::Resource(id(), iid, rid));
}

void SimpleObject::SetInstance(uint16_t iid, uint16_t rid, uint16_t riid, Value value) {
  auto& slot = data_[iid][rid];
  auto it = slot.find(riid);
  if (it != slot.end() && it->second == value) return;
  slot[riid] = std::move(value);
  MarkChanged(Path::ResourceInstance(id(), iid, rid, riid));
}

std::optional<Value> SimpleObject::Get(uint16_t iid, uint16_t rid, uint16_t riid) const {
  auto i = data_.find(iid);
  if (i == data_.end()) return std::nullopt;
  auto r = i->second.find(rid);
  if (r == i->second.end()) return std::nullopt;
  auto v = r->second.find(riid);
  if (v == r->second.end()) return std::nullopt;
  return v->second;
}

std::vector<uint16_t> SimpleObject::Instances() const {
  std::vector<uint16_t> ids;
  for (const auto& [iid, res] : data_) ids.push_back(iid);
  return ids;
}

std::vector<uint16_t> SimpleObject::PresentResources(uint16_t iid) const {
  std::vector<uint16_t> ids;
  auto i = data_.find(iid);
  for (const ResourceSpec& spec : resources()) {
    const bool has_value = i != data_.end() && i->second.count(spec.id) != 0;
    if (has_value || lwm2m::Executable(spec.operations)) ids.push_back(spec.id);
  }
  return ids;
}

CoapCode SimpleObject::Read(uint16_t iid, uint16_t rid, std::vector<Record>* out) {
  auto i = data_.find(iid);
  if (i == data_.end()) return CoapCode::kNotFound;
  auto r = i->second.find(rid);
  if (r == i->second.end()) return CoapCode::kNotFound;
  for (const auto& [riid, value] : r->second) {
    Record rec;
    rec.path = riid == lwm2m::kInvalidId ? Path::Resource(id(), iid, rid) : Path::ResourceInstance(id(), iid, rid, riid);
    rec.value = value;
    out->push_back(std::move(rec));
  }
  return CoapCode::kContent;
}

CoapCode SimpleObject::Write(uint16_t iid, const Record& record) {
  const uint16_t riid = record.path.depth == 4 ? record.path.resource_instance() : lwm2m::kInvalidId;
  data_[iid][record.path.resource()][riid] = record.value;
  if (write_hook_) write_hook_(record.path, record.value);
  return CoapCode::kChanged;
}

CoapCode SimpleObject::ClearMultiple(uint16_t iid, uint16_t rid) {
  data_[iid][rid].clear();
  return CoapCode::kChanged;
}

CoapCode SimpleObject::Execute(uint16_t iid, uint16_t rid, std::string_view args) {
  auto h = execute_.find(rid);
  if (h == execute_.end()) return CoapCode::kMethodNotAllowed;
  return h->second(iid, args);
}

CoapCode SimpleObject::Create(uint16_t iid) {
  if (!multiple_instances() && !data_.empty()) return CoapCode::kBadRequest;
  data_[iid];
  return CoapCode::kCreated;
}

CoapCode SimpleObject::Delete(uint16_t iid) {
  if (data_.erase(iid) == 0) return CoapCode::kNotFound;
  return CoapCode::kDeleted;
}

}  // namespace lwcl::client
