#include "client/client.h"

#include "transport/coap_transport.h"

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
                                 body->size(), body->data(), ReleaseOwnedBody, body);
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
