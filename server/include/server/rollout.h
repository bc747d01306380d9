// Rollouts: one model from the registry delivered to a set of devices over
// Software Management /9, safely — a canary share first, then the rest in
// waves, with a bounded number of transfers at once, and an automatic halt
// when the canary (or any wave) is unhealthy.
//
// Per device (rollout_device.cc drives it with DM requests through the
// Service): read /9 and pick the idle slot (the instance whose Activation
// State is false; Uninstall it first when it holds an old model), read the
// device's baseline mean confidence (/33651/0/6), Write the package into
// /9/x/2 (block-wise), check DELIVERED, Execute Install, check INSTALLED,
// Execute Activate, check Activation State, then watch for the probation
// period: the device's own rollback (Activation State false, Update Result
// 57) or a mean confidence below min_confidence_ratio x its baseline (the
// server then Executes Deactivate, which hands back to the previous slot)
// counts as rolled back, with the reason the device gave (/9/x/16).
// Device states: pending -> transferring -> installed -> active, or failed
// / rolled_back with a reason; a device that is not registered stays
// pending (queue-mode devices get their transfer when they wake: a request
// to a sleeping device waits in the server's queue, and the time it waited
// there does not count against the step timeout).
//
// Rollout states: canary -> rolling -> completed, or halted (with a reason
// a person can read: "canary: 3 of 3 devices rolled back (...)"), paused
// (nothing new starts; transfers in flight finish), aborted. A halt sends
// Deactivate to every device of the halted group that runs the new model,
// so the canary ends on the previous model and nobody else received it.
// Every step is an event (kind "rollout") on the live stream. With pull
// delivery the package is offered at the server's /pkg/r<id> for as long as
// the rollout may still hand it out, and the device's step after the slot
// is a Write of /9/x/3 with its URI (Service::PackageUri).
// A device whose model became active has its model_version read again
// (Service::LearnModelVersion), so the device list shows the new version.
//
// Threads: Create/Pause/Resume/Abort/Get/List from any thread; the work
// runs on the Service's loop thread (a ticker).
#ifndef LWCL_SERVER_ROLLOUT_H_
#define LWCL_SERVER_ROLLOUT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/service.h"
#include "store/records.h"

namespace lwcl::server {

enum class RolloutState : uint8_t { kCanary, kRolling, kCompleted, kHalted, kPaused, kAborted };
// How the package reaches a device: the server writes it into /9/x/2
// (push, Block1), or writes /9/x/3 Package URI and the device GETs it from
// the server's /pkg resource (pull, Block2; coaps:// for DTLS devices).
enum class Delivery : uint8_t { kPush, kPull };
enum class TargetState : uint8_t { kPending, kTransferring, kInstalled, kActive, kFailed, kRolledBack };

const char* RolloutStateName(RolloutState s);
const char* TargetStateName(TargetState s);
const char* DeliveryName(Delivery d);

struct RolloutPolicy {
  double canary_percent = 10;      // of the targets, at least one device
  size_t wave_size = 50;           // devices started together after the canary
  size_t max_concurrent = 16;      // devices in flight at once
  double max_failure_ratio = 0.0;  // failed + rolled back per group above this halts
  double min_confidence_ratio = 0.8;  // mean confidence vs the device's baseline
  double probation_s = 15;         // watched after activation
  double step_timeout_s = 60;      // a device that stops answering fails after this
  bool allow_downgrade = false;    // Install with 0='downgrade'
  Delivery delivery = Delivery::kPush;
};

// One device of a rollout: where it is and why.
struct RolloutTarget {
  std::string endpoint;
  bool canary = false;
  TargetState state = TargetState::kPending;
  std::string reason;
  int slot = -1;                    // the /9 instance receiving the model
  double baseline_confidence = -1;  // before; -1 unknown
  double confidence = -1;           // at the end of probation
  uint64_t bytes_sent = 0;
  bool started = false;
  bool done = false;  // finished (active after probation, failed or rolled back)
  // Driven by rollout_device.cc.
  int step = 0;
  double next_at = 0;
  double step_started = 0;
  int polls = 0;
  bool in_flight = false;
  double sent_at = 0;  // the request in flight went out (or was queued) then
};

struct Rollout {
  int64_t id = 0;
  int64_t model_id = 0;
  std::string model_name;
  std::string model_version;
  RolloutPolicy policy;
  RolloutState state = RolloutState::kCanary;
  RolloutState resume_to = RolloutState::kCanary;  // while paused
  std::string halt_reason;
  std::vector<RolloutTarget> targets;
  size_t canary_count = 0;
  size_t wave_begin = 0;  // the group in progress: targets [wave_begin, wave_end)
  size_t wave_end = 0;
  uint64_t bytes_sent = 0;
  double created_s = 0;
  double finished_s = -1;
  std::shared_ptr<const std::vector<uint8_t>> package;
  std::string package_name;  // offered at /pkg/<name> for pull delivery; "" when withdrawn
};

nlohmann::json RolloutJson(const Rollout& r, bool with_devices);

class RolloutEngine {
 public:
  // Ticks on `service`'s loop until Detach (or destruction, whichever is
  // first); the Service must outlive that moment.
  explicit RolloutEngine(Service& service);
  ~RolloutEngine();
  // Stops ticking: nothing advances any more. Idempotent.
  void Detach();
  RolloutEngine(const RolloutEngine&) = delete;
  RolloutEngine& operator=(const RolloutEngine&) = delete;

  // Starts rolling `model` (with its bytes) out to `endpoints`. The id, or
  // nullopt with *error (no devices, a delta, ...).
  std::optional<int64_t> Create(const store::ModelRecord& model, std::vector<std::string> endpoints,
                                const RolloutPolicy& policy, std::string* error);
  // False with *error when the rollout is unknown or the change does not fit its state.
  bool Pause(int64_t id, std::string* error);
  bool Resume(int64_t id, std::string* error);
  bool Abort(int64_t id, std::string* error);
  std::optional<nlohmann::json> Get(int64_t id) const;
  nlohmann::json List() const;

 private:
  void Tick(double now);
  void Schedule(Rollout& r, double now);
  void EvaluateGroup(Rollout& r, size_t begin, size_t end, const char* group, double now);
  void Halt(Rollout& r, size_t begin, size_t end, std::string reason, double now);
  void Event(const Rollout& r, const std::string& step, const RolloutTarget* target = nullptr);
  // rollout_device.cc
  void Advance(Rollout& r, RolloutTarget& t, double now);
  void Send(int64_t rollout, size_t index, const DeviceRequest& request, int next_step);
  void OnAnswer(int64_t rollout, size_t index, int step, const DeviceResponse& response);
  void Finish(Rollout& r, RolloutTarget& t, TargetState state, std::string reason);

  Service& service_;
  uint64_t ticker_ = 0;
  mutable std::recursive_mutex mu_;
  std::map<int64_t, std::unique_ptr<Rollout>> rollouts_;
  int64_t next_id_ = 1;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_ROLLOUT_H_
