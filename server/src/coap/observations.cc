// The LwM2M server's observations: Observe, cancel, the table of what is
// observed, and restoring it after a restart.
#include "server/lwm2m_server.h"

#include <coap3/coap.h>

#include <algorithm>
#include <chrono>

#include "coap_endpoint.h"
#include "server/content_negotiation.h"

namespace lwcl::server {

uint64_t Lwm2mServer::Observe(const std::string& endpoint, const DeviceRequest& request, Callback first) {
  if (request.op != Operation::kObserve && request.op != Operation::kObserveComposite) {
    DeviceResponse failed;
    failed.code = lwm2m::CoapCode::kBadRequest;
    failed.error = "Observe needs the observe or observe-composite operation";
    first(failed);
    return 0;
  }
  if (table_.FindEndpoint(endpoint) == nullptr) {
    DeviceResponse failed;
    failed.error = "endpoint '" + endpoint + "' is not registered";
    first(failed);
    return 0;
  }
  const uint64_t id = next_observation_++;
  AddObservation(ObservationInfo{id, endpoint, request, {}});
  Dispatch(endpoint, request, std::move(first), 0, id);
  // Sent (it has a token) or waiting for a queue-mode device to wake: it lives.
  auto obs = observations_.find(id);
  if (obs == observations_.end()) return 0;
  bool queued = false;
  if (auto peer = peers_.find(endpoint); peer != peers_.end()) {
    for (const Queued& q : peer->second.queue) queued = queued || q.observation == id;
  }
  if (obs->second.token.empty() && !queued) {
    RemoveObservation(id);  // `first` already got the error
    return 0;
  }
  return id;
}

void Lwm2mServer::CancelObservation(uint64_t id, Callback done) {
  auto it = observations_.find(id);
  if (it == observations_.end()) {
    DeviceResponse failed;
    failed.code = lwm2m::CoapCode::kNotFound;
    failed.error = "no observation " + std::to_string(id);
    done(failed);
    return;
  }
  ObservationInfo info = it->second;
  RemoveObservation(id);
  observation_by_token_.erase(info.token);
  if (events_.on_observation) events_.on_observation(info, true);
  // An active cancel: the same request, same token, Observe 1. (A
  // notification that crosses it is answered with RST, which also cancels.)
  if (info.token.empty()) {  // not established on the device right now
    DeviceResponse gone;
    gone.code = lwm2m::CoapCode::kDeleted;
    done(gone);
    return;
  }
  DeviceRequest cancel = info.request;
  cancel.op = info.request.op == Operation::kObserveComposite ? Operation::kReadComposite : Operation::kRead;
  // libcoap tracks the observation it sent (it may put its own token on the
  // wire for block-wise transfers), so it builds the cancel itself; the answer
  // comes back under the application's token.
  auto peer = peers_.find(info.endpoint);
  if (peer != peers_.end() && peer->second.session != nullptr && table_.FindEndpoint(info.endpoint)) {
    std::vector<uint8_t> token_copy = info.token;
    coap_binary_t token{token_copy.size(), token_copy.data()};
    if (coap_cancel_observe(peer->second.session, &token, COAP_MESSAGE_CON)) {
      Pending p;
      p.endpoint = info.endpoint;
      p.request = cancel;
      p.done = std::move(done);
      p.deadline = Now() + options_.request_timeout_s;
      pending_.emplace(info.token, std::move(p));
      return;
    }
  }
  Dispatch(info.endpoint, cancel, std::move(done), 0, 0, info.token);
}

std::vector<ObservationInfo> Lwm2mServer::Observations() const {
  std::vector<ObservationInfo> out;
  for (const auto& [id, info] : observations_) out.push_back(info);
  return out;
}

void Lwm2mServer::AddObservation(const ObservationInfo& info) {
  observations_[info.id] = info;
  observations_of_[info.endpoint].insert(info.id);
}

void Lwm2mServer::RemoveObservation(uint64_t id) {
  auto it = observations_.find(id);
  if (it == observations_.end()) return;
  if (auto of = observations_of_.find(it->second.endpoint); of != observations_of_.end()) {
    of->second.erase(id);
    if (of->second.empty()) observations_of_.erase(of);
  }
  observations_.erase(it);
}

void Lwm2mServer::RestoreObservation(const ObservationInfo& info) {
  RemoveObservation(info.id);
  AddObservation(info);
  if (!info.token.empty()) observation_by_token_[info.token] = info.id;
  next_observation_ = std::max(next_observation_, info.id + 1);
}

}  // namespace lwcl::server
