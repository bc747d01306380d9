// Fleet: many VirtualDevices in one process, run by a few threads, for load
// and demo runs against one server. Device i is named prefix + i, gets seed
// seed + i for its source, and belongs to thread i % threads for its whole
// life (a Client is single-threaded); nothing is shared between threads but
// the counters read by status().
//
// It promises: Start builds and loads every device before any thread runs
// (so a bad model fails at once, not on a thread); registrations are spread
// over `start_spread_s` so a big fleet does not knock all at once; Stop
// de-registers every device and waits (at most its timeout) for the answers
// before joining the threads; the destructor Stops.
#ifndef LWCL_DEVICE_FLEET_H_
#define LWCL_DEVICE_FLEET_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "device/package_check.h"
#include "device/sensor_source.h"
#include "device/virtual_device.h"

namespace lwcl::device {

struct FleetOptions {
  size_t devices = 10;
  size_t threads = 2;
  std::string prefix = "lwcl-dev-";
  uint64_t seed = 1;
  client::Endpoint server;  // with dtls: identity = endpoint name, key = psk_key(i)
  int64_t lifetime_s = 300;
  AppOptions app;
  std::vector<uint8_t> model;  // the package every device runs
  // The source of device `index`, seeded with `seed` (required).
  std::function<std::unique_ptr<SensorSource>(size_t index, uint64_t seed)> make_source;
  // The DTLS-PSK key of device `index` (used when server.dtls).
  std::function<std::vector<uint8_t>(size_t index)> psk_key;
  // Model slots of every device (/9): the fleet key; slots_dir, when set,
  // keeps device i's slots in slots_dir/<endpoint> across runs.
  std::optional<FleetKey> fleet_key;
  std::string slots_dir;
  double start_spread_s = 0.0;  // device i starts at i * spread / devices
  uint32_t poll_ms = 5;         // a thread's pause between sweeps over its devices
};

// PSK of device `index` from a base key: the base bytes followed by the index
// as 4 bytes big-endian (so a server can be provisioned with the same rule).
std::vector<uint8_t> DerivePskKey(const std::vector<uint8_t>& base, size_t index);

struct FleetStatus {
  size_t devices = 0;
  size_t registered = 0;
  uint64_t detections = 0;  // total over the fleet, cumulative
  uint64_t samples = 0;
};

class Fleet {
 public:
  explicit Fleet(FleetOptions options);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // Builds the devices and starts the threads. False with a message when a
  // device cannot be built (model refused, no source, unusable server).
  bool Start(std::string* error);
  // De-registers every device (waiting at most `timeout_s` for the answers)
  // and joins the threads. Idempotent.
  void Stop(double timeout_s = 5.0);
  FleetStatus status() const;
  // Devices that were de-registered cleanly by Stop (answered, or never registered).
  size_t deregistered() const;

 private:
  struct Slot {  // one thread's devices and the counters it publishes
    std::vector<std::unique_ptr<VirtualDevice>> devices;
    std::vector<double> start_at;  // steady seconds at which each device starts
    std::atomic<size_t> registered{0};
    std::atomic<size_t> deregistered{0};
    std::atomic<uint64_t> detections{0};
    std::atomic<uint64_t> samples{0};
    std::thread thread;
  };
  void Run(Slot* slot);

  FleetOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<bool> stopping_{false};
  std::atomic<double> stop_deadline_{0.0};
  bool running_ = false;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_FLEET_H_
