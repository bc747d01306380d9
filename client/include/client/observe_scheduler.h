// ObserveScheduler: which observations notify, and when (Core spec 6.4.2,
// attributes 5.1.2). It holds each observation's last notified value and
// time, re-reads a path when the data model says it changed or when its
// pmin/pmax deadline comes, and asks lwm2m::DecideNotify. Attributes are
// the Registry's, inherited object -> instance -> resource, with the Server
// object's default pmin/pmax under them. When the attributes in force end
// up with pmax < pmin (possible through inheritance; Write-Attributes
// refuses it on one level), pmax is ignored: pmin is the server's limit on
// traffic and wins.
//
// Observe-Composite (AddComposite, one observation over several paths): each
// path keeps its own last notified value and is judged by its own attributes
// (its pmin, pmax, gt, lt, st); the observation notifies when any path is
// due, and then every path's value counts as notified (the notification
// carries them all). So a composite of one path behaves exactly like a plain
// observation, a change held back by its path's pmin waits for that pmin,
// and the earliest pmax among the paths sets the periodic rhythm; nothing is
// ever sent before the smallest pmin has passed. Why not merge the
// attributes (max pmin, min pmax, ...) as one set: the spec defines none,
// and st/gt/lt make no sense across paths of different types and scales —
// per-path judgement keeps every attribute meaning what the server set.
// A path that vanishes (instance deleted) or, in a composite, appears is a
// change like any other: a plain observation is then returned by Due so the
// CoAP layer reads it, gets 4.04 and ends it with an error notification; a
// composite one notifies what is left (and ends the same way once nothing is).
//
// No clock and no network: every call takes `now` (seconds, monotonic), so
// tests advance time by hand; the CoAP layer sends what Due returns.
// epmin/epmax are accepted but not acted on (sampling is the application's).
#ifndef LWCL_CLIENT_OBSERVE_SCHEDULER_H_
#define LWCL_CLIENT_OBSERVE_SCHEDULER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "client/registry.h"
#include "lwm2m/value.h"

namespace lwcl::client {

class ObserveScheduler {
 public:
  explicit ObserveScheduler(const Registry& registry) : registry_(registry) {}

  // The Server object's default pmin/pmax (/1/x/2, /1/x/3).
  void SetDefaultPeriods(std::optional<int64_t> pmin, std::optional<int64_t> pmax) {
    default_pmin_ = pmin;
    default_pmax_ = pmax;
  }
  // Starts observing `path`; the Observe response sent now counts as the
  // first notification. Returns the observation id (never 0), or 0 when the
  // path cannot be read.
  uint64_t Add(const lwm2m::Path& path, double now);
  // Starts an Observe-Composite over `paths` (as Registry::ReadComposite
  // reads them; "/" is every object); the response sent now counts as the
  // first notification. Returns the id, or 0 when no path can be read.
  uint64_t AddComposite(std::vector<lwm2m::Path> paths, double now);
  void Remove(uint64_t id);
  size_t size() const { return observations_.size(); }
  // The path of a plain observation; nullopt for a composite or unknown one.
  std::optional<lwm2m::Path> PathOf(uint64_t id) const;
  // The paths observed: one for a plain observation, as given for a
  // composite one; empty for an unknown id.
  std::vector<lwm2m::Path> PathsOf(uint64_t id) const;
  bool IsComposite(uint64_t id) const;

  // The data model changed at `path`: observations at, above or below it are
  // re-evaluated at the next Due.
  void MarkChanged(const lwm2m::Path& path);
  // Observations that must notify at `now` (their last value and time are
  // updated: the caller sends the notifications).
  std::vector<uint64_t> Due(double now);
  // The earliest time Due could return something without a change.
  std::optional<double> NextWake() const;

 private:
  // One observed path; a composite observation has several.
  struct Target {
    lwm2m::Path path;
    lwm2m::Value last_value;  // monostate: the path did not exist
    std::optional<double> wake_at;
  };
  struct Observation {
    std::vector<Target> targets;
    bool composite = false;
    double last_time = 0;
    bool dirty = false;
  };
  // The value DecideNotify compares: a single resource's own value, else the
  // SenML CBOR encoding of everything under the path (so any change shows).
  std::optional<lwm2m::Value> Sample(const lwm2m::Path& path) const;
  lwm2m::NotificationAttributes Attributes(const lwm2m::Path& path) const;
  uint64_t Start(Observation o, double now);

  const Registry& registry_;
  std::map<uint64_t, Observation> observations_;
  uint64_t next_id_ = 1;
  std::optional<int64_t> default_pmin_;
  std::optional<int64_t> default_pmax_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_OBSERVE_SCHEDULER_H_
