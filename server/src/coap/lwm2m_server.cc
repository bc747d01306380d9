#include "server/lwm2m_server.h"

#include "coap_endpoint.h"

#include <arpa/inet.h>
#include <coap3/coap.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "lwm2m/bundled_objects.h"
#include "server/content_negotiation.h"

namespace lwcl::server {

namespace {

// libcoap 4.3.1 has no per-context user data: map contexts to their server.
std::mutex g_servers_mutex;
std::map<const coap_context_t*, Lwm2mServer*>& Servers() {
  static std::map<const coap_context_t*, Lwm2mServer*> servers;
  return servers;
}
Lwm2mServer* ServerOf(coap_session_t* session) {
  std::lock_guard lock(g_servers_mutex);
  auto it = Servers().find(coap_session_get_context(session));
  return it == Servers().end() ? nullptr : it->second;
}

// libcoap keeps a large body until its last block went out; this holds the
// bytes alive until then.
void ReleaseBody(coap_session_t*, void* app_ptr) {
  delete static_cast<std::shared_ptr<const std::vector<uint8_t>>*>(app_ptr);
}

void OnRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
               const coap_string_t* query, coap_pdu_t* response) {
  auto* self = static_cast<Lwm2mServer*>(coap_resource_get_userdata(resource));
  CoapAnswer answer;
  self->OnIncoming(session, DecodePdu(request), &answer);
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(answer.code));
  for (const std::string& seg : answer.location_path) {
    coap_add_option(response, COAP_OPTION_LOCATION_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (answer.body) {
    auto* keep = new std::shared_ptr<const std::vector<uint8_t>>(answer.body);
    // The ETag lets a client that resumes tell the same package from a new one.
    uint64_t etag = 1469598103934665603ULL;
    for (uint8_t b : *answer.body) etag = (etag ^ b) * 1099511628211ULL;
    coap_add_data_large_response(resource, session, request, response, query, answer.content_format, -1, etag,
                                 answer.body->size(), answer.body->data(), ReleaseBody, keep);
    return;
  }
  if (!answer.diagnostic.empty()) {
    coap_add_data(response, answer.diagnostic.size(), reinterpret_cast<const uint8_t*>(answer.diagnostic.data()));
  }
}

coap_response_t OnCoapResponse(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received,
                               const coap_mid_t) {
  Lwm2mServer* self = ServerOf(session);
  if (self == nullptr) return COAP_RESPONSE_FAIL;
  return self->OnResponse(session, DecodePdu(received)) ? COAP_RESPONSE_OK : COAP_RESPONSE_FAIL;
}

void OnCoapNack(coap_session_t* session, const coap_pdu_t* sent, const coap_nack_reason_t, const coap_mid_t) {
  Lwm2mServer* self = ServerOf(session);
  if (self == nullptr || sent == nullptr) return;
  self->OnNack(TokenOf(sent));
}

}  // namespace

const char* DeregisterReasonName(DeregisterReason r) {
  switch (r) {
    case DeregisterReason::kDeregistered: return "deregistered";
    case DeregisterReason::kExpired: return "expired";
    case DeregisterReason::kReplaced: return "replaced";
  }
  return "?";
}

Lwm2mServer::Lwm2mServer(ServerOptions options, ServerEvents events)
    : options_(std::move(options)), events_(std::move(events)) {
  InitLibcoapOnce();
  clock_ = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  for (std::string_view ddf : lwm2m::BundledDdfs()) objects_.AddDdf(ddf);
  token_salt_ = static_cast<uint32_t>(std::random_device{}());
}

Lwm2mServer::~Lwm2mServer() {
  for (auto& [ep, peer] : peers_) {
    if (peer.session) coap_session_release(peer.session);
  }
  if (ctx_) {
    coap_free_context(ctx_);
    std::lock_guard lock(g_servers_mutex);
    Servers().erase(ctx_);
  }
}

bool Lwm2mServer::Start(std::string* error) {
  ctx_ = coap_new_context(nullptr);
  if (ctx_ == nullptr) {
    *error = "cannot create a CoAP context";
    return false;
  }
  {
    std::lock_guard lock(g_servers_mutex);
    Servers()[ctx_] = this;
  }
  coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
  coap_register_response_handler(ctx_, OnCoapResponse);
  coap_register_nack_handler(ctx_, OnCoapNack);
  coap_resource_t* any = coap_resource_unknown_init2(OnRequest, 0);
  for (coap_request_t m : {COAP_REQUEST_GET, COAP_REQUEST_POST, COAP_REQUEST_PUT, COAP_REQUEST_DELETE}) {
    coap_register_request_handler(any, m, OnRequest);
  }
  coap_resource_set_userdata(any, this);
  coap_add_resource(ctx_, any);

  ListenSpec spec;
  spec.address = options_.address;
  spec.udp_port = options_.udp_port;
  spec.dtls_port = options_.dtls_port;
  spec.psk_hint = "lwcl";
  spec.validate_identity = PskKeyFor<Lwm2mServer>;
  spec.callback_arg = this;
  return ListenUdpAndDtls(ctx_, spec, &udp_port_, &dtls_port_, error);
}

const std::vector<uint8_t>* Lwm2mServer::PskFor(const std::string& identity) {
  if (!options_.psk_lookup) return nullptr;
  std::optional<std::vector<uint8_t>> key = options_.psk_lookup(identity);
  if (!key || key->empty()) return nullptr;
  return &(psk_keys_[identity] = std::move(*key));
}

void Lwm2mServer::Post(std::function<void()> work) {
  std::lock_guard lock(posted_mutex_);
  posted_.push_back(std::move(work));
}

void Lwm2mServer::RunPosted() {
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(posted_mutex_);
    work.swap(posted_);
  }
  for (auto& w : work) w();
}

void Lwm2mServer::Step(uint32_t timeout_ms) {
  RunPosted();
  if (ctx_) coap_io_process(ctx_, timeout_ms == 0 ? COAP_IO_NO_WAIT : timeout_ms);
  RunPosted();
  RunTimers();
}

void Lwm2mServer::OnIncoming(coap_session_t* session, const CoapMessage& m, CoapAnswer* a) {
  const auto& p = m.uri_path;
  const auto method = m.code;  // 1 GET, 2 POST, 3 PUT, 4 DELETE
  if (!p.empty() && p[0] == "rd") {
    if (p.size() == 1 && method == 2) return HandleRegister(session, m, a);
    if (p.size() == 2 && method == 2) return HandleUpdate(session, p[1], m, a);
    if (p.size() == 2 && method == 4) return HandleDeregister(p[1], a);
    a->code = lwm2m::CoapCode::kMethodNotAllowed;
    return;
  }
  if (p.size() == 1 && p[0] == "dp") {
    if (method == 2) return HandleSend(session, m, a);
    a->code = lwm2m::CoapCode::kMethodNotAllowed;
    return;
  }
  if (p.size() == 2 && p[0] == "pkg") {
    if (method != 1) {
      a->code = lwm2m::CoapCode::kMethodNotAllowed;
      return;
    }
    std::shared_ptr<const std::vector<uint8_t>> bytes = options_.packages ? options_.packages(p[1]) : nullptr;
    if (!bytes) {
      a->code = lwm2m::CoapCode::kNotFound;
      a->diagnostic = "no package " + p[1] + " is offered";
      return;
    }
    a->code = lwm2m::CoapCode::kContent;
    a->body = std::move(bytes);
    a->content_format = static_cast<uint16_t>(lwm2m::ContentFormat::kOpaque);
    return;
  }
  a->code = lwm2m::CoapCode::kNotFound;
}

void Lwm2mServer::Heard(const std::string& endpoint, coap_session_t* session) {
  Peer& peer = peers_[endpoint];
  if (session != nullptr && peer.session != session) {
    if (peer.session) {
      endpoint_by_session_.erase(peer.session);
      coap_session_release(peer.session);
    }
    peer.session = coap_session_reference(session);
    endpoint_by_session_[session] = endpoint;
  }
  peer.last_heard = Now();
}

bool Lwm2mServer::Awake(const Registration& r, const Peer& peer) const {
  return !r.queue_mode || Now() - peer.last_heard < options_.queue_awake_s;
}

void Lwm2mServer::RestoreRegistration(const Registration& registration) { table_.Restore(registration); }

size_t Lwm2mServer::QueuedRequests(const std::string& endpoint) const {
  auto it = peers_.find(endpoint);
  return it == peers_.end() ? 0 : it->second.queue.size();
}

void Lwm2mServer::Reobserve(const std::string& endpoint) {
  auto of = observations_of_.find(endpoint);
  if (of == observations_of_.end()) return;
  const std::vector<uint64_t> ids(of->second.begin(), of->second.end());
  for (uint64_t id : ids) {
    const DeviceRequest request = observations_.at(id).request;
    // The fresh first answer is a notification for whoever listens.
    Dispatch(endpoint, request,
             [this, id, endpoint](const DeviceResponse& r) {
               if (events_.on_notify && IsSuccess(r.code)) events_.on_notify(id, endpoint, r);
             },
             0, id);
  }
}

void Lwm2mServer::FlushQueue(const std::string& endpoint) {
  auto it = peers_.find(endpoint);
  if (it == peers_.end() || it->second.queue.empty()) return;
  std::deque<Queued> queue;
  queue.swap(it->second.queue);
  for (Queued& q : queue) Dispatch(endpoint, q.request, std::move(q.done), q.deadline, q.observation);
}

void Lwm2mServer::Dropped(const Registration& r, DeregisterReason reason) {
  auto it = peers_.find(r.endpoint);
  if (it != peers_.end()) {
    std::deque<Queued> queue;
    queue.swap(it->second.queue);
    if (it->second.session) {
      endpoint_by_session_.erase(it->second.session);
      coap_session_release(it->second.session);
    }
    peers_.erase(it);
    for (Queued& q : queue) {
      DeviceResponse failed;
      failed.error = "endpoint '" + r.endpoint + "' " + DeregisterReasonName(reason);
      if (q.done) q.done(failed);
    }
  }
  for (auto p = pending_.begin(); p != pending_.end();) {
    if (p->second.endpoint == r.endpoint) {
      Pending gone = std::move(p->second);
      p = pending_.erase(p);
      DeviceResponse failed;
      failed.error = "endpoint '" + r.endpoint + "' " + DeregisterReasonName(reason);
      if (gone.done) gone.done(failed);
    } else {
      ++p;
    }
  }
  // Observations stay: they are re-established when the endpoint registers again.
  if (auto ids = observations_of_.find(r.endpoint); ids != observations_of_.end()) {
    for (uint64_t id : ids->second) {
      ObservationInfo& info = observations_.at(id);
      if (info.token.empty()) continue;
      observation_by_token_.erase(info.token);
      info.token.clear();
    }
  }
  if (events_.on_deregistered) events_.on_deregistered(r, reason);
}

void Lwm2mServer::RunTimers() {
  const double now = Now();
  // Timeouts are whole seconds or more, so a tenth of a second is precision
  // enough, and the walks below then cost nothing per message at any load.
  if (now < next_timeout_check_ && now >= next_timeout_check_ - 1.0) return;
  next_timeout_check_ = now + 0.1;
  std::vector<Pending> expired;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (Pending& p : expired) {
    DeviceResponse failed;
    failed.timed_out = true;
    failed.error = "no answer from '" + p.endpoint + "' in time";
    if (p.done) p.done(failed);
  }
  for (auto& [ep, peer] : peers_) {
    while (!peer.queue.empty() && peer.queue.front().deadline <= now) {
      Queued q = std::move(peer.queue.front());
      peer.queue.pop_front();
      DeviceResponse failed;
      failed.timed_out = true;
      failed.error = "queue-mode device '" + ep + "' did not wake in time";
      if (q.done) q.done(failed);
    }
  }
  if (now >= next_expiry_check_) {
    next_expiry_check_ = now + 1.0;
    for (const Registration& r : table_.Expire(now)) Dropped(r, DeregisterReason::kExpired);
  }
}

}  // namespace lwcl::server
