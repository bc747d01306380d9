// Minimal instances of the standard objects every LwM2M client carries:
// Device /3 (instance 0) and Server /1 (one instance per server). Built on
// SimpleObject, so the application updates them with Set like any other.
// Resource ids and operations follow the OMA definitions in lwm2m/objects/.
#ifndef LWCL_CLIENT_STANDARD_OBJECTS_H_
#define LWCL_CLIENT_STANDARD_OBJECTS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "client/simple_object.h"

namespace lwcl::client {

struct DeviceInfo {
  std::string manufacturer = "LwCL";
  std::string model_number = "virtual";
  std::string serial_number;
  std::string firmware_version;
  std::string device_type = "motion-detector";
  std::string hardware_version;
  std::string software_version;
  std::string supported_bindings = "U";
  std::function<void()> on_reboot;  // /3/0/4 Reboot
};

// /3/0: 0 Manufacturer, 1 Model Number, 2 Serial Number, 3 Firmware Version,
// 4 Reboot (E), 11 Error Code (multiple, 0 = no error), 16 Supported Binding
// and Modes, 17 Device Type, 18 Hardware Version, 19 Software Version.
std::unique_ptr<SimpleObject> MakeDeviceObject(const DeviceInfo& info);

struct ServerInfo {
  uint16_t short_server_id = 1;
  int64_t lifetime_s = 86400;
  std::optional<int64_t> default_pmin;
  std::optional<int64_t> default_pmax;
  bool notification_storing = true;
  std::string binding = "U";
  std::function<void()> on_update_trigger;  // /1/x/8 Registration Update Trigger
};

// /1/0: 0 Short Server ID (R), 1 Lifetime, 2 Default Minimum Period,
// 3 Default Maximum Period, 6 Notification Storing, 7 Binding (RW),
// 8 Registration Update Trigger (E).
std::unique_ptr<SimpleObject> MakeServerObject(const ServerInfo& info);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_STANDARD_OBJECTS_H_
