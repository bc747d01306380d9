#include "client/observe_scheduler.h"

#include "lwm2m/attributes.h"
#include "lwm2m/content_format.h"

namespace lwcl::client {

using lwm2m::Path;
using lwm2m::Value;

std::optional<Value> ObserveScheduler::Sample(const Path& path) const {
  std::vector<lwm2m::Record> records;
  if (!IsSuccess(registry_.Read(path, &records))) return std::nullopt;
  if (records.size() == 1 && records[0].path == path) return records[0].value;
  lwm2m::Opaque encoded;
  if (lwm2m::Encode(lwm2m::ContentFormat::kSenmlCbor, path, records, &encoded)) return std::nullopt;
  return Value(std::move(encoded));
}

lwm2m::NotificationAttributes ObserveScheduler::Attributes(const Path& path) const {
  return registry_.EffectiveAttributes(path, default_pmin_, default_pmax_);
}

uint64_t ObserveScheduler::Add(const Path& path, double now) {
  std::optional<Value> v = Sample(path);
  if (!v) return 0;
  Observation o;
  o.path = path;
  o.last_value = std::move(*v);
  o.last_time = now;
  // Ask once with the value unchanged to learn the pmax deadline.
  o.wake_at = lwm2m::DecideNotify(Attributes(path), o.last_value, now, o.last_value, now).wake_at;
  const uint64_t id = next_id_++;
  observations_.emplace(id, std::move(o));
  return id;
}

void ObserveScheduler::Remove(uint64_t id) { observations_.erase(id); }

std::optional<Path> ObserveScheduler::PathOf(uint64_t id) const {
  auto it = observations_.find(id);
  if (it == observations_.end()) return std::nullopt;
  return it->second.path;
}

void ObserveScheduler::MarkChanged(const Path& path) {
  for (auto& [id, o] : observations_) {
    if (o.path.Contains(path) || path.Contains(o.path)) o.dirty = true;
  }
}

std::vector<uint64_t> ObserveScheduler::Due(double now) {
  std::vector<uint64_t> due;
  for (auto& [id, o] : observations_) {
    if (!o.dirty && !(o.wake_at && now >= *o.wake_at)) continue;
    o.dirty = false;
    std::optional<Value> current = Sample(o.path);
    if (!current) continue;  // gone (instance deleted): the CoAP layer cancels it on the next read
    const lwm2m::NotificationAttributes attrs = Attributes(o.path);
    const lwm2m::NotifyDecision d = lwm2m::DecideNotify(attrs, o.last_value, o.last_time, *current, now);
    if (d.notify) {
      o.last_value = std::move(*current);
      o.last_time = now;
      o.wake_at = lwm2m::DecideNotify(attrs, o.last_value, now, o.last_value, now).wake_at;
      due.push_back(id);
    } else {
      o.wake_at = d.wake_at;
    }
  }
  return due;
}

std::optional<double> ObserveScheduler::NextWake() const {
  std::optional<double> wake;
  for (const auto& [id, o] : observations_) {
    if (o.wake_at && (!wake || *o.wake_at < *wake)) wake = o.wake_at;
  }
  return wake;
}

}  // namespace lwcl::client
