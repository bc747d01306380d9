// The LwM2M server's device-management requests to clients: dispatch with
// content negotiation, answers, one retry in the next format, NACKs.
#include "server/lwm2m_server.h"

#include <coap3/coap.h>

#include <algorithm>
#include <chrono>

#include "coap_endpoint.h"
#include "server/content_negotiation.h"

namespace lwcl::server {

namespace {

void ReleaseBody(coap_session_t*, void* app_ptr) { delete static_cast<std::vector<uint8_t>*>(app_ptr); }

}  // namespace

void Lwm2mServer::Request(const std::string& endpoint, const DeviceRequest& request, Callback done) {
  Dispatch(endpoint, request, std::move(done), 0, 0);
}

void Lwm2mServer::Dispatch(const std::string& endpoint, const DeviceRequest& request, Callback done,
                           double deadline, uint64_t observation, const std::vector<uint8_t>& cancel_token,
                           std::optional<Negotiation> retry) {
  DeviceResponse failed;
  const Registration* r = table_.FindEndpoint(endpoint);
  auto peer_it = peers_.find(endpoint);
  if (r == nullptr || peer_it == peers_.end() || peer_it->second.session == nullptr) {
    failed.error = "endpoint '" + endpoint + "' is not registered";
    done(failed);
    return;
  }
  Negotiation negotiation = retry.value_or(Negotiation{});
  DeviceRequest sent = request;
  if (!retry && cancel_token.empty()) {
    const std::vector<lwm2m::ContentFormat> candidates =
        FormatCandidates(request, r->content_formats, r->version, objects_);
    if (!candidates.empty()) {
      negotiation.asked = request;
      negotiation.chosen = candidates[0];
      if (candidates.size() > 1) negotiation.next = candidates[1];
      sent = WithFormat(request, candidates[0]);
    }
  }
  CoapRequest coap;
  if (auto err = BuildCoapRequest(sent, &coap)) {
    failed.code = lwm2m::CoapCode::kBadRequest;
    failed.error = *err;
    done(failed);
    return;
  }
  Peer& peer = peer_it->second;
  if (!Awake(*r, peer)) {
    // Negotiated again when it goes out (a retry keeps the format it tries).
    peer.queue.push_back({retry ? sent : request, std::move(done), Now() + options_.queue_wait_s, observation});
    return;
  }
  coap_session_t* session = peer.session;
  coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, static_cast<coap_pdu_code_t>(coap.method), session);
  if (pdu == nullptr) {
    failed.error = "cannot build the CoAP request";
    done(failed);
    return;
  }
  std::vector<uint8_t> token(8);
  const uint64_t t = (uint64_t{token_salt_} << 32) | (++token_counter_ & 0xFFFFFFFFu);
  for (int i = 0; i < 8; ++i) token[static_cast<size_t>(i)] = static_cast<uint8_t>(t >> (56 - 8 * i));
  if (!cancel_token.empty()) {
    token = cancel_token;
    coap.observe = 1;
  }
  coap_add_token(pdu, token.size(), token.data());
  uint8_t buf[4];
  // Options in ascending number: Observe 6, Uri-Path 11, Content-Format 12, Uri-Query 15, Accept 17.
  if (coap.observe) coap_add_option(pdu, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, *coap.observe), buf);
  for (const std::string& seg : coap.uri_path) {
    coap_add_option(pdu, COAP_OPTION_URI_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (coap.content_format) {
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *coap.content_format),
                    buf);
  }
  for (const std::string& q : coap.uri_query) {
    coap_add_option(pdu, COAP_OPTION_URI_QUERY, q.size(), reinterpret_cast<const uint8_t*>(q.data()));
  }
  if (coap.accept) coap_add_option(pdu, COAP_OPTION_ACCEPT, coap_encode_var_safe(buf, sizeof buf, *coap.accept), buf);
  if (!coap.payload.empty()) {
    auto* body = new std::vector<uint8_t>(std::move(coap.payload));
    coap_add_data_large_request(session, pdu, body->size(), body->data(), ReleaseBody, body);
  }
  if (coap_send(session, pdu) == COAP_INVALID_MID) {
    failed.error = "the CoAP request could not be sent";
    done(failed);
    return;
  }
  Pending p;
  p.endpoint = endpoint;
  p.request = std::move(sent);
  p.done = std::move(done);
  p.negotiation = std::move(negotiation);
  p.deadline = deadline > 0 ? std::min(deadline, Now() + options_.request_timeout_s)
                            : Now() + options_.request_timeout_s;
  p.observation = observation;
  if (observation != 0) {
    if (auto it = observations_.find(observation); it != observations_.end()) {
      observation_by_token_.erase(it->second.token);
      it->second.token = token;
      observation_by_token_[token] = observation;
    }
  }
  pending_.emplace(std::move(token), std::move(p));
}

bool Lwm2mServer::OnResponse(coap_session_t* session, const CoapMessage& m) {
  DeviceResponse response;
  response.code = static_cast<lwm2m::CoapCode>(m.code);
  response.content_format = m.content_format;
  response.payload = m.payload;
  response.location_path = m.location_path;
  if (auto it = pending_.find(m.token); it != pending_.end()) {
    Pending p = std::move(it->second);
    pending_.erase(it);
    Heard(p.endpoint, nullptr);
    if (RetryInNextFormat(p, response.code)) return true;
    DecodeDeviceResponse(p.request, objects_.Resolver(), &response);
    response.negotiated = p.negotiation.chosen;
    response.refused = p.negotiation.refused;
    if (p.observation != 0) {
      auto obs = observations_.find(p.observation);
      const bool established = lwm2m::IsSuccess(response.code) && m.observe.has_value();
      if (obs != observations_.end() && !established) {
        ObservationInfo ended = obs->second;
        observation_by_token_.erase(ended.token);
        RemoveObservation(ended.id);
        if (events_.on_observation) events_.on_observation(ended, true);
      } else if (obs != observations_.end() && events_.on_observation) {
        events_.on_observation(obs->second, false);
      }
    }
    if (p.done) p.done(response);
    return true;
  }
  if (auto it = observation_by_token_.find(m.token); it != observation_by_token_.end()) {
    const uint64_t id = it->second;
    const ObservationInfo& info = observations_.at(id);
    const std::string endpoint = info.endpoint;
    DecodeDeviceResponse(info.request, objects_.Resolver(), &response);
    if (!lwm2m::IsSuccess(response.code) || !m.observe) {  // the client ended it
      ObservationInfo ended = observations_.at(id);
      observation_by_token_.erase(it);
      RemoveObservation(id);
      if (events_.on_observation) events_.on_observation(ended, true);
    }
    if (table_.FindEndpoint(endpoint)) Heard(endpoint, session);
    if (events_.on_notify) events_.on_notify(id, endpoint, response);
    return true;
  }
  return false;
}

bool Lwm2mServer::RetryInNextFormat(Pending& p, lwm2m::CoapCode code) {
  if (!p.negotiation.next || !RefusedFormat(code)) return false;
  Negotiation retry;
  retry.asked = p.negotiation.asked;
  retry.chosen = p.negotiation.next;
  retry.refused = DeviceResponse::Refused{*p.negotiation.chosen, code};
  const DeviceRequest again = WithFormat(p.negotiation.asked, *p.negotiation.next);
  Dispatch(p.endpoint, again, std::move(p.done), p.deadline, p.observation, {}, std::move(retry));
  return true;
}

void Lwm2mServer::OnNack(const std::vector<uint8_t>& token) {
  auto it = pending_.find(token);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  DeviceResponse failed;
  failed.timed_out = true;
  failed.error = "no answer from '" + p.endpoint + "' (retransmissions exhausted)";
  if (p.observation != 0) {
    if (auto obs = observations_.find(p.observation); obs != observations_.end() && obs->second.token == token) {
      observation_by_token_.erase(token);
      obs->second.token.clear();  // re-established when the device registers again
    }
  }
  if (p.done) p.done(failed);
}

}  // namespace lwcl::server
