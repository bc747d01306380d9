// The Service between the REST API and the devices: DTLS-PSK keys and
// authorisation from the store, requests and observations that record what
// happened.
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

std::optional<std::vector<uint8_t>> Service::PskFor(std::string_view identity) {
  const std::string id(identity);
  auto known = known_credentials_.find(id);
  bool store_ok = true;
  {
    std::lock_guard lock(stats_mutex_);
    store_ok = stats_.store_ok;
  }
  // The store is the truth (a key deleted there is refused at once), but
  // while it is away, keys already seen still open the door.
  if (!store_ok && known != known_credentials_.end()) return known->second.psk_key;
  store::Result<store::Credential> c = store_->FindCredentialByIdentity(id);
  if (c.ok()) {
    known_credentials_[id] = *c;
    return c->psk_key;
  }
  if (c.status().code() == store::ErrorCode::kNotFound) {
    if (known != known_credentials_.end()) known_credentials_.erase(known);
    return std::nullopt;
  }
  if (known != known_credentials_.end()) return known->second.psk_key;
  return std::nullopt;
}

bool Service::Authorize(const std::string& endpoint, const std::string& identity) {
  if (identity.empty()) return true;  // NoSec: the UDP endpoint is for trusted networks
  std::optional<store::Credential> c;
  store::Result<store::Credential> found = store_->FindCredentialByIdentity(identity);
  if (found.ok()) {
    c = *found;
  } else if (found.status().code() != store::ErrorCode::kNotFound) {
    if (auto known = known_credentials_.find(identity); known != known_credentials_.end()) c = known->second;
  }
  if (c && c->endpoint == endpoint) return true;  // a key may only register its own endpoint
  // Someone holding a valid key tried to be another device: worth a trace.
  RecordEvent(endpoint, "refused",
              R"({"identity":")" + JsonEscape(identity) + R"(","reason":")" +
                  (c ? "the identity belongs to another endpoint" : "unknown identity") + "\"}");
  return false;
}

void Service::Request(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback done) {
  const double started = SteadySeconds();
  lwm2m_->Request(endpoint, request,
                  [this, endpoint, op = request.op, paths = request.paths, started,
                   done = std::move(done)](const DeviceResponse& r) {
                    RecordRequest(endpoint, OperationName(op), paths, r, started, 0);
                    if (done) done(r);
                  });
}

uint64_t Service::Observe(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback first) {
  const double started = SteadySeconds();
  // The first answer may come synchronously (before Observe returns the id).
  auto id = std::make_shared<uint64_t>(0);
  auto answer = std::make_shared<std::optional<DeviceResponse>>();
  auto finish = [this, endpoint, op = request.op, paths = request.paths, started, id, first = std::move(first)](
                    const DeviceResponse& r) {
    if (!r.timed_out && r.error.empty()) RecordValues(endpoint, r.records);  // an observed value like the rest
    RecordRequest(endpoint, OperationName(op), paths, r, started, *id);
    if (first) first(r);
  };
  auto pending = std::make_shared<std::function<void(const DeviceResponse&)>>(finish);
  *id = lwm2m_->Observe(endpoint, request, [id, answer, pending](const DeviceResponse& r) {
    if (*id == 0 && !answer->has_value()) {
      // Answered before Observe returned: finish once the id is known.
      *answer = r;
      return;
    }
    (*pending)(r);
  });
  if (answer->has_value()) (*pending)(**answer);
  return *id;
}

void Service::CancelObservation(uint64_t id, Lwm2mServer::Callback done) {
  const double started = SteadySeconds();
  std::string endpoint;
  std::vector<lwm2m::Path> paths;
  for (const ObservationInfo& o : lwm2m_->Observations()) {
    if (o.id != id) continue;
    endpoint = o.endpoint;
    paths = o.request.paths;
  }
  lwm2m_->CancelObservation(id, [this, id, endpoint, paths, started, done = std::move(done)](const DeviceResponse& r) {
    RecordRequest(endpoint, "cancel", paths, r, started, id);
    if (done) done(r);
  });
}

}  // namespace lwcl::server
