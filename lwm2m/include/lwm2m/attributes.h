// Notification attributes (LwM2M 1.1/1.2 Core, section 5.1.2): when a client
// sends Observe notifications. pmin/pmax bound the period between
// notifications (seconds); gt/lt are thresholds whose crossing triggers one;
// st is the step the value must move by; epmin/epmax bound how often the
// client samples the value.
//
// This file holds the plain data, its Write-Attributes query parsing, its
// validation, its inheritance (resource over instance over object over the
// Server object's default pmin/pmax), its link-format form for Discover, and
// the pure decision "notify now?" the client observe scheduler runs. No
// clocks: every time is a number the caller passes in (seconds on any
// monotonic clock).
#ifndef LWCL_LWM2M_ATTRIBUTES_H_
#define LWCL_LWM2M_ATTRIBUTES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/link_format.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

struct NotificationAttributes {
  std::optional<int64_t> pmin;   // seconds, >= 0
  std::optional<int64_t> pmax;   // seconds, >= 0; 0 or absent: no periodic notifications
  std::optional<double> gt;      // notify when the value crosses gt (either way)
  std::optional<double> lt;      // notify when the value crosses lt (either way)
  std::optional<double> st;      // notify when the value moved by >= st since the last one; > 0
  std::optional<int64_t> epmin;  // seconds between samples, at least
  std::optional<int64_t> epmax;  // seconds between samples, at most

  bool Empty() const { return !pmin && !pmax && !gt && !lt && !st && !epmin && !epmax; }
  friend bool operator==(const NotificationAttributes&, const NotificationAttributes&) = default;
};

// Applies Write-Attributes Uri-Query options, e.g. {"pmin=10", "gt=20.5",
// "st"}, to `attrs`: `key=value` sets, a bare `key` clears. Unknown keys,
// malformed numbers and negative periods are errors (offset = index of the
// query); on error `attrs` is left unchanged. Does not validate the result
// as a whole: call ValidateAttributes after.
std::optional<CodecError> ApplyAttributeQueries(std::span<const std::string> queries,
                                                NotificationAttributes* attrs);

// Checks the combination the spec requires: pmin <= pmax and epmin <= epmax
// when both are present; lt < gt, and lt + 2*st < gt when st is present too;
// st > 0; no negative periods. The message names the attributes at fault.
std::optional<CodecError> ValidateAttributes(const NotificationAttributes& attrs);

// The attributes in force for one observation: each field from the most
// specific level that sets it (`general_to_specific` lists object, instance,
// resource[, resource instance] levels; null entries are skipped), then
// pmin/pmax from the Server object's defaults (/1/x/2, /1/x/3) if still unset.
NotificationAttributes MergeAttributes(std::span<const NotificationAttributes* const> general_to_specific,
                                       std::optional<int64_t> default_pmin = std::nullopt,
                                       std::optional<int64_t> default_pmax = std::nullopt);

// The attributes as link-format parameters for a Discover response, in the
// order pmin, pmax, gt, lt, st, epmin, epmax (numbers in shortest form).
std::vector<LinkAttribute> ToLinkAttributes(const NotificationAttributes& attrs);

struct NotifyDecision {
  bool notify = false;
  // When to ask again if nothing changes: the end of pmin for a change held
  // back by pmin, otherwise the pmax deadline; nullopt when only a value
  // change can cause a notification.
  std::optional<double> wake_at;
};

// Decides whether an observation should notify at `now`, given the value and
// time of the last notification (the Observe response counts as one) and
// the current value. A notification is due when pmax (> 0) has elapsed since
// the last one, or when the value has changed enough and pmin has elapsed.
// "Changed enough": for numeric values with any of gt/lt/st set, crossing gt
// or lt (relative to the last notified value) or moving by >= st; otherwise
// any difference. epmin/epmax govern sampling and are the scheduler's.
NotifyDecision DecideNotify(const NotificationAttributes& attrs, const Value& last_value, double last_time,
                            const Value& current, double now);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_ATTRIBUTES_H_
