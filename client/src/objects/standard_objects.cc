#include "client/standard_objects.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

using lwm2m::DataType;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

namespace {

constexpr uint16_t kDeviceObject = 3;
constexpr uint16_t kErrorCode = 11;
constexpr uint16_t kCurrentTime = 13;

int64_t SystemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Device /3 with a running 13 Current Time: the device keeps only its offset
// from the clock, so reads move on and a server Write sets the time.
class DeviceObject : public SimpleObject {
 public:
  DeviceObject(std::vector<ResourceSpec> specs, std::function<int64_t()> clock)
      : SimpleObject(kDeviceObject, false, std::move(specs)), clock_(std::move(clock)) {
    if (!clock_) clock_ = SystemSeconds;
  }

  CoapCode Read(uint16_t iid, uint16_t rid, std::vector<Record>* out) override {
    if (rid != kCurrentTime) return SimpleObject::Read(iid, rid, out);
    Record r;
    r.path = Path::Resource(kDeviceObject, iid, rid);
    r.value = lwm2m::Time{clock_() + offset_s_};
    out->push_back(std::move(r));
    return CoapCode::kContent;
  }

  CoapCode Write(uint16_t iid, const Record& record) override {
    if (record.path.resource() == kCurrentTime) {
      const auto* t = std::get_if<lwm2m::Time>(&record.value);
      if (t == nullptr) return CoapCode::kBadRequest;
      offset_s_ = t->seconds - clock_();
    }
    return SimpleObject::Write(iid, record);
  }

 private:
  std::function<int64_t()> clock_;
  int64_t offset_s_ = 0;
};

std::vector<Value> ReadMultiple(SimpleObject& o, uint16_t iid, uint16_t rid) {
  std::vector<Record> recs;
  std::vector<Value> values;
  if (!IsSuccess(o.Read(iid, rid, &recs))) return values;
  for (Record& r : recs) values.push_back(std::move(r.value));
  return values;
}

void SetErrorCodes(SimpleObject& device, std::vector<int64_t> codes) {
  if (codes.empty()) codes.push_back(0);  // 0: no error
  std::vector<Value> values(codes.begin(), codes.end());
  SetMultipleResource(device, 0, kErrorCode, values);
}

}  // namespace

void SetMultipleResource(SimpleObject& object, uint16_t iid, uint16_t rid, const std::vector<Value>& values) {
  std::vector<Record> current;
  if (IsSuccess(object.Read(iid, rid, &current))) {
    const bool same = std::equal(current.begin(), current.end(), values.begin(), values.end(),
                                 [](const Record& r, const Value& v) { return r.value == v; });
    if (same) return;
  }
  object.ClearMultiple(iid, rid);
  for (size_t i = 0; i < values.size(); ++i) object.SetInstance(iid, rid, static_cast<uint16_t>(i), values[i]);
  object.MarkChanged(Path::Resource(object.id(), iid, rid));
}

std::vector<int64_t> DeviceErrorCodes(SimpleObject& device) {
  std::vector<int64_t> codes;
  for (const Value& v : ReadMultiple(device, 0, kErrorCode)) {
    if (const auto* i = std::get_if<int64_t>(&v)) codes.push_back(*i);
  }
  if (codes.empty()) codes.push_back(0);
  return codes;
}

void AddDeviceErrorCode(SimpleObject& device, int64_t code) {
  if (code == 0) return;
  std::vector<int64_t> codes = DeviceErrorCodes(device);
  std::erase(codes, int64_t{0});
  if (std::find(codes.begin(), codes.end(), code) != codes.end()) return;
  codes.push_back(code);
  SetErrorCodes(device, std::move(codes));
}

void RemoveDeviceErrorCode(SimpleObject& device, int64_t code) {
  std::vector<int64_t> codes = DeviceErrorCodes(device);
  std::erase(codes, code);
  std::erase(codes, int64_t{0});
  SetErrorCodes(device, std::move(codes));
}

void ClearDeviceErrorCodes(SimpleObject& device) { SetErrorCodes(device, {}); }

std::unique_ptr<SimpleObject> MakeDeviceObject(const DeviceInfo& info) {
  auto o = std::make_unique<DeviceObject>(
      std::vector<ResourceSpec>{
          {0, Operations::kRead, DataType::kString, false},
          {1, Operations::kRead, DataType::kString, false},
          {2, Operations::kRead, DataType::kString, false},
          {3, Operations::kRead, DataType::kString, false},
          {4, Operations::kExecute, DataType::kNone, false},
          {5, Operations::kExecute, DataType::kNone, false},
          {6, Operations::kRead, DataType::kInteger, true},
          {7, Operations::kRead, DataType::kInteger, true},
          {8, Operations::kRead, DataType::kInteger, true},
          {9, Operations::kRead, DataType::kInteger, false},
          {10, Operations::kRead, DataType::kInteger, false},
          {11, Operations::kRead, DataType::kInteger, true},
          {12, Operations::kExecute, DataType::kNone, false},
          {13, Operations::kReadWrite, DataType::kTime, false},
          {14, Operations::kReadWrite, DataType::kString, false},
          {15, Operations::kReadWrite, DataType::kString, false},
          {16, Operations::kRead, DataType::kString, false},
          {17, Operations::kRead, DataType::kString, false},
          {18, Operations::kRead, DataType::kString, false},
          {19, Operations::kRead, DataType::kString, false},
          {21, Operations::kRead, DataType::kInteger, false},
      },
      info.clock);
  o->AddInstance(0);
  SimpleObject* d = o.get();
  auto set_if = [d](uint16_t rid, const std::string& v) {
    if (!v.empty()) d->Set(0, rid, v);
  };
  set_if(0, info.manufacturer);
  set_if(1, info.model_number);
  set_if(2, info.serial_number);
  set_if(3, info.firmware_version);
  if (!info.power_sources.empty()) {
    std::vector<Value> types;
    std::vector<Value> volts;
    std::vector<Value> amps;
    for (const PowerSource& p : info.power_sources) {
      types.emplace_back(p.type);
      volts.emplace_back(p.voltage_mv);
      amps.emplace_back(p.current_ma);
    }
    SetMultipleResource(*d, 0, 6, types);
    SetMultipleResource(*d, 0, 7, volts);
    SetMultipleResource(*d, 0, 8, amps);
  }
  if (info.battery_level) d->Set(0, 9, *info.battery_level);
  if (info.memory_free_kb) d->Set(0, 10, *info.memory_free_kb);
  d->SetInstance(0, kErrorCode, 0, int64_t{0});
  d->Set(0, kCurrentTime, lwm2m::Time{0});  // present; DeviceObject::Read computes the value
  set_if(14, info.utc_offset);
  set_if(15, info.timezone);
  set_if(16, info.supported_bindings);
  set_if(17, info.device_type);
  set_if(18, info.hardware_version);
  set_if(19, info.software_version);
  if (info.memory_total_kb) d->Set(0, 21, *info.memory_total_kb);
  std::function<void()> reboot = info.on_reboot;
  d->OnExecute(4, [reboot](uint16_t, std::string_view) {
    if (reboot) reboot();
    return CoapCode::kChanged;
  });
  std::function<void()> factory_reset = info.on_factory_reset;
  d->OnExecute(5, [factory_reset](uint16_t, std::string_view) {
    if (!factory_reset) return CoapCode::kMethodNotAllowed;
    factory_reset();
    return CoapCode::kChanged;
  });
  d->OnExecute(12, [d](uint16_t, std::string_view) {
    ClearDeviceErrorCodes(*d);
    return CoapCode::kChanged;
  });
  return o;
}

std::unique_ptr<SimpleObject> MakeServerObject(const ServerInfo& info) {
  auto o = std::make_unique<SimpleObject>(1, true,
                                          std::vector<ResourceSpec>{
                                              {0, Operations::kRead, DataType::kInteger, false},
                                              {1, Operations::kReadWrite, DataType::kInteger, false},
                                              {2, Operations::kReadWrite, DataType::kInteger, false},
                                              {3, Operations::kReadWrite, DataType::kInteger, false},
                                              {6, Operations::kReadWrite, DataType::kBoolean, false},
                                              {7, Operations::kReadWrite, DataType::kString, false},
                                              {8, Operations::kExecute, DataType::kNone, false},
                                          });
  o->AddInstance(0);
  o->Set(0, 0, int64_t{info.short_server_id});
  o->Set(0, 1, info.lifetime_s);
  if (info.default_pmin) o->Set(0, 2, *info.default_pmin);
  if (info.default_pmax) o->Set(0, 3, *info.default_pmax);
  o->Set(0, 6, info.notification_storing);
  o->Set(0, 7, info.binding);
  std::function<void()> trigger = info.on_update_trigger;
  o->OnExecute(8, [trigger](uint16_t, std::string_view) {
    if (trigger) trigger();
    return CoapCode::kChanged;
  });
  return o;
}

}  // namespace lwcl::client
