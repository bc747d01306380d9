#include "client/observe_scheduler.h"

#include <algorithm>
#include <span>

#include "lwm2m/attributes.h"
#include "lwm2m/content_format.h"

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

using lwm2m::Path;
using lwm2m::Value;

std::optional<Value> ObserveScheduler::Sample(const Path& path) const {
  std::vector<lwm2m::Record> records;
  // Composite paths may be "/", which only ReadComposite reads.
  const CoapCode c = path.depth == 0 ? registry_.ReadComposite(std::span<const Path>(&path, 1), &records)
                                     : registry_.Read(path, &records);
  if (!IsSuccess(c)) return std::nullopt;
  if (records.size() == 1 && records[0].path == path) return records[0].value;
  lwm2m::Opaque encoded;
  if (lwm2m::Encode(lwm2m::ContentFormat::kSenmlCbor, path, records, &encoded)) return std::nullopt;
  return Value(std::move(encoded));
}

lwm2m::NotificationAttributes ObserveScheduler::Attributes(const Path& path) const {
  lwm2m::NotificationAttributes a = registry_.EffectiveAttributes(path, default_pmin_, default_pmax_);
  // Inherited levels can combine into pmax < pmin; pmin (the traffic limit) wins.
  if (a.pmin && a.pmax && *a.pmax > 0 && *a.pmax < *a.pmin) a.pmax.reset();
  return a;
}

uint64_t ObserveScheduler::Start(Observation o, double now) {
  o.last_time = now;
  for (Target& t : o.targets) {
    // Ask once with the value unchanged to learn the pmax deadline.
    t.wake_at = lwm2m::DecideNotify(Attributes(t.path), t.last_value, now, t.last_value, now).wake_at;
  }
  const uint64_t id = next_id_++;
  observations_.emplace(id, std::move(o));
  return id;
}

uint64_t ObserveScheduler::Add(const Path& path, double now) {
  std::optional<Value> v = Sample(path);
  if (!v) return 0;
  Observation o;
  o.targets.push_back(Target{path, std::move(*v), std::nullopt});
  return Start(std::move(o), now);
}

uint64_t ObserveScheduler::AddComposite(std::vector<Path> paths, double now) {
  Observation o;
  o.composite = true;
  bool any = false;
  for (const Path& p : paths) {
    std::optional<Value> v = Sample(p);
    any = any || v.has_value();
    o.targets.push_back(Target{p, v ? std::move(*v) : Value{}, std::nullopt});
  }
  if (!any) return 0;
  return Start(std::move(o), now);
}

void ObserveScheduler::Remove(uint64_t id) { observations_.erase(id); }

std::optional<Path> ObserveScheduler::PathOf(uint64_t id) const {
  auto it = observations_.find(id);
  if (it == observations_.end() || it->second.composite) return std::nullopt;
  return it->second.targets.front().path;
}

std::vector<Path> ObserveScheduler::PathsOf(uint64_t id) const {
  std::vector<Path> paths;
  auto it = observations_.find(id);
  if (it == observations_.end()) return paths;
  for (const Target& t : it->second.targets) paths.push_back(t.path);
  return paths;
}

bool ObserveScheduler::IsComposite(uint64_t id) const {
  auto it = observations_.find(id);
  return it != observations_.end() && it->second.composite;
}

void ObserveScheduler::MarkChanged(const Path& path) {
  for (auto& [id, o] : observations_) {
    for (const Target& t : o.targets) {
      if (t.path.Contains(path) || path.Contains(t.path)) o.dirty = true;
    }
  }
}

std::vector<uint64_t> ObserveScheduler::Due(double now) {
  std::vector<uint64_t> due;
  for (auto& [id, o] : observations_) {
    const bool deadline = std::any_of(o.targets.begin(), o.targets.end(),
                                      [now](const Target& t) { return t.wake_at && now >= *t.wake_at; });
    if (!o.dirty && !deadline) continue;
    o.dirty = false;
    std::vector<Value> current;
    std::vector<lwm2m::NotificationAttributes> attrs;
    bool notify = false;
    std::vector<std::optional<double>> wake;
    for (const Target& t : o.targets) {
      std::optional<Value> v = Sample(t.path);
      current.push_back(v ? std::move(*v) : Value{});
      attrs.push_back(Attributes(t.path));
      const lwm2m::NotifyDecision d = lwm2m::DecideNotify(attrs.back(), t.last_value, o.last_time, current.back(), now);
      notify = notify || d.notify;
      wake.push_back(d.wake_at);
    }
    // A path that is gone (instance deleted) reads as monostate: a change,
    // so it is reported; the CoAP layer's read then answers 4.04 and an
    // error notification ends a plain observation.
    if (notify) {
      o.last_time = now;
      for (size_t i = 0; i < o.targets.size(); ++i) {
        Target& t = o.targets[i];
        t.last_value = std::move(current[i]);
        t.wake_at = lwm2m::DecideNotify(attrs[i], t.last_value, now, t.last_value, now).wake_at;
      }
      due.push_back(id);
    } else {
      for (size_t i = 0; i < o.targets.size(); ++i) o.targets[i].wake_at = wake[i];
    }
  }
  return due;
}

std::optional<double> ObserveScheduler::NextWake() const {
  std::optional<double> wake;
  for (const auto& [id, o] : observations_) {
    for (const Target& t : o.targets) {
      if (t.wake_at && (!wake || *t.wake_at < *wake)) wake = t.wake_at;
    }
  }
  return wake;
}

}  // namespace lwcl::client
