#include "client/connectivity_object.h"

#include <algorithm>

#include "client/standard_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;

using lwm2m::DataType;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Value;

namespace {

template <typename T>
std::vector<Value> Values(const std::vector<T>& in) {
  return std::vector<Value>(in.begin(), in.end());
}

}  // namespace

ConnectivityObject::ConnectivityObject(const ConnectivityInfo& info)
    : SimpleObject(kObjectId, false,
                   {
                       {0, Operations::kRead, DataType::kInteger, false},
                       {1, Operations::kRead, DataType::kInteger, true},
                       {2, Operations::kRead, DataType::kInteger, false},
                       {3, Operations::kRead, DataType::kInteger, false},
                       {4, Operations::kRead, DataType::kString, true},
                       {5, Operations::kRead, DataType::kString, true},
                       {6, Operations::kRead, DataType::kInteger, false},
                       {7, Operations::kRead, DataType::kString, true},
                       {8, Operations::kRead, DataType::kInteger, false},
                       {9, Operations::kRead, DataType::kInteger, false},
                       {10, Operations::kRead, DataType::kInteger, false},
                   }) {
  AddInstance(0);
  Update(info);
}

void ConnectivityObject::Update(const ConnectivityInfo& info) {
  auto set_optional = [this](uint16_t rid, const std::optional<int64_t>& v) {
    if (!v) return Hide(rid);
    const bool was_hidden = hidden_.count(rid) != 0;
    Show(rid);
    Set(0, rid, *v);
    if (was_hidden) MarkChanged(Path::Resource(kObjectId, 0, rid));  // it reappeared
  };
  auto set_list = [this](uint16_t rid, const std::vector<Value>& values, bool mandatory) {
    if (values.empty() && !mandatory) return Hide(rid);
    const bool was_hidden = hidden_.count(rid) != 0;
    Show(rid);
    SetMultipleResource(*this, 0, rid, values);
    if (was_hidden) MarkChanged(Path::Resource(kObjectId, 0, rid));  // it reappeared
  };
  Set(0, 0, info.network_bearer);
  set_list(1, Values(info.available_bearers), true);
  Set(0, 2, info.radio_signal_strength);
  set_optional(3, info.link_quality);
  set_list(4, Values(info.ip_addresses), true);
  set_list(5, Values(info.router_ip_addresses), false);
  set_optional(6, info.link_utilization);
  set_list(7, Values(info.apn), false);
  set_optional(8, info.cell_id);
  set_optional(9, info.smnc);
  set_optional(10, info.smcc);
}

void ConnectivityObject::Hide(uint16_t rid) {
  const std::vector<uint16_t> shown = PresentResources(0);
  hidden_.insert(rid);
  if (std::find(shown.begin(), shown.end(), rid) != shown.end()) MarkChanged(Path::Resource(kObjectId, 0, rid));
}

std::vector<uint16_t> ConnectivityObject::PresentResources(uint16_t iid) const {
  std::vector<uint16_t> ids = SimpleObject::PresentResources(iid);
  std::erase_if(ids, [this](uint16_t rid) { return hidden_.count(rid) != 0; });
  return ids;
}

CoapCode ConnectivityObject::Read(uint16_t iid, uint16_t rid, std::vector<lwm2m::Record>* out) {
  if (hidden_.count(rid) != 0) return CoapCode::kNotFound;
  return SimpleObject::Read(iid, rid, out);
}

}  // namespace lwcl::client
