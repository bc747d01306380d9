// The standard objects every LwM2M client carries: Device /3 (instance 0)
// and Server /1 (one instance per server). Built on SimpleObject, so the
// application updates them with Set like any other (battery, memory, power
// sources); the helpers below keep multiple resources (Error Code) and the
// clock (Current Time) right. Resource ids and operations follow the OMA
// definitions in lwm2m/objects/ (3.xml, 1.xml).
// Connectivity Monitoring /4 and Firmware Update /5 have their own headers
// (connectivity_object.h, firmware_update_object.h); the Accelerometer
// /3313 is the device's (device/accelerometer_object.h).
#ifndef LWCL_CLIENT_STANDARD_OBJECTS_H_
#define LWCL_CLIENT_STANDARD_OBJECTS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/simple_object.h"

namespace lwcl::client {

// One entry of 6 Available Power Sources, with 7 voltage and 8 current.
struct PowerSource {
  int64_t type = 0;  // 0 DC, 1 internal battery, 2 external battery, 4 PoE, 5 USB, 6 AC, 7 solar
  int64_t voltage_mv = 0;
  int64_t current_ma = 0;
};

// Every member has an initializer, so designated initializers naming only
// some ({.serial_number = "SN-1"}) compile warning-free.
struct DeviceInfo {
  std::string manufacturer = "LwCL";
  std::string model_number = "virtual";
  std::string serial_number{};
  std::string firmware_version{};
  std::string device_type = "motion-detector";
  std::string hardware_version{};
  std::string software_version{};
  std::string supported_bindings = "U";
  std::function<void()> on_reboot{};         // /3/0/4 Reboot
  std::function<void()> on_factory_reset{};  // /3/0/5 Factory Reset
  std::vector<PowerSource> power_sources{};  // 6/7/8, absent when empty
  std::optional<int64_t> battery_level{};    // 9, percent
  std::optional<int64_t> memory_free_kb{};   // 10, KiB
  std::optional<int64_t> memory_total_kb{};  // 21, KiB
  std::string utc_offset{};                  // 14 (RW), e.g. "+01:00"; absent when empty
  std::string timezone{};                    // 15 (RW), e.g. "Europe/Berlin"; absent when empty
  // Seconds since the Unix epoch for 13 Current Time; default: the system clock.
  std::function<int64_t()> clock{};
};

// /3/0: 0 Manufacturer, 1 Model Number, 2 Serial Number, 3 Firmware Version,
// 4 Reboot (E), 5 Factory Reset (E; 4.05 without on_factory_reset),
// 6 Available Power Sources, 7 Power Source Voltage, 8 Power Source Current
// (multiple, one instance per power source), 9 Battery Level, 10 Memory
// Free, 11 Error Code (multiple; a single 0 = no error), 12 Reset Error Code
// (E: back to a single 0), 13 Current Time (RW: a Write sets the device's
// offset from its clock; reads run on),
// 14 UTC Offset, 15 Timezone (RW), 16 Supported Binding and Modes,
// 17 Device Type, 18 Hardware Version, 19 Software Version, 21 Memory Total.
// Update 9/10/21 with Set(0, rid, int64_t{...}).
std::unique_ptr<SimpleObject> MakeDeviceObject(const DeviceInfo& info);

// Error Code /3/0/11: adds `code` (1..32) unless present, replacing the
// "no error" 0; marks the resource changed when the list changes.
void AddDeviceErrorCode(SimpleObject& device, int64_t code);
// Removes one code; the list falls back to a single 0 when it empties.
void RemoveDeviceErrorCode(SimpleObject& device, int64_t code);
// Back to a single 0 (what 12 Reset Error Code does).
void ClearDeviceErrorCodes(SimpleObject& device);
// The current codes (a single 0 when there is no error).
std::vector<int64_t> DeviceErrorCodes(SimpleObject& device);

// Replaces every instance of multiple resource (iid, rid) with `values`
// (instance ids 0..n-1) and marks the resource changed when they differ.
void SetMultipleResource(SimpleObject& object, uint16_t iid, uint16_t rid, const std::vector<lwm2m::Value>& values);

struct ServerInfo {
  uint16_t short_server_id = 1;
  int64_t lifetime_s = 86400;
  std::optional<int64_t> default_pmin{};
  std::optional<int64_t> default_pmax{};
  bool notification_storing = true;
  std::string binding = "U";
  std::function<void()> on_update_trigger{};  // /1/x/8 Registration Update Trigger
};

// /1/0: 0 Short Server ID (R), 1 Lifetime, 2 Default Minimum Period,
// 3 Default Maximum Period, 6 Notification Storing, 7 Binding (RW),
// 8 Registration Update Trigger (E).
std::unique_ptr<SimpleObject> MakeServerObject(const ServerInfo& info);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_STANDARD_OBJECTS_H_
