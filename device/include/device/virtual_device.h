// VirtualDevice: one simulated device: a SensorSource, the pattern-detector
// application (with its Training Samples uploaded by LwM2M Send), the
// standard objects (Server /1, Device /3, Firmware Update /5 taking virtual
// firmware images, virtual_firmware.h), the model slots behind /9, and one
// LwM2M client engine (client::Client) registered with a server.
//
// Time: samples are fed by the sample clock: at clock time t (seconds since
// Start) the app has seen floor(t * rate_hz) samples, so the device runs in
// simulated real time whatever the caller's loop does. The clock is the
// client's (steady_clock by default; tests inject their own with SetClock,
// which also drives registration and observe timing, so pmin/pmax work in
// simulated time).
//
// How often the server hears about detections is the server's choice, made
// with standard attributes on /33650 (nothing device-specific):
//   every detection:       Observe /33650 with pmin=0 (no pmax)
//   a counter every N s:   Write-Attributes /33650?pmin=N&pmax=N
//   back:                  Write-Attributes /33650?pmin=0&pmax  (bare pmax clears it)
//
// Single-threaded: call everything from one thread (Fleet gives each device
// to one of its threads).
#ifndef LWCL_DEVICE_VIRTUAL_DEVICE_H_
#define LWCL_DEVICE_VIRTUAL_DEVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "client/client.h"
#include "client/firmware_update_object.h"
#include "client/registry.h"
#include "client/simple_object.h"
#include "device/model_slots.h"
#include "device/pattern_detector_app.h"
#include "device/sensor_source.h"

namespace lwcl::device {

struct VirtualDeviceOptions {
  std::string endpoint = "lwcl-device";
  client::Endpoint server;  // host, port, DTLS-PSK
  int64_t lifetime_s = 300;
  std::string binding = "U";
  // Keeps /0, /1 and attributes across runs (client::Client::SetStateFile); empty: none.
  std::string state_file;
  AppOptions app;
  // Model slots A/B behind /9: the fleet key packages must be signed with,
  // and where the slots survive restarts (empty: in memory).
  SlotOptions slots;
};

class VirtualDevice {
 public:
  VirtualDevice(VirtualDeviceOptions options, std::unique_ptr<SensorSource> source);
  ~VirtualDevice();
  VirtualDevice(const VirtualDevice&) = delete;
  VirtualDevice& operator=(const VirtualDevice&) = delete;

  // The first call boots the model slots with `package` as the factory model
  // (ModelSlots::Boot: a state directory's model wins); later calls replace
  // the running model directly (PatternDetectorApp::LoadModel). A new label
  // set sends an Update.
  bool LoadModel(std::span<const uint8_t> package, std::string* error);
  // Seconds on a monotonic clock, for both the samples and the client.
  void SetClock(std::function<double()> clock);
  // Starts the sample clock and registers (the Register goes out at the next
  // Step). False with a message when the state file cannot be loaded or the
  // server endpoint is unusable.
  bool Start(std::string* error);
  // Feeds the samples due by now, then runs the client once (libcoap I/O,
  // waiting at most `timeout_ms`; 0: not at all).
  void Step(uint32_t timeout_ms);
  // Starts De-register (Step sends it).
  void Deregister();

  bool registered() const { return client_->registered(); }
  // De-registered (answered), or never started.
  bool deregistered() const;
  bool source_ended() const { return source_ended_; }
  uint64_t samples_fed() const { return samples_fed_; }
  const std::string& endpoint() const { return options_.endpoint; }

  PatternDetectorApp& app() { return app_; }
  ModelSlots& slots() { return slots_; }
  client::FirmwareUpdateObject& firmware() { return *firmware_; }
  // /3/0/3: "0.1.0" until a virtual firmware image is applied over /5.
  std::string firmware_version() const;
  const PatternDetectorApp& app() const { return app_; }
  client::Client& client() { return *client_; }
  client::Registry& registry() { return registry_; }
  SensorSource& source() { return *source_; }

 private:
  void FeedSamples();

  VirtualDeviceOptions options_;
  std::unique_ptr<SensorSource> source_;
  client::Registry registry_;
  std::unique_ptr<client::SimpleObject> server_object_;
  std::unique_ptr<client::SimpleObject> device_object_;
  std::unique_ptr<client::FirmwareUpdateObject> firmware_;  // /5, virtual_firmware.h
  PatternDetectorApp app_;
  ModelSlots slots_;
  std::unique_ptr<client::Client> client_;
  bool booted_ = false;
  bool started_ = false;
  double start_time_ = 0.0;
  uint64_t samples_fed_ = 0;
  bool source_ended_ = false;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_VIRTUAL_DEVICE_H_
