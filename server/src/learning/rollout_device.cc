// One device's way through a rollout: the DM requests, in order, and what
// each answer means (the list is in server/rollout.h).
#include <cstdio>

#include "server/rollout.h"

namespace lwcl::server {

namespace {

enum Step : int {
  kReadSlots = 0,
  kUninstall,
  kBaseline,
  kWrite,
  kCheckDelivered,
  kInstall,
  kCheckInstalled,
  kActivate,
  kCheckActive,
  kProbation,
  kConfidence,
  kDeactivate,
};

constexpr double kPollEvery = 0.25;  // s between reads while the device works
constexpr double kOfflineRetry = 5;  // s before asking a device that is not registered again
constexpr double kQueuedWait = 2;    // s: an answer later than this waited for a sleeping device

using lwm2m::Path;

DeviceRequest ReadOf(Path p) {
  DeviceRequest r;
  r.op = Operation::kRead;
  r.paths = {p};
  return r;
}

DeviceRequest ExecuteOf(uint16_t slot, uint16_t rid, std::string args = {}) {
  DeviceRequest r;
  r.op = Operation::kExecute;
  r.paths = {Path::Resource(9, slot, rid)};
  r.arguments = std::move(args);
  return r;
}

// The /9 instance's values, as read.
struct SlotView {
  int64_t state = -1;
  int64_t result = -1;
  bool active = false;
  std::string reason;
};

SlotView SlotFrom(const std::vector<lwm2m::Record>& records, uint16_t slot) {
  SlotView v;
  for (const lwm2m::Record& rec : records) {
    if (rec.path.object() != 9 || rec.path.instance() != slot) continue;
    const uint16_t rid = rec.path.resource();
    if (const auto* i = std::get_if<int64_t>(&rec.value)) {
      if (rid == 7) v.state = *i;
      if (rid == 9) v.result = *i;
    } else if (const auto* u = std::get_if<uint64_t>(&rec.value)) {
      if (rid == 7) v.state = static_cast<int64_t>(*u);
      if (rid == 9) v.result = static_cast<int64_t>(*u);
    } else if (const auto* b = std::get_if<bool>(&rec.value)) {
      if (rid == 12) v.active = *b;
    } else if (const auto* s = std::get_if<std::string>(&rec.value)) {
      if (rid == 16) v.reason = *s;
    }
  }
  return v;
}

// The instance to receive the model: not active, an empty one (INITIAL)
// preferred; -1 when there is none. *state is its Update State.
int IdleSlot(const std::vector<lwm2m::Record>& records, int64_t* state) {
  int idle = -1;
  *state = 0;
  for (uint16_t s = 0; s < 8; ++s) {
    const SlotView v = SlotFrom(records, s);
    if (v.state < 0) continue;
    if (!v.active && (idle < 0 || (*state != 0 && v.state == 0))) {
      idle = s;
      *state = v.state;
    }
  }
  return idle;
}

std::optional<double> NumberFrom(const std::vector<lwm2m::Record>& records) {
  for (const lwm2m::Record& rec : records) {
    if (const auto* d = std::get_if<double>(&rec.value)) return *d;
    if (const auto* i = std::get_if<int64_t>(&rec.value)) return static_cast<double>(*i);
  }
  return std::nullopt;
}

std::string Why(const SlotView& v) {
  std::string s = "update state " + std::to_string(v.state) + ", result " + std::to_string(v.result);
  if (!v.reason.empty()) s += ": " + v.reason;
  return s;
}

}  // namespace

void RolloutEngine::Finish(Rollout& r, RolloutTarget& t, TargetState state, std::string reason) {
  t.state = state;
  t.reason = std::move(reason);
  t.done = true;
  Event(r, "device_done", &t);
  // Its /33651 now names the new model (or the previous one, after a rollback).
  if (t.slot >= 0 && (state == TargetState::kActive || state == TargetState::kRolledBack)) {
    service_.LearnModelVersion(t.endpoint);
  }
}

void RolloutEngine::Send(int64_t rollout, size_t index, const DeviceRequest& request, int next_step) {
  Rollout& r = *rollouts_.at(rollout);
  RolloutTarget& t = r.targets[index];
  t.in_flight = true;
  t.sent_at = service_.Now();
  service_.Request(t.endpoint, request, [this, rollout, index, next_step](const DeviceResponse& resp) {
    OnAnswer(rollout, index, next_step, resp);
  });
}

void RolloutEngine::Advance(Rollout& r, RolloutTarget& t, double now) {
  const size_t index = static_cast<size_t>(&t - r.targets.data());
  const auto slot = static_cast<uint16_t>(t.slot < 0 ? 0 : t.slot);
  if (now - t.step_started > r.policy.step_timeout_s) {
    Finish(r, t, t.state == TargetState::kActive ? TargetState::kRolledBack : TargetState::kFailed,
           "no progress for " + std::to_string(static_cast<int>(r.policy.step_timeout_s)) + " s at step " +
               std::to_string(t.step));
    return;
  }
  switch (t.step) {
    case kReadSlots: {
      DeviceRequest read;
      read.op = Operation::kRead;
      read.paths = {Path::Object(9)};
      return Send(r.id, index, read, kReadSlots);
    }
    case kUninstall:
      return Send(r.id, index, ExecuteOf(slot, 6), kUninstall);
    case kBaseline:
      return Send(r.id, index, ReadOf(Path::Resource(33651, 0, 6)), kBaseline);
    case kWrite: {
      if (r.policy.delivery == Delivery::kPull) {
        const std::string uri = service_.PackageUri(t.endpoint, r.package_name);
        if (uri.empty()) {
          t.reason = "waiting: the device is not registered";
          t.next_at = now + kOfflineRetry;
          return;
        }
        DeviceRequest write;
        write.op = Operation::kWrite;
        write.paths = {Path::Resource(9, slot, 3)};
        lwm2m::Record rec;
        rec.path = write.paths[0];
        rec.value = uri;
        write.records = {rec};
        t.state = TargetState::kTransferring;
        Event(r, "transferring", &t);
        return Send(r.id, index, write, kWrite);
      }
      DeviceRequest write;
      write.op = Operation::kWrite;
      write.paths = {Path::Resource(9, slot, 2)};
      lwm2m::Record rec;
      rec.path = write.paths[0];
      rec.value = lwm2m::Opaque(r.package->begin(), r.package->end());
      write.records = {rec};
      write.format = lwm2m::ContentFormat::kOpaque;
      t.state = TargetState::kTransferring;
      t.bytes_sent += r.package->size();
      r.bytes_sent += r.package->size();
      Event(r, "transferring", &t);
      return Send(r.id, index, write, kWrite);
    }
    case kInstall:
      return Send(r.id, index, ExecuteOf(slot, 4, r.policy.allow_downgrade ? "0='downgrade'" : ""), kInstall);
    case kActivate:
      return Send(r.id, index, ExecuteOf(slot, 10), kActivate);
    case kCheckDelivered:
    case kCheckInstalled:
    case kCheckActive:
    case kProbation:
      return Send(r.id, index, ReadOf(Path::Instance(9, slot)), t.step);
    case kConfidence:
      return Send(r.id, index, ReadOf(Path::Resource(33651, 0, 6)), kConfidence);
    case kDeactivate:
      return Send(r.id, index, ExecuteOf(slot, 11), kDeactivate);
    default:
      return Finish(r, t, TargetState::kFailed, "internal: unknown step");
  }
}

void RolloutEngine::OnAnswer(int64_t rollout, size_t index, int step, const DeviceResponse& resp) {
  std::lock_guard lock(mu_);
  auto it = rollouts_.find(rollout);
  if (it == rollouts_.end()) return;
  Rollout& r = *it->second;
  RolloutTarget& t = r.targets[index];
  t.in_flight = false;
  const double now = service_.Now();
  // A sleeping queue-mode device answers when it wakes: that wait is not
  // lack of progress.
  if (now - t.sent_at > kQueuedWait) t.step_started += now - t.sent_at;
  auto go = [&](int next, double delay = 0) {
    if (next != t.step) t.step_started = now + delay;
    t.step = next;
    t.next_at = now + delay;
    t.polls = 0;
  };
  auto poll = [&] {
    ++t.polls;
    t.next_at = now + kPollEvery;
  };
  if (resp.code != lwm2m::CoapCode::kContent && resp.code != lwm2m::CoapCode::kChanged) {
    if (!resp.error.empty() && resp.error.find("not registered") != std::string::npos) {
      t.reason = "waiting: the device is not registered";
      t.next_at = now + kOfflineRetry;
      return;
    }
    const std::string what = resp.timed_out ? std::string("no answer") : lwm2m::CoapCodeText(resp.code);
    if (step == kBaseline) return go(kWrite);  // no /33651: no confidence baseline
    if (step == kDeactivate) return Finish(r, t, TargetState::kRolledBack, t.reason);
    if (resp.timed_out && t.polls < 3) return poll();
    return Finish(r, t, t.state == TargetState::kActive ? TargetState::kRolledBack : TargetState::kFailed,
                  "step " + std::to_string(step) + ": the device answered " + what +
                      (resp.error.empty() ? "" : " (" + resp.error + ")"));
  }
  switch (step) {
    case kReadSlots: {
      int64_t idle_state = 0;
      const int idle = IdleSlot(resp.records, &idle_state);
      if (idle < 0) return Finish(r, t, TargetState::kFailed, "the device has no idle /9 slot");
      t.slot = idle;
      return go(idle_state == 0 ? kBaseline : kUninstall);
    }
    case kUninstall:
      return go(kBaseline);
    case kBaseline:
      if (const auto c = NumberFrom(resp.records)) t.baseline_confidence = *c;
      return go(kWrite);
    case kWrite:
      return go(kCheckDelivered);
    case kCheckDelivered: {
      const SlotView v = SlotFrom(resp.records, static_cast<uint16_t>(t.slot));
      if (v.state == 3) {
        if (r.policy.delivery == Delivery::kPull) {  // the device fetched all of it
          t.bytes_sent += r.package->size();
          r.bytes_sent += r.package->size();
        }
        return go(kInstall);
      }
      // Pulling: INITIAL until the device's GET starts, DOWNLOAD STARTED while it runs.
      const bool pull_starting = r.policy.delivery == Delivery::kPull && v.state == 0 && v.result <= 1;
      if ((v.state == 1 || pull_starting) && t.polls < 200) return poll();
      return Finish(r, t, TargetState::kFailed, "the device refused the package: " + Why(v));
    }
    case kInstall:
      return go(kCheckInstalled, kPollEvery);
    case kCheckInstalled: {
      const SlotView v = SlotFrom(resp.records, static_cast<uint16_t>(t.slot));
      if (v.state == 4) {
        t.state = TargetState::kInstalled;
        Event(r, "installed", &t);
        return go(kActivate);
      }
      if (v.state == 3 && v.result == 58) return Finish(r, t, TargetState::kFailed, "install failed: " + Why(v));
      if (t.polls < 40) return poll();
      return Finish(r, t, TargetState::kFailed, "install did not finish: " + Why(v));
    }
    case kActivate:
      return go(kCheckActive, kPollEvery);
    case kCheckActive: {
      const SlotView v = SlotFrom(resp.records, static_cast<uint16_t>(t.slot));
      if (v.active) {
        t.state = TargetState::kActive;
        Event(r, "activated", &t);
        return go(kProbation, r.policy.probation_s);
      }
      if (v.result == 57) return Finish(r, t, TargetState::kRolledBack, "activation failed: " + Why(v));
      if (t.polls < 40) return poll();
      return Finish(r, t, TargetState::kFailed, "activation did not finish: " + Why(v));
    }
    case kProbation: {
      const SlotView v = SlotFrom(resp.records, static_cast<uint16_t>(t.slot));
      if (!v.active) return Finish(r, t, TargetState::kRolledBack, "the device rolled back: " + Why(v));
      return go(kConfidence);
    }
    case kConfidence: {
      if (const auto c = NumberFrom(resp.records)) t.confidence = *c;
      if (t.baseline_confidence > 0 && t.confidence >= 0 &&
          t.confidence < r.policy.min_confidence_ratio * t.baseline_confidence) {
        char why[160];
        std::snprintf(why, sizeof why, "mean confidence %.3f < %.2f x its baseline %.3f", t.confidence,
                      r.policy.min_confidence_ratio, t.baseline_confidence);
        t.reason = why;
        return go(kDeactivate);
      }
      return Finish(r, t, TargetState::kActive, "");
    }
    case kDeactivate:
      return Finish(r, t, TargetState::kRolledBack, t.reason);
    default:
      return Finish(r, t, TargetState::kFailed, "internal: unknown step");
  }
}

}  // namespace lwcl::server
