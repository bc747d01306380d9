// The Service's recorder: every request, reported value and event goes to
// the store (or its buffer while the store is away) and to the live-stream
// listeners.
#include "server/service.h"

#include "service_helpers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <variant>

#include "lwm2m/senml.h"
#include "server/json_values.h"
#include "store/open_store.h"


namespace lwcl::server {

void Service::RecordRequest(const std::string& endpoint, const std::string& operation,
                            const std::vector<lwm2m::Path>& paths, const DeviceResponse& response, double started_s,
                            uint64_t observation) {
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.requests;
  }
  std::string outcome;
  if (response.timed_out) {
    outcome = "timed_out";
  } else if (!response.error.empty() && response.payload.empty()) {
    outcome = "error";  // it never reached the device, or the device went away (see `error`)
  } else {
    outcome = lwm2m::CoapCodeText(response.code);
  }
  std::ostringstream o;
  o << R"({"operation":")" << JsonEscape(operation) << R"(","paths":[)";
  for (size_t i = 0; i < paths.size(); ++i) o << (i ? "," : "") << '"' << paths[i].ToString() << '"';
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3f", std::max(0.0, (SteadySeconds() - started_s) * 1000.0));
  o << R"(],"outcome":")" << outcome << R"(","latency_ms":)" << latency;
  if (observation != 0) o << R"(,"observation":)" << observation;
  if (response.negotiated) o << R"(,"format":")" << FormatShortName(*response.negotiated) << R"(","format_by":"server")";
  if (response.refused) {
    o << R"(,"retried_after":{"format":")" << FormatShortName(response.refused->format) << R"(","code":")"
      << lwm2m::CoapCodeText(response.refused->code) << R"("})";
  }
  if (!response.error.empty()) o << R"(,"error":")" << JsonEscape(response.error) << '"';
  o << "}";
  RecordEvent(endpoint, store::event_kind::kRequest, o.str());
}

void Service::RecordValues(const std::string& endpoint, const std::vector<lwm2m::Record>& records) {
  const store::TimeMs now = NowMs(lwm2m_->Now());
  uint64_t accepted = 0;
  for (store::Sample& s : ToSamples(endpoint, records, now)) {
    if (buffer_->Add(std::move(s), now)) ++accepted;
  }
  std::lock_guard lock(stats_mutex_);
  stats_.values += accepted;
}

void Service::RecordEvent(const std::string& endpoint, const std::string& kind, std::string detail_json) {
  store::Event e;
  e.time_ms = NowMs(lwm2m_->Now());
  if (!endpoint.empty()) e.endpoint = endpoint;
  e.kind = kind;
  e.detail_json = std::move(detail_json);
  if (!Backlog()) {
    store::Result<int64_t> id = store_->AppendEvent(e);
    if (id.ok()) {
      StoreSucceeded();
      e.id = *id;
    } else {
      StoreFailed(id.status());
      if (Permanent(id.status())) {
        std::lock_guard lock(stats_mutex_);
        ++stats_.rejected_events;
      } else {
        unsent_events_.push_back(e);  // in order, after the database returns
        retry_at_s_ = lwm2m_->Now() + std::max(backoff_s_, static_cast<double>(options_.buffer.min_retry_ms) / 1000.0);
      }
    }
  } else {
    unsent_events_.push_back(e);
  }
  PublishBacklog();
  std::lock_guard lock(listeners_mutex_);
  for (auto& [h, l] : listeners_) l(e);
}

void Service::PublishBacklog() {
  std::lock_guard lock(stats_mutex_);
  stats_.pending_events = unsent_events_.size();
  stats_.pending_writes = unsaved_registrations_.size() + unsaved_observations_.size();
}

uint64_t Service::Subscribe(std::function<void(const store::Event&)> listener) {
  std::lock_guard lock(listeners_mutex_);
  const uint64_t h = next_listener_++;
  listeners_[h] = std::move(listener);
  return h;
}

void Service::Unsubscribe(uint64_t handle) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(handle);
}

ServiceStats Service::stats() const {
  std::lock_guard lock(stats_mutex_);
  ServiceStats s = stats_;
  s.pending_values = buffer_->pending();
  // The buffer's writes count too: it backs off after a failed flush until
  // one succeeds (a sample refused as invalid is not an outage).
  if (s.store_ok && buffer_->retry_at_ms() != 0) {
    s.store_ok = false;
    s.store_error = buffer_->stats().last_error;
  }
  return s;
}

}  // namespace lwcl::server
