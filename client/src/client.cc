#include "client/client.h"

#include "client/bootstrap_dm.h"
#include "client/persistence.h"
#include "client/security_object.h"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

namespace {

void InitLibcoapOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_level(LOG_EMERG);  // errors come back as CoAP codes, not log lines
    coap_dtls_set_log_level(LOG_EMERG);
  });
}

std::string OptionText(coap_opt_t* opt) {
  return std::string(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
}

std::vector<uint8_t> TokenOf(const coap_pdu_t* pdu) {
  const coap_bin_const_t token = coap_pdu_get_token(pdu);
  return std::vector<uint8_t>(token.s, token.s + token.length);
}

std::vector<uint8_t> NewToken(coap_session_t* session) {
  uint8_t token[8];
  size_t token_len = 0;
  coap_session_new_token(session, &token_len, token);
  return std::vector<uint8_t>(token, token + token_len);
}

bool ToAddress(const std::string& host, uint16_t port, coap_address_t* addr) {
  coap_address_init(addr);
  addr->addr.sin.sin_family = AF_INET;
  addr->addr.sin.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr->addr.sin.sin_addr) != 1) return false;
  addr->size = sizeof(struct sockaddr_in);
  return true;
}

// "127.0.0.1:5683" -> 5683: libcoap 4.3.1 has no getter for the bound address.
uint16_t BoundPort(const coap_endpoint_t* ep) {
  const std::string_view text = coap_endpoint_str(ep);
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return 0;
  unsigned bound = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') break;
    bound = bound * 10u + static_cast<unsigned>(c - '0');
  }
  return static_cast<uint16_t>(bound);
}

DmRequest FromPdu(const coap_pdu_t* pdu, std::optional<size_t>* size1) {
  DmRequest req;
  req.method = static_cast<CoapMethod>(coap_pdu_get_code(pdu));
  coap_opt_iterator_t it;
  coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    switch (it.number) {
      case COAP_OPTION_URI_PATH:
        req.uri_path.push_back(OptionText(opt));
        break;
      case COAP_OPTION_URI_QUERY:
        req.uri_query.push_back(OptionText(opt));
        break;
      case COAP_OPTION_ACCEPT:
        req.accept = static_cast<uint16_t>(coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt)));
        break;
      case COAP_OPTION_CONTENT_FORMAT:
        req.content_format =
            static_cast<uint16_t>(coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt)));
        break;
      case COAP_OPTION_SIZE1:
        *size1 = coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
        break;
      default:
        break;
    }
  }
  size_t len = 0, offset = 0, total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(pdu, &len, &data, &offset, &total) && data != nullptr) {
    req.payload.assign(data, data + len);
    if (total > len && (!*size1 || **size1 < total)) *size1 = total;
  }
  return req;
}

void ReleaseBody(coap_session_t*, void* app_ptr) { delete static_cast<std::vector<uint8_t>*>(app_ptr); }

void OnRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
               const coap_string_t* query, coap_pdu_t* response) {
  auto* self = static_cast<Client*>(coap_resource_get_userdata(resource));
  self->OnIncomingRequest();
  std::optional<size_t> size1;
  const DmRequest req = FromPdu(request, &size1);
  const size_t limit = self->max_request_body();
  if (req.payload.size() > limit || (size1 && *size1 > limit)) {
    // 4.13 tells the server the limit in Size1 (RFC 7959 2.9.3).
    coap_pdu_set_code(response, COAP_RESPONSE_CODE_REQUEST_TOO_LARGE);
    uint8_t buf[4];
    coap_add_option(response, COAP_OPTION_SIZE1,
                    coap_encode_var_safe(buf, sizeof buf, static_cast<unsigned>(std::min<size_t>(limit, 0xFFFFFFFFu))),
                    buf);
    return;
  }
  const DmResponse r = self->HandleFrom(session, req);
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(r.code));
  coap_opt_iterator_t it;
  if (coap_opt_t* obs = coap_check_option(request, COAP_OPTION_OBSERVE, &it);
      obs != nullptr && (req.method == CoapMethod::kGet || req.method == CoapMethod::kFetch)) {
    const uint32_t value = coap_decode_var_bytes(coap_opt_value(obs), coap_opt_length(obs));
    if (std::optional<uint32_t> seq = self->OnObserve(session, req, value, TokenOf(request), r.code)) {
      uint8_t buf[4];
      coap_add_option(response, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, *seq), buf);
    }
  }
  for (const std::string& seg : r.location_path) {
    coap_add_option(response, COAP_OPTION_LOCATION_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (r.content_format) {
    // libcoap sends it (block-wise when large) and frees the copy when done.
    auto* body = new std::vector<uint8_t>(r.payload);
    coap_add_data_large_response(resource, session, request, response, query, *r.content_format, -1, 0,
                                 body->size(), body->data(), ReleaseBody, body);
  }
}

coap_response_t OnCoapResponse(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received,
                               const coap_mid_t) {
  auto* self = static_cast<Client*>(coap_get_app_data(coap_session_get_context(session)));
  if (self == nullptr) return COAP_RESPONSE_OK;
  std::vector<std::string> location;
  coap_opt_iterator_t it;
  coap_option_iterator_init(received, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    if (it.number == COAP_OPTION_LOCATION_PATH) location.push_back(OptionText(opt));
  }
  self->OnResponse(TokenOf(received), static_cast<CoapCode>(coap_pdu_get_code(received)), location);
  return COAP_RESPONSE_OK;
}

void OnCoapNack(coap_session_t* session, const coap_pdu_t* sent, const coap_nack_reason_t reason, const coap_mid_t) {
  auto* self = static_cast<Client*>(coap_get_app_data(coap_session_get_context(session)));
  if (self == nullptr || sent == nullptr) return;
  self->OnNack(session, TokenOf(sent), reason == COAP_NACK_RST);
}

void ReleaseRequestBody(coap_session_t*, void* app_ptr) { delete static_cast<std::vector<uint8_t>*>(app_ptr); }

// Builds and sends a CON request from an OutgoingRequest; returns false when
// it could not be sent. *token is the token it carries.
bool SendRequest(coap_session_t* session, const OutgoingRequest& out, std::vector<uint8_t>* token) {
  coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, static_cast<coap_pdu_code_t>(out.method), session);
  if (pdu == nullptr) return false;
  *token = NewToken(session);
  coap_add_token(pdu, token->size(), token->data());
  // Options in ascending number: Uri-Path 11, Content-Format 12, Uri-Query 15.
  for (const std::string& seg : out.uri_path) {
    coap_add_option(pdu, COAP_OPTION_URI_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (out.content_format) {
    uint8_t buf[4];
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *out.content_format), buf);
  }
  for (const std::string& q : out.uri_query) {
    coap_add_option(pdu, COAP_OPTION_URI_QUERY, q.size(), reinterpret_cast<const uint8_t*>(q.data()));
  }
  if (!out.payload.empty()) {
    auto* body = new std::vector<uint8_t>(out.payload.begin(), out.payload.end());
    coap_add_data_large_request(session, pdu, body->size(), body->data(), ReleaseRequestBody, body);
  }
  return coap_send(session, pdu) != COAP_INVALID_MID;
}

bool Readable(const std::string& file) { return !file.empty() && access(file.c_str(), R_OK) == 0; }

// libcoap's certificate setup for `pki`. The strings stay `pki`'s: libcoap
// keeps the pointers and OpenSSL reads the files during the handshake, so
// `pki` must outlive the session or endpoint.
coap_dtls_pki_t PkiSetup(const PkiCredentials& pki) {
  coap_dtls_pki_t setup;
  std::memset(&setup, 0, sizeof setup);
  setup.version = COAP_DTLS_PKI_SETUP_VERSION;
  setup.verify_peer_cert = pki.verify_peer ? 1 : 0;
  // check_common_ca makes libcoap load ca_file as the trust anchor the
  // peer's chain is verified against (and, on a server, the CA list sent in
  // CertificateRequest); without a CA there is nothing to check against.
  setup.check_common_ca = pki.ca_pem_file.empty() ? 0 : 1;
  setup.allow_self_signed = 0;
  setup.allow_expired_certs = 0;
  setup.cert_chain_validation = 1;
  setup.cert_chain_verify_depth = 3;
  setup.check_cert_revocation = 0;  // no CRL/OCSP (documented in client.h)
  setup.validate_cn_call_back = nullptr;  // no CN/SAN check (documented in client.h)
  setup.pki_key.key_type = COAP_PKI_KEY_PEM;
  setup.pki_key.key.pem.public_cert = pki.certificate_pem_file.c_str();
  setup.pki_key.key.pem.private_key = pki.private_key_pem_file.c_str();
  setup.pki_key.key.pem.ca_file = pki.ca_pem_file.empty() ? nullptr : pki.ca_pem_file.c_str();
  return setup;
}

// Certificate and key readable, and a CA unless the peer goes unverified.
bool UsablePki(const PkiCredentials& pki) {
  if (!Readable(pki.certificate_pem_file) || !Readable(pki.private_key_pem_file)) return false;
  if (pki.ca_pem_file.empty()) return !pki.verify_peer;
  return Readable(pki.ca_pem_file);
}

// Opens a client session to `server` (UDP, or DTLS with its certificate or
// PSK); nullptr on failure.
coap_session_t* OpenSession(coap_context_t* ctx, Endpoint& server) {
  coap_address_t addr;
  if (!ToAddress(server.host, server.port, &addr)) return nullptr;
  if (!server.dtls) return coap_new_client_session(ctx, nullptr, &addr, COAP_PROTO_UDP);
  if (!coap_dtls_is_supported()) return nullptr;
  if (server.pki) {
    if (!UsablePki(*server.pki)) return nullptr;
    coap_dtls_pki_t setup = PkiSetup(*server.pki);
    return coap_new_client_session_pki(ctx, nullptr, &addr, COAP_PROTO_DTLS, &setup);
  }
  if (server.psk_key.empty()) return nullptr;
  coap_dtls_cpsk_t setup;
  std::memset(&setup, 0, sizeof setup);
  setup.version = COAP_DTLS_CPSK_SETUP_VERSION;
  setup.psk_info.identity = {server.psk_identity.size(), server.psk_identity.data()};
  setup.psk_info.key = {server.psk_key.size(), server.psk_key.data()};
  return coap_new_client_session_psk2(ctx, nullptr, &addr, COAP_PROTO_DTLS, &setup);
}

// The Endpoint a Security /0 account describes (numeric IPv4 only; coaps
// only with Security Mode 0, PSK).
std::optional<Endpoint> EndpointOf(const ServerAccount& account) {
  const std::optional<CoapUri> uri = ParseCoapUri(account.uri);
  if (!uri) return std::nullopt;
  Endpoint e;
  e.host = uri->host;
  e.port = uri->port;
  e.dtls = uri->secure;
  if (uri->secure) {
    if (account.security_mode != kSecurityModePsk) return std::nullopt;
    e.psk_identity = account.identity;
    e.psk_key = account.secret_key;
  }
  coap_address_t addr;
  if (!ToAddress(e.host, e.port, &addr)) return std::nullopt;
  return e;
}

}  // namespace

Client::Client(Registry& registry) : registry_(registry) {
  InitLibcoapOnce();
  clock_ = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  ctx_ = coap_new_context(nullptr);
  coap_set_app_data(ctx_, this);
  coap_register_response_handler(ctx_, OnCoapResponse);
  coap_register_nack_handler(ctx_, OnCoapNack);
  coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
  coap_resource_t* unknown = coap_resource_unknown_init2(OnRequest, 0);
  for (coap_request_t m : {COAP_REQUEST_GET, COAP_REQUEST_POST, COAP_REQUEST_DELETE, COAP_REQUEST_FETCH,
                           COAP_REQUEST_IPATCH}) {
    coap_register_request_handler(unknown, m, OnRequest);
  }
  coap_resource_set_userdata(unknown, this);
  registry_.SetChangeListener([this](const lwm2m::Path& p) { OnRegistryChange(p); });
  coap_add_resource(ctx_, unknown);
}

Client::~Client() {
  registry_.SetChangeListener(nullptr);
  for (auto& [id, sub] : subscribers_) coap_session_release(sub.session);
  subscribers_.clear();
  SaveStateIfDirty();
  if (bootstrap_session_ != nullptr) coap_session_release(bootstrap_session_);
  if (session_ != nullptr) coap_session_release(session_);
  if (ctx_) coap_free_context(ctx_);
}

void Client::DropSubscriber(uint64_t id) {
  auto it = subscribers_.find(id);
  observer_scheduler_.Remove(id);
  held_.erase(id);
  if (it == subscribers_.end()) return;
  coap_session_release(it->second.session);
  subscribers_.erase(it);
}

std::optional<uint32_t> Client::OnObserve(coap_session_t* session, const DmRequest& request, uint32_t observe_value,
                                          const std::vector<uint8_t>& token, CoapCode code) {
  // Cancel (or re-register) whatever this token observed before.
  std::vector<uint64_t> old;
  for (const auto& [id, sub] : subscribers_) {
    if (sub.session == session && sub.token == token) old.push_back(id);
  }
  for (uint64_t id : old) DropSubscriber(id);
  if (observe_value != 0 || code != CoapCode::kContent) return std::nullopt;
  // Observe on GET: one path; on FETCH "/": Observe-Composite over the listed paths.
  std::optional<lwm2m::Path> path;
  std::optional<std::vector<lwm2m::Path>> composite;
  if (request.method == CoapMethod::kGet) {
    path = PathFromSegments(request.uri_path);
    if (!path) return std::nullopt;
  } else if (request.method == CoapMethod::kFetch) {
    CoapCode error = CoapCode::kBadRequest;
    composite = ParseCompositePaths(registry_, request, &error);
    if (!composite) return std::nullopt;
  } else {
    return std::nullopt;
  }
  // Default periods from the Server object, read now so a server's Write to them applies to new observations.
  std::optional<int64_t> periods[2];
  if (Object* server = registry_.Find(1)) {
    const std::vector<uint16_t> instances = server->Instances();
    for (int k = 0; k < 2 && !instances.empty(); ++k) {
      std::vector<lwm2m::Record> recs;
      const auto rid = static_cast<uint16_t>(2 + k);
      if (IsSuccess(registry_.Read(lwm2m::Path::Resource(1, instances[0], rid), &recs)) && recs.size() == 1) {
        if (const auto* v = std::get_if<int64_t>(&recs[0].value)) periods[k] = *v;
      }
    }
  }
  observer_scheduler_.SetDefaultPeriods(periods[0], periods[1]);
  const uint64_t id =
      path ? observer_scheduler_.Add(*path, Now()) : observer_scheduler_.AddComposite(std::move(*composite), Now());
  if (id == 0) return std::nullopt;
  Subscriber sub;
  sub.session = coap_session_reference(session);
  sub.token = token;
  sub.accept = request.accept;
  sub.sequence = 1;
  subscribers_.emplace(id, std::move(sub));
  return 1;
}

void Client::Notify(uint64_t id) {
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return;
  Subscriber& sub = it->second;
  DmResponse r;
  if (observer_scheduler_.IsComposite(id)) {
    const std::vector<lwm2m::Path> paths = observer_scheduler_.PathsOf(id);
    r = ReadCompositeAndEncode(registry_, paths, sub.accept);
  } else {
    const std::optional<lwm2m::Path> path = observer_scheduler_.PathOf(id);
    if (!path) return;
    r = ReadAndEncode(registry_, *path, sub.accept);
  }
  coap_pdu_t* pdu = coap_new_pdu(confirmable_notifications_ ? COAP_MESSAGE_CON : COAP_MESSAGE_NON,
                                 static_cast<coap_pdu_code_t>(r.code), sub.session);
  if (pdu == nullptr) return;
  coap_add_token(pdu, sub.token.size(), sub.token.data());
  uint8_t buf[4];
  ++sub.sequence;
  coap_add_option(pdu, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, sub.sequence & 0xFFFFFFu), buf);
  if (r.content_format) {
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *r.content_format), buf);
    coap_add_data(pdu, r.payload.size(), r.payload.data());
  }
  coap_send(sub.session, pdu);
  if (queue_) queue_->OnExchange(Now());
  if (!IsSuccess(r.code)) DropSubscriber(id);  // an error notification ends the observation
}

void Client::PumpNotifications() {
  const double now = Now();
  if (queue_) queue_->Poll(now);
  const std::vector<uint64_t> due = observer_scheduler_.Due(now);
  if (queue_ && queue_->holding()) {
    // Asleep: keep which observations owe a notification; the value sent at
    // wake is the one current then.
    held_.insert(due.begin(), due.end());
    if (!held_.empty() && queue_->NeedReport(now) && registration_) registration_->RequestUpdate();
    return;
  }
  if (!held_.empty()) {
    const std::set<uint64_t> held = std::move(held_);
    held_.clear();
    for (uint64_t id : held) Notify(id);
  }
  for (uint64_t id : due) Notify(id);
}

void Client::OnNack(coap_session_t* session, const std::vector<uint8_t>& token, bool rst) {
  if (registration_in_flight_ && session == session_ && token == registration_token_) {
    registration_in_flight_ = false;
    registration_->OnTimeout(Now());
    return;
  }
  if (bootstrap_in_flight_ && session == bootstrap_session_ && token == bootstrap_token_) {
    bootstrap_in_flight_ = false;
    bootstrap_->OnTimeout(Now());
    return;
  }
  if (auto it = sends_in_flight_.find(token); session == session_ && it != sends_in_flight_.end()) {
    SendCallback done = std::move(it->second.done);
    sends_in_flight_.erase(it);
    if (done) done(std::nullopt);
    return;
  }
  // A notification the observer refused (RST) or never acknowledged: it is
  // not interested anymore (RFC 7641 3.6 / 4.5).
  (void)rst;
  std::vector<uint64_t> gone;
  for (const auto& [id, sub] : subscribers_) {
    if (sub.session == session && sub.token == token) gone.push_back(id);
  }
  for (uint64_t id : gone) {
    DropSubscriber(id);
    ++cancelled_by_peer_;
  }
}

void Client::OnIncomingRequest() {
  if (queue_) queue_->OnExchange(Now());
}

uint16_t Client::Listen(const std::string& address, uint16_t port) {
  coap_address_t addr;
  if (!ToAddress(address, port, &addr)) return 0;
  coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, COAP_PROTO_UDP);
  return ep == nullptr ? 0 : BoundPort(ep);
}

uint16_t Client::ListenDtls(const std::string& address, uint16_t port, const PskCredentials& psk) {
  if (!coap_dtls_is_supported() || psk.key.empty()) return 0;
  coap_address_t addr;
  if (!ToAddress(address, port, &addr)) return 0;
  server_psk_ = psk;
  coap_dtls_spsk_t setup;
  std::memset(&setup, 0, sizeof setup);
  setup.version = COAP_DTLS_SPSK_SETUP_VERSION;
  setup.psk_info.key = {server_psk_.key.size(), server_psk_.key.data()};
  // The identity callback picks the key for the identity the peer names:
  // ours when it matches (or when any identity is accepted), none otherwise.
  setup.validate_id_call_back = [](coap_bin_const_t* identity, coap_session_t*,
                                   void* arg) -> const coap_bin_const_t* {
    auto* self = static_cast<Client*>(arg);
    const std::vector<uint8_t>& want = self->server_psk_.identity;
    if (!want.empty() && (identity == nullptr || identity->length != want.size() ||
                          !std::equal(want.begin(), want.end(), identity->s))) {
      return nullptr;
    }
    thread_local coap_bin_const_t key;
    key = {self->server_psk_.key.size(), self->server_psk_.key.data()};
    return &key;
  };
  setup.id_call_back_arg = this;
  if (!coap_context_set_psk2(ctx_, &setup)) return 0;
  coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, COAP_PROTO_DTLS);
  return ep == nullptr ? 0 : BoundPort(ep);
}

uint16_t Client::ListenDtlsPki(const std::string& address, uint16_t port, const PkiCredentials& pki) {
  if (!coap_dtls_is_supported() || !UsablePki(pki)) return 0;
  coap_address_t addr;
  if (!ToAddress(address, port, &addr)) return 0;
  server_pki_ = pki;
  coap_dtls_pki_t setup = PkiSetup(server_pki_);
  if (!coap_context_set_pki(ctx_, &setup)) return 0;
  coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, COAP_PROTO_DTLS);
  return ep == nullptr ? 0 : BoundPort(ep);
}

bool Client::Connect(const std::string& address, uint16_t port, RegistrationConfig config) {
  Endpoint server;
  server.host = address;
  server.port = port;
  return Connect(server, std::move(config));
}

bool Client::Connect(const Endpoint& server, RegistrationConfig config) {
  endpoint_ = server;
  coap_session_t* session = OpenSession(ctx_, endpoint_);
  if (session == nullptr) return false;
  if (session_ != nullptr) coap_session_release(session_);
  session_ = session;
  if (config.binding.find('Q') != std::string::npos && !queue_) EnableQueueMode();
  registration_ = std::make_unique<RegistrationMachine>(std::move(config));
  registration_in_flight_ = false;
  return true;
}

void Client::EnableQueueMode(double awake_s) { queue_ = std::make_unique<QueueMode>(awake_s, Now()); }

bool Client::registered() const {
  return registration_ && (registration_->state() == RegistrationState::kRegistered ||
                           registration_->state() == RegistrationState::kUpdating);
}

void Client::RequestUpdate() {
  if (registration_) registration_->RequestUpdate();
}

void Client::Deregister() {
  if (registration_) registration_->RequestDeregister();
}

void Client::OnResponse(const std::vector<uint8_t>& token, CoapCode code, const std::vector<std::string>& location) {
  if (registration_ && registration_in_flight_ && token == registration_token_) {
    registration_in_flight_ = false;
    registration_->OnResponse(Now(), code, location);
    if (queue_ && registration_->state() == RegistrationState::kRegistered) queue_->OnRegistered(Now());
    return;
  }
  if (bootstrap_ && bootstrap_in_flight_ && token == bootstrap_token_) {
    bootstrap_in_flight_ = false;
    bootstrap_->OnResponse(Now(), code);
    return;
  }
  if (auto it = sends_in_flight_.find(token); it != sends_in_flight_.end()) {
    SendCallback done = std::move(it->second.done);
    sends_in_flight_.erase(it);
    if (queue_) queue_->OnExchange(Now());
    if (done) done(code);
  }
}

void Client::PumpRegistration() {
  if (!registration_ || registration_in_flight_ || session_ == nullptr) return;
  std::optional<OutgoingRequest> out = registration_->Poll(Now(), registry_.ObjectListText());
  if (!out) return;
  registration_in_flight_ = true;
  if (!SendRequest(session_, *out, &registration_token_)) {
    registration_in_flight_ = false;
    registration_->OnTimeout(Now());
  }
}

void Client::PumpBootstrap() {
  if (!bootstrap_ || bootstrap_session_ == nullptr) return;
  if (bootstrap_->state() == BootstrapState::kFinished) {
    // Finish was answered inside the last I/O round; the session is done.
    coap_session_release(bootstrap_session_);
    bootstrap_session_ = nullptr;
    bootstrap_in_flight_ = false;
    if (!ConnectFromAccounts()) bootstrap_->Restart(Now());
    return;
  }
  if (bootstrap_in_flight_) return;
  std::optional<OutgoingRequest> out = bootstrap_->Poll(Now());
  if (!out) return;
  bootstrap_in_flight_ = true;
  if (!SendRequest(bootstrap_session_, *out, &bootstrap_token_)) {
    bootstrap_in_flight_ = false;
    bootstrap_->OnTimeout(Now());
  }
}

bool Client::Start(RegistrationConfig registration, BootstrapConfig bootstrap) {
  start_config_ = std::move(registration);
  if (ConnectFromAccounts()) return true;
  for (const ServerAccount& account : ServerAccounts(registry_)) {
    if (!account.bootstrap) continue;
    std::optional<Endpoint> server = EndpointOf(account);
    if (!server) return false;
    bootstrap_endpoint_ = std::move(*server);
    coap_session_t* session = OpenSession(ctx_, bootstrap_endpoint_);
    if (session == nullptr) return false;
    if (bootstrap_session_ != nullptr) coap_session_release(bootstrap_session_);
    bootstrap_session_ = session;
    if (bootstrap.endpoint.empty()) bootstrap.endpoint = start_config_.endpoint;
    bootstrap_ = std::make_unique<BootstrapMachine>(std::move(bootstrap));
    bootstrap_in_flight_ = false;
    return true;
  }
  return false;
}

bool Client::ConnectFromAccounts() {
  for (const ServerAccount& account : ServerAccounts(registry_)) {
    if (account.bootstrap) continue;
    std::optional<Endpoint> server = EndpointOf(account);
    if (!server) continue;
    RegistrationConfig config = start_config_;
    // Lifetime and binding from the Server instance with the same Short Server ID.
    std::vector<lwm2m::Record> records;
    if (IsSuccess(registry_.Read(lwm2m::Path::Object(1), &records))) {
      std::optional<uint16_t> instance;
      for (const lwm2m::Record& r : records) {
        const auto* ssid = std::get_if<int64_t>(&r.value);
        if (r.path.depth >= 3 && r.path.resource() == 0 && ssid && *ssid == account.short_server_id) {
          instance = r.path.instance();
        }
      }
      for (const lwm2m::Record& r : records) {
        if (!instance || r.path.depth < 3 || r.path.instance() != *instance) continue;
        if (const auto* lt = std::get_if<int64_t>(&r.value); lt && r.path.resource() == 1) config.lifetime_s = *lt;
        if (const auto* b = std::get_if<std::string>(&r.value); b && r.path.resource() == 7) config.binding = *b;
      }
    }
    return Connect(*server, std::move(config));
  }
  return false;
}

bool Client::Send(std::span<const lwm2m::Path> paths, SendCallback done) {
  if (paths.empty()) return false;
  std::vector<lwm2m::Record> records;
  for (const lwm2m::Path& path : paths) {
    if (!IsSuccess(registry_.Read(path, &records))) return false;
  }
  return SendRecords(records, std::move(done));
}

bool Client::SendRecords(std::span<const lwm2m::Record> records, SendCallback done) {
  if (records.empty()) return false;
  PendingSend send;
  if (lwm2m::Encode(send_format_, lwm2m::Path::Root(), records, &send.payload)) return false;
  send.format = static_cast<uint16_t>(send_format_);
  send.done = std::move(done);
  return EnqueueSend(std::move(send));
}

bool Client::EnqueueSend(PendingSend send) {
  if (send_queue_.size() >= send_queue_limit_) {
    SendCallback dropped = std::move(send_queue_.front().done);
    send_queue_.pop_front();
    if (dropped) dropped(std::nullopt);
  }
  send_queue_.push_back(std::move(send));
  return true;
}

void Client::PumpSends() {
  if (send_queue_.empty() || session_ == nullptr || !registration_ ||
      registration_->state() != RegistrationState::kRegistered) {
    return;
  }
  if (queue_ && queue_->holding()) {
    if (queue_->NeedReport(Now())) registration_->RequestUpdate();
    return;
  }
  while (!send_queue_.empty()) {
    PendingSend send = std::move(send_queue_.front());
    send_queue_.pop_front();
    coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_POST, session_);
    if (pdu == nullptr) {
      if (send.done) send.done(std::nullopt);
      continue;
    }
    std::vector<uint8_t> token = NewToken(session_);
    coap_add_token(pdu, token.size(), token.data());
    coap_add_option(pdu, COAP_OPTION_URI_PATH, 2, reinterpret_cast<const uint8_t*>("dp"));
    uint8_t buf[4];
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, send.format), buf);
    auto* body = new std::vector<uint8_t>(std::move(send.payload));
    coap_add_data_large_request(session_, pdu, body->size(), body->data(), ReleaseRequestBody, body);
    send.payload.clear();
    auto [slot, inserted] = sends_in_flight_.emplace(token, std::move(send));
    if (coap_send(session_, pdu) == COAP_INVALID_MID) {
      SendCallback failed = std::move(slot->second.done);
      sends_in_flight_.erase(slot);
      if (failed) failed(std::nullopt);
    } else if (queue_) {
      queue_->OnExchange(Now());
    }
    (void)inserted;
  }
}

uint32_t Client::ClampTimeout(uint32_t timeout_ms, std::optional<double> wake) const {
  if (!wake) return timeout_ms;
  const double ms = std::max(0.0, (*wake - Now()) * 1000.0);
  return ms < static_cast<double>(timeout_ms) ? static_cast<uint32_t>(ms) : timeout_ms;
}

void Client::Step(uint32_t timeout_ms) {
  for (size_t i = 0; i < tasks_.size(); ++i) tasks_[i]();  // by index: a task may add tasks
  SaveStateIfDirty();
  PumpBootstrap();
  PumpRegistration();
  PumpSends();
  PumpNotifications();
  // Do not sleep past the next deadline of registration, observe or queue mode.
  if (registration_ && !registration_in_flight_) timeout_ms = ClampTimeout(timeout_ms, registration_->NextWake());
  timeout_ms = ClampTimeout(timeout_ms, observer_scheduler_.NextWake());
  if (queue_) timeout_ms = ClampTimeout(timeout_ms, queue_->NextWake());
  if (bootstrap_ && !bootstrap_in_flight_) timeout_ms = ClampTimeout(timeout_ms, bootstrap_->NextWake());
  coap_io_process(ctx_, timeout_ms == 0 ? COAP_IO_NO_WAIT : timeout_ms);
  SaveStateIfDirty();
  PumpBootstrap();
  PumpRegistration();
  PumpSends();
  PumpNotifications();
}

bool Client::RunUntil(const std::function<bool()>& done, uint32_t max_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    Step(20);
  }
  return true;
}

DmResponse Client::Handle(const DmRequest& request) {
  DmResponse r = HandleDmRequest(registry_, request);
  ++requests_handled_;
  if (IsSuccess(r.code) && request.method == CoapMethod::kPut && request.payload.empty() &&
      !request.uri_query.empty() && !state_file_.empty()) {
    state_dirty_ = true;  // Write-Attributes: the registry does not report those as changes
  }
  if (observer_) observer_(request, r);
  SaveStateIfDirty();
  return r;
}

DmResponse Client::HandleFrom(coap_session_t* session, const DmRequest& request) {
  if (!bootstrap_ || session != bootstrap_session_ || bootstrap_->state() == BootstrapState::kFinished) {
    return Handle(request);
  }
  bool finished = false;
  DmResponse r = HandleBootstrapRequest(registry_, request, &finished);
  ++requests_handled_;
  const bool is_finish = request.method == CoapMethod::kPost && request.uri_path == std::vector<std::string>{"bs"};
  if (is_finish) {
    bootstrap_->OnFinish(Now(), finished);
  } else {
    bootstrap_->OnServerRequest(Now());
  }
  // Written only once Finish is accepted (SaveStateIfDirty waits): a
  // bootstrap that fails half-way must leave the saved accounts as they were.
  if (IsSuccess(r.code) && request.method != CoapMethod::kGet && !state_file_.empty()) state_dirty_ = true;
  if (observer_) observer_(request, r);
  SaveStateIfDirty();
  return r;
}

void Client::OnRegistryChange(const lwm2m::Path& path) {
  observer_scheduler_.MarkChanged(path);
  if (!state_file_.empty() && (path.object() == 0 || path.object() == 1)) state_dirty_ = true;
}

bool Client::SetStateFile(const std::string& file, std::string* error) {
  std::string message;
  if (!LoadClientState(registry_, file, &message)) {
    if (error) *error = message;
    return false;
  }
  state_file_ = file;
  state_dirty_ = false;
  return true;
}

void Client::SaveStateIfDirty() {
  if (!state_dirty_ || state_file_.empty()) return;
  if (bootstrap_ && bootstrap_->state() != BootstrapState::kFinished) return;  // not a half bootstrap
  state_dirty_ = false;
  if (SaveClientState(registry_, state_file_, nullptr)) ++state_saves_;
}

}  // namespace lwcl::client
