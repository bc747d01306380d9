#include "client/standard_objects.h"

namespace lwcl::client {

using lwm2m::DataType;
using lwm2m::Operations;

std::unique_ptr<SimpleObject> MakeDeviceObject(const DeviceInfo& info) {
  auto o = std::make_unique<SimpleObject>(3, false,
                                          std::vector<ResourceSpec>{
                                              {0, Operations::kRead, DataType::kString, false},
                                              {1, Operations::kRead, DataType::kString, false},
                                              {2, Operations::kRead, DataType::kString, false},
                                              {3, Operations::kRead, DataType::kString, false},
                                              {4, Operations::kExecute, DataType::kNone, false},
                                              {11, Operations::kRead, DataType::kInteger, true},
                                              {16, Operations::kRead, DataType::kString, false},
                                              {17, Operations::kRead, DataType::kString, false},
                                              {18, Operations::kRead, DataType::kString, false},
                                              {19, Operations::kRead, DataType::kString, false},
                                          });
  o->AddInstance(0);
  auto set_if = [&](uint16_t rid, const std::string& v) {
    if (!v.empty()) o->Set(0, rid, v);
  };
  set_if(0, info.manufacturer);
  set_if(1, info.model_number);
  set_if(2, info.serial_number);
  set_if(3, info.firmware_version);
  o->SetInstance(0, 11, 0, int64_t{0});
  set_if(16, info.supported_bindings);
  set_if(17, info.device_type);
  set_if(18, info.hardware_version);
  set_if(19, info.software_version);
  std::function<void()> reboot = info.on_reboot;
  o->OnExecute(4, [reboot](uint16_t, std::string_view) {
    if (reboot) reboot();
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
