#include "server/lwm2m_server.h"

#include "coap_listen.h"

#include <arpa/inet.h>
#include <coap3/coap.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "lwm2m/bundled_objects.h"
#include "server/content_negotiation.h"

namespace lwcl::server {

struct IncomingMessage {
  uint8_t code = 0;
  std::vector<std::string> uri_path;
  std::vector<std::string> uri_query;
  std::vector<std::string> location_path;
  std::optional<uint16_t> content_format;
  std::optional<uint32_t> observe;
  std::vector<uint8_t> token;
  std::vector<uint8_t> payload;
};

struct OutgoingAnswer {
  lwm2m::CoapCode code = lwm2m::CoapCode::kNotFound;
  std::vector<std::string> location_path;
  std::string diagnostic;  // a short reason with 4.xx answers (RFC 7252 5.5.2)
};

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

void InitLibcoapOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    coap_dtls_set_log_level(LOG_EMERG);
  });
}

std::string OptionText(coap_opt_t* opt) {
  return std::string(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
}

IncomingMessage FromPdu(const coap_pdu_t* pdu) {
  IncomingMessage m;
  m.code = static_cast<uint8_t>(coap_pdu_get_code(pdu));
  const coap_bin_const_t token = coap_pdu_get_token(pdu);
  m.token.assign(token.s, token.s + token.length);
  coap_opt_iterator_t it;
  coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    const auto number_value = [&] { return coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt)); };
    switch (it.number) {
      case COAP_OPTION_URI_PATH: m.uri_path.push_back(OptionText(opt)); break;
      case COAP_OPTION_URI_QUERY: m.uri_query.push_back(OptionText(opt)); break;
      case COAP_OPTION_LOCATION_PATH: m.location_path.push_back(OptionText(opt)); break;
      case COAP_OPTION_CONTENT_FORMAT: m.content_format = static_cast<uint16_t>(number_value()); break;
      case COAP_OPTION_OBSERVE: m.observe = number_value(); break;
      default: break;
    }
  }
  size_t len = 0, offset = 0, total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(pdu, &len, &data, &offset, &total) && data != nullptr) m.payload.assign(data, data + len);
  return m;
}

std::string PeerText(coap_session_t* session) {
  char buf[64] = {};
  const coap_address_t* addr = coap_session_get_addr_remote(session);
  if (addr == nullptr) return "";
  const size_t n = coap_print_addr(addr, reinterpret_cast<unsigned char*>(buf), sizeof buf - 1);
  return std::string(buf, n);
}

std::string PskIdentity(coap_session_t* session) {
  const coap_bin_const_t* id = coap_session_get_psk_identity(session);
  return id == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(id->s), id->length);
}

void OnRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
               const coap_string_t*, coap_pdu_t* response) {
  auto* self = static_cast<Lwm2mServer*>(coap_resource_get_userdata(resource));
  OutgoingAnswer answer;
  self->OnIncoming(session, FromPdu(request), &answer);
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(answer.code));
  for (const std::string& seg : answer.location_path) {
    coap_add_option(response, COAP_OPTION_LOCATION_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (!answer.diagnostic.empty()) {
    coap_add_data(response, answer.diagnostic.size(), reinterpret_cast<const uint8_t*>(answer.diagnostic.data()));
  }
}

coap_response_t OnCoapResponse(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received,
                               const coap_mid_t) {
  Lwm2mServer* self = ServerOf(session);
  if (self == nullptr) return COAP_RESPONSE_FAIL;
  return self->OnResponse(session, FromPdu(received)) ? COAP_RESPONSE_OK : COAP_RESPONSE_FAIL;
}

void OnCoapNack(coap_session_t* session, const coap_pdu_t* sent, const coap_nack_reason_t, const coap_mid_t) {
  Lwm2mServer* self = ServerOf(session);
  if (self == nullptr || sent == nullptr) return;
  const coap_bin_const_t token = coap_pdu_get_token(sent);
  self->OnNack(std::vector<uint8_t>(token.s, token.s + token.length));
}

const coap_bin_const_t* OnPskIdentity(coap_bin_const_t* identity, coap_session_t*, void* arg) {
  auto* self = static_cast<Lwm2mServer*>(arg);
  const std::vector<uint8_t>* key =
      self->PskFor(std::string(reinterpret_cast<const char*>(identity->s), identity->length));
  if (key == nullptr) return nullptr;  // unknown identity: the handshake fails
  // libcoap copies the key before the next callback; one slot per thread suffices.
  thread_local coap_bin_const_t out;
  out.s = key->data();
  out.length = key->size();
  return &out;
}

void ReleaseBody(coap_session_t*, void* app_ptr) { delete static_cast<std::vector<uint8_t>*>(app_ptr); }

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
  spec.validate_identity = OnPskIdentity;
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

void Lwm2mServer::OnIncoming(coap_session_t* session, const IncomingMessage& m, OutgoingAnswer* a) {
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
  a->code = lwm2m::CoapCode::kNotFound;
}

void Lwm2mServer::HandleRegister(coap_session_t* session, const IncomingMessage& m, OutgoingAnswer* a) {
  RegisterParams params;
  if (auto err = ParseRegisterQuery(m.uri_query, &params)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = *err;
    return;
  }
  if (!params.endpoint) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = "Register without an endpoint name (ep=)";
    return;
  }
  if (params.version && *params.version != "1.0" && *params.version != "1.1" && *params.version != "1.2") {
    a->code = lwm2m::CoapCode::kPreconditionFailed;
    a->diagnostic = "unsupported LwM2M version " + *params.version;
    return;
  }
  const std::string links(m.payload.begin(), m.payload.end());
  std::vector<lwm2m::Link> parsed;
  if (auto err = ValidateObjectLinks(links, &parsed)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = *err;
    return;
  }
  const bool secure = coap_session_get_proto(session) == COAP_PROTO_DTLS;
  if (events_.authorize && !events_.authorize(*params.endpoint, secure ? PskIdentity(session) : std::string())) {
    a->code = lwm2m::CoapCode::kForbidden;
    a->diagnostic = "endpoint not allowed";
    return;
  }
  std::optional<Registration> replaced;
  const Registration& r = table_.Register(params, links, PeerText(session), secure, Now(), &replaced);
  a->code = lwm2m::CoapCode::kCreated;
  a->location_path = {"rd", r.location};
  const std::string endpoint = r.endpoint;
  if (replaced) {
    // Requests in flight belonged to the old registration's session.
    if (events_.on_deregistered) events_.on_deregistered(*replaced, DeregisterReason::kReplaced);
  }
  Heard(endpoint, session);
  if (events_.on_registered) events_.on_registered(*table_.FindEndpoint(endpoint));
  Reobserve(endpoint);  // the client forgot its observations when it registered anew
  FlushQueue(endpoint);
}

void Lwm2mServer::HandleUpdate(coap_session_t* session, const std::string& location, const IncomingMessage& m,
                               OutgoingAnswer* a) {
  RegisterParams params;
  if (auto err = ParseRegisterQuery(m.uri_query, &params)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = *err;
    return;
  }
  std::optional<std::string> links;
  if (!m.payload.empty()) {
    links.emplace(m.payload.begin(), m.payload.end());
    std::vector<lwm2m::Link> parsed;
    if (auto err = ValidateObjectLinks(*links, &parsed)) {
      a->code = lwm2m::CoapCode::kBadRequest;
      a->diagnostic = *err;
      return;
    }
  }
  const Registration* r = table_.Update(location, params, std::move(links), PeerText(session), Now());
  if (r == nullptr) {
    a->code = lwm2m::CoapCode::kNotFound;  // the client registers again
    return;
  }
  a->code = lwm2m::CoapCode::kChanged;
  const std::string endpoint = r->endpoint;
  Heard(endpoint, session);
  if (events_.on_updated) events_.on_updated(*r);
  FlushQueue(endpoint);
}

void Lwm2mServer::HandleDeregister(const std::string& location, OutgoingAnswer* a) {
  std::optional<Registration> r = table_.Deregister(location);
  if (!r) {
    a->code = lwm2m::CoapCode::kNotFound;
    return;
  }
  a->code = lwm2m::CoapCode::kDeleted;
  Dropped(*r, DeregisterReason::kDeregistered);
}

void Lwm2mServer::HandleSend(coap_session_t* session, const IncomingMessage& m, OutgoingAnswer* a) {
  // The sender is the registered endpoint whose session (or address) this is.
  std::string endpoint;
  if (auto known = endpoint_by_session_.find(session); known != endpoint_by_session_.end()) {
    endpoint = known->second;
  } else {
    // Not heard on this session yet (e.g. the first message after a restart):
    // match the address the registration was made from. Rare, so a scan.
    const std::string from = PeerText(session);
    for (const Registration& r : table_.All()) {
      if (r.peer == from) endpoint = r.endpoint;
    }
  }
  if (endpoint.empty()) {
    a->code = lwm2m::CoapCode::kForbidden;
    a->diagnostic = "Send from a client that is not registered";
    return;
  }
  const auto format = m.content_format ? lwm2m::ContentFormatFromNumber(*m.content_format) : std::nullopt;
  if (!format || (*format != lwm2m::ContentFormat::kSenmlCbor && *format != lwm2m::ContentFormat::kSenmlJson &&
                  *format != lwm2m::ContentFormat::kLwm2mCbor)) {
    a->code = lwm2m::CoapCode::kUnsupportedContentFormat;
    return;
  }
  std::vector<lwm2m::Record> records;
  if (auto err = lwm2m::Decode(*format, m.payload, lwm2m::Path::Root(), objects_.Resolver(), &records)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = err->message;
    return;
  }
  a->code = lwm2m::CoapCode::kChanged;
  Heard(endpoint, session);
  if (events_.on_send) events_.on_send(endpoint, records);
  FlushQueue(endpoint);
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

bool Lwm2mServer::OnResponse(coap_session_t* session, const IncomingMessage& m) {
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
