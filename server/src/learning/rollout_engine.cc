#include <algorithm>
#include <cmath>

#include "server/rollout.h"

namespace lwcl::server {

using json = nlohmann::json;

const char* RolloutStateName(RolloutState s) {
  switch (s) {
    case RolloutState::kCanary:
      return "canary";
    case RolloutState::kRolling:
      return "rolling";
    case RolloutState::kCompleted:
      return "completed";
    case RolloutState::kHalted:
      return "halted";
    case RolloutState::kPaused:
      return "paused";
    case RolloutState::kAborted:
      return "aborted";
  }
  return "?";
}

const char* TargetStateName(TargetState s) {
  switch (s) {
    case TargetState::kPending:
      return "pending";
    case TargetState::kTransferring:
      return "transferring";
    case TargetState::kInstalled:
      return "installed";
    case TargetState::kActive:
      return "active";
    case TargetState::kFailed:
      return "failed";
    case TargetState::kRolledBack:
      return "rolled_back";
  }
  return "?";
}

const char* DeliveryName(Delivery d) { return d == Delivery::kPull ? "pull" : "push"; }

json RolloutJson(const Rollout& r, bool with_devices) {
  json counts = json::object();
  for (TargetState s : {TargetState::kPending, TargetState::kTransferring, TargetState::kInstalled,
                        TargetState::kActive, TargetState::kFailed, TargetState::kRolledBack}) {
    counts[TargetStateName(s)] = 0;
  }
  for (const RolloutTarget& t : r.targets) counts[TargetStateName(t.state)] = counts[TargetStateName(t.state)].get<int>() + 1;
  json j = {{"id", r.id},
            {"model", r.model_id},
            {"model_name", r.model_name},
            {"model_version", r.model_version},
            {"state", RolloutStateName(r.state)},
            {"halt_reason", r.halt_reason},
            {"devices_total", r.targets.size()},
            {"canary_devices", r.canary_count},
            {"counts", counts},
            {"bytes_sent", r.bytes_sent},
            {"package_bytes", r.package ? r.package->size() : 0},
            {"policy",
             {{"canary_percent", r.policy.canary_percent},
              {"wave_size", r.policy.wave_size},
              {"max_concurrent", r.policy.max_concurrent},
              {"max_failure_ratio", r.policy.max_failure_ratio},
              {"min_confidence_ratio", r.policy.min_confidence_ratio},
              {"probation_s", r.policy.probation_s},
              {"allow_downgrade", r.policy.allow_downgrade},
              {"delivery", DeliveryName(r.policy.delivery)}}},
            {"elapsed_s", (r.finished_s >= 0 ? r.finished_s : r.created_s) - r.created_s}};
  if (with_devices) {
    json devices = json::array();
    for (const RolloutTarget& t : r.targets) {
      json d = {{"endpoint", t.endpoint}, {"state", TargetStateName(t.state)}, {"canary", t.canary},
                {"reason", t.reason},     {"slot", t.slot},                    {"bytes_sent", t.bytes_sent}};
      if (t.baseline_confidence >= 0) d["baseline_confidence"] = t.baseline_confidence;
      if (t.confidence >= 0) d["confidence"] = t.confidence;
      devices.push_back(d);
    }
    j["devices"] = devices;
  }
  return j;
}

RolloutEngine::RolloutEngine(Service& service) : service_(service) {
  ticker_ = service_.AddTicker([this](double now) { Tick(now); });
}

RolloutEngine::~RolloutEngine() { Detach(); }

void RolloutEngine::Detach() {
  if (ticker_ != 0) service_.RemoveTicker(ticker_);
  ticker_ = 0;
}

std::optional<int64_t> RolloutEngine::Create(const store::ModelRecord& model, std::vector<std::string> endpoints,
                                             const RolloutPolicy& policy, std::string* error) {
  if (endpoints.empty()) {
    *error = "no devices to roll out to";
    return std::nullopt;
  }
  if (model.package.empty()) {
    *error = "the model has no package bytes";
    return std::nullopt;
  }
  if (!(policy.canary_percent >= 0 && policy.canary_percent <= 100) || policy.max_concurrent == 0 ||
      policy.wave_size == 0 || !(policy.max_failure_ratio >= 0 && policy.max_failure_ratio <= 1) ||
      !(policy.min_confidence_ratio >= 0) || !(policy.probation_s >= 0)) {
    *error = "canary_percent is 0..100, max_failure_ratio 0..1, wave_size and max_concurrent at least 1";
    return std::nullopt;
  }
  std::sort(endpoints.begin(), endpoints.end());
  endpoints.erase(std::unique(endpoints.begin(), endpoints.end()), endpoints.end());
  auto r = std::make_unique<Rollout>();
  r->model_id = model.id;
  r->model_name = model.name;
  r->model_version = model.version;
  r->policy = policy;
  r->package = std::make_shared<const std::vector<uint8_t>>(model.package);
  r->created_s = service_.Now();
  const double share = std::ceil(static_cast<double>(endpoints.size()) * policy.canary_percent / 100.0);
  r->canary_count = std::clamp<size_t>(static_cast<size_t>(share), 1, endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    RolloutTarget t;
    t.endpoint = endpoints[i];
    t.canary = i < r->canary_count;
    r->targets.push_back(std::move(t));
  }
  r->wave_begin = 0;
  r->wave_end = r->canary_count;
  std::lock_guard lock(mu_);
  r->id = next_id_++;
  const int64_t id = r->id;
  if (policy.delivery == Delivery::kPull) {
    r->package_name = "r" + std::to_string(id);
    service_.OfferPackage(r->package_name, r->package);
  }
  Event(*r, "created");
  rollouts_[id] = std::move(r);
  return id;
}

bool RolloutEngine::Pause(int64_t id, std::string* error) {
  std::lock_guard lock(mu_);
  auto it = rollouts_.find(id);
  if (it == rollouts_.end()) return (*error = "no rollout " + std::to_string(id), false);
  Rollout& r = *it->second;
  if (r.state != RolloutState::kCanary && r.state != RolloutState::kRolling) {
    return (*error = std::string("a rollout that is ") + RolloutStateName(r.state) + " cannot pause", false);
  }
  r.resume_to = r.state;
  r.state = RolloutState::kPaused;
  Event(r, "paused");
  return true;
}

bool RolloutEngine::Resume(int64_t id, std::string* error) {
  std::lock_guard lock(mu_);
  auto it = rollouts_.find(id);
  if (it == rollouts_.end()) return (*error = "no rollout " + std::to_string(id), false);
  Rollout& r = *it->second;
  if (r.state != RolloutState::kPaused) return (*error = "only a paused rollout resumes", false);
  r.state = r.resume_to;
  Event(r, "resumed");
  return true;
}

bool RolloutEngine::Abort(int64_t id, std::string* error) {
  std::lock_guard lock(mu_);
  auto it = rollouts_.find(id);
  if (it == rollouts_.end()) return (*error = "no rollout " + std::to_string(id), false);
  Rollout& r = *it->second;
  if (r.state == RolloutState::kCompleted || r.state == RolloutState::kAborted) {
    return (*error = std::string("the rollout is already ") + RolloutStateName(r.state), false);
  }
  r.state = RolloutState::kAborted;
  r.finished_s = service_.Now();
  Event(r, "aborted");
  return true;
}

std::optional<json> RolloutEngine::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = rollouts_.find(id);
  if (it == rollouts_.end()) return std::nullopt;
  return RolloutJson(*it->second, true);
}

json RolloutEngine::List() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (auto it = rollouts_.rbegin(); it != rollouts_.rend(); ++it) out.push_back(RolloutJson(*it->second, false));
  return out;
}

void RolloutEngine::Event(const Rollout& r, const std::string& step, const RolloutTarget* t) {
  json d = {{"rollout", r.id}, {"step", step}, {"state", RolloutStateName(r.state)}, {"model", r.model_id}};
  if (!r.halt_reason.empty()) d["halt_reason"] = r.halt_reason;
  if (t != nullptr) {
    d["device_state"] = TargetStateName(t->state);
    if (!t->reason.empty()) d["reason"] = t->reason;
  }
  service_.Announce("rollout", d.dump(), t != nullptr ? t->endpoint : std::string());
}

void RolloutEngine::Tick(double now) {
  std::lock_guard lock(mu_);
  for (auto& [id, r] : rollouts_) {
    Schedule(*r, now);
    if (!r->package_name.empty() && r->state != RolloutState::kCanary && r->state != RolloutState::kRolling &&
        r->state != RolloutState::kPaused &&
        std::none_of(r->targets.begin(), r->targets.end(), [](const RolloutTarget& t) { return t.started && !t.done; })) {
      service_.WithdrawPackage(r->package_name);
      r->package_name.clear();
    }
  }
}

void RolloutEngine::Schedule(Rollout& r, double now) {
  size_t in_flight = 0;
  for (RolloutTarget& t : r.targets) {
    if (!t.started || t.done) continue;
    ++in_flight;
    if (!t.in_flight && now >= t.next_at) Advance(r, t, now);
  }
  if (r.state != RolloutState::kCanary && r.state != RolloutState::kRolling) return;
  // Start what the group and the concurrency bound allow.
  for (size_t i = r.wave_begin; i < r.wave_end && in_flight < r.policy.max_concurrent; ++i) {
    RolloutTarget& t = r.targets[i];
    if (t.started) continue;
    t.started = true;
    t.step = 0;
    t.next_at = now;
    t.step_started = now;
    ++in_flight;
    Advance(r, t, now);
  }
  const bool group_done = std::all_of(r.targets.begin() + static_cast<long>(r.wave_begin),
                                      r.targets.begin() + static_cast<long>(r.wave_end),
                                      [](const RolloutTarget& t) { return t.done; });
  if (!group_done) return;
  EvaluateGroup(r, r.wave_begin, r.wave_end, r.state == RolloutState::kCanary ? "canary" : "wave", now);
  if (r.state == RolloutState::kHalted) return;
  if (r.wave_end >= r.targets.size()) {
    r.state = RolloutState::kCompleted;
    r.finished_s = now;
    Event(r, "completed");
    return;
  }
  if (r.state == RolloutState::kCanary) {
    r.state = RolloutState::kRolling;
    Event(r, "canary_passed");
  }
  r.wave_begin = r.wave_end;
  r.wave_end = std::min(r.targets.size(), r.wave_end + r.policy.wave_size);
  Event(r, "wave_started");
}

void RolloutEngine::EvaluateGroup(Rollout& r, size_t begin, size_t end, const char* group, double now) {
  size_t failed = 0;
  size_t rolled_back = 0;
  std::string first_reason;
  for (size_t i = begin; i < end; ++i) {
    const RolloutTarget& t = r.targets[i];
    if (t.state == TargetState::kFailed) ++failed;
    if (t.state == TargetState::kRolledBack) ++rolled_back;
    if ((t.state == TargetState::kFailed || t.state == TargetState::kRolledBack) && first_reason.empty()) {
      first_reason = t.endpoint + ": " + t.reason;
    }
  }
  const size_t n = end - begin;
  if (n == 0) return;
  const double ratio = static_cast<double>(failed + rolled_back) / static_cast<double>(n);
  if (ratio <= r.policy.max_failure_ratio) return;
  std::string reason = std::string(group) + ": " + std::to_string(failed + rolled_back) + " of " + std::to_string(n) +
                       " devices unhealthy (" + std::to_string(failed) + " failed, " + std::to_string(rolled_back) +
                       " rolled back; first: " + first_reason + ")";
  Halt(r, begin, end, std::move(reason), now);
}

void RolloutEngine::Halt(Rollout& r, size_t begin, size_t end, std::string reason, double now) {
  r.state = RolloutState::kHalted;
  r.halt_reason = std::move(reason);
  r.finished_s = now;
  Event(r, "halted");
  // The group goes back to the previous model; nobody after it starts.
  for (size_t i = begin; i < end; ++i) {
    RolloutTarget& t = r.targets[i];
    if ((t.state == TargetState::kActive || t.state == TargetState::kInstalled) && t.slot >= 0) {
      DeviceRequest deactivate;
      deactivate.op = Operation::kExecute;
      deactivate.paths = {lwm2m::Path::Resource(9, static_cast<uint16_t>(t.slot), 11)};
      service_.Request(t.endpoint, deactivate, [](const DeviceResponse&) {});
      t.state = TargetState::kRolledBack;
      t.reason = "the rollout halted: back to the previous model";
      Event(r, "device_reverted", &t);
    }
  }
}

}  // namespace lwcl::server
