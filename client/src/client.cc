#include "client/client.h"

#include <arpa/inet.h>
#include <coap3/coap.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string_view>
#include <vector>

namespace lwcl::client {

namespace {

void InitLibcoapOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_level(LOG_EMERG);  // errors come back as CoAP codes, not log lines
  });
}

std::string OptionText(coap_opt_t* opt) {
  return std::string(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
}

DmRequest FromPdu(const coap_pdu_t* pdu) {
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
      default:
        break;
    }
  }
  size_t len = 0, offset = 0, total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(pdu, &len, &data, &offset, &total) && data != nullptr) {
    req.payload.assign(data, data + len);
  }
  return req;
}

void ReleaseBody(coap_session_t*, void* app_ptr) { delete static_cast<std::vector<uint8_t>*>(app_ptr); }

void OnRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
               const coap_string_t* query, coap_pdu_t* response) {
  auto* self = static_cast<Client*>(coap_resource_get_userdata(resource));
  const DmRequest req = FromPdu(request);
  const DmResponse r = self->Handle(req);
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(r.code));
  coap_opt_iterator_t it;
  if (coap_opt_t* obs = coap_check_option(request, COAP_OPTION_OBSERVE, &it);
      obs != nullptr && req.method == CoapMethod::kGet) {
    const coap_bin_const_t token = coap_pdu_get_token(request);
    const std::vector<uint8_t> tok(token.s, token.s + token.length);
    const uint32_t value = coap_decode_var_bytes(coap_opt_value(obs), coap_opt_length(obs));
    if (std::optional<uint32_t> seq = self->OnObserve(session, req, value, tok, r.code)) {
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

coap_response_t OnResponse(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received,
                           const coap_mid_t) {
  auto* self = static_cast<Client*>(coap_session_get_app_data(session));
  if (self == nullptr) return COAP_RESPONSE_OK;
  std::vector<std::string> location;
  coap_opt_iterator_t it;
  coap_option_iterator_init(received, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    if (it.number == COAP_OPTION_LOCATION_PATH) location.push_back(OptionText(opt));
  }
  self->OnRegistrationResponse(static_cast<CoapCode>(coap_pdu_get_code(received)), location);
  return COAP_RESPONSE_OK;
}

void OnNack(coap_session_t* session, const coap_pdu_t*, const coap_nack_reason_t, const coap_mid_t) {
  if (auto* self = static_cast<Client*>(coap_session_get_app_data(session))) self->OnRegistrationTimeout();
}

void ReleaseRequestBody(coap_session_t*, void* app_ptr) { delete static_cast<std::string*>(app_ptr); }

}  // namespace

Client::Client(Registry& registry) : registry_(registry) {
  InitLibcoapOnce();
  clock_ = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  ctx_ = coap_new_context(nullptr);
  coap_register_response_handler(ctx_, OnResponse);
  coap_register_nack_handler(ctx_, OnNack);
  coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
  coap_resource_t* unknown = coap_resource_unknown_init2(OnRequest, 0);
  for (coap_request_t m : {COAP_REQUEST_GET, COAP_REQUEST_POST, COAP_REQUEST_DELETE, COAP_REQUEST_FETCH,
                           COAP_REQUEST_IPATCH}) {
    coap_register_request_handler(unknown, m, OnRequest);
  }
  coap_resource_set_userdata(unknown, this);
  registry_.SetChangeListener([this](const lwm2m::Path& p) { observer_scheduler_.MarkChanged(p); });
  coap_add_resource(ctx_, unknown);
}

Client::~Client() {
  registry_.SetChangeListener(nullptr);
  for (auto& [id, sub] : subscribers_) coap_session_release(sub.session);
  if (ctx_) coap_free_context(ctx_);
}

std::optional<uint32_t> Client::OnObserve(coap_session_t* session, const DmRequest& request, uint32_t observe_value,
                                          const std::vector<uint8_t>& token, CoapCode code) {
  // Cancel (or re-register) whatever this token observed before.
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (it->second.session == session && it->second.token == token) {
      observer_scheduler_.Remove(it->first);
      coap_session_release(it->second.session);
      it = subscribers_.erase(it);
    } else {
      ++it;
    }
  }
  if (observe_value != 0 || code != CoapCode::kContent) return std::nullopt;
  const std::optional<lwm2m::Path> path = PathFromSegments(request.uri_path);
  if (!path) return std::nullopt;
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
  const uint64_t id = observer_scheduler_.Add(*path, Now());
  if (id == 0) return std::nullopt;
  Subscriber sub;
  sub.session = coap_session_reference(session);
  sub.token = token;
  sub.accept = request.accept;
  sub.sequence = 1;
  subscribers_.emplace(id, std::move(sub));
  return 1;
}

void Client::PumpNotifications() {
  for (uint64_t id : observer_scheduler_.Due(Now())) {
    auto it = subscribers_.find(id);
    const std::optional<lwm2m::Path> path = observer_scheduler_.PathOf(id);
    if (it == subscribers_.end() || !path) continue;
    Subscriber& sub = it->second;
    const DmResponse r = ReadAndEncode(registry_, *path, sub.accept);
    coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_NON, static_cast<coap_pdu_code_t>(r.code), sub.session);
    if (pdu == nullptr) continue;
    coap_add_token(pdu, sub.token.size(), sub.token.data());
    uint8_t buf[4];
    ++sub.sequence;
    coap_add_option(pdu, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, sub.sequence & 0xFFFFFFu), buf);
    if (r.content_format) {
      coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *r.content_format),
                      buf);
      coap_add_data(pdu, r.payload.size(), r.payload.data());
    }
    coap_send(sub.session, pdu);
    if (!IsSuccess(r.code)) {  // an error notification ends the observation
      observer_scheduler_.Remove(id);
      coap_session_release(sub.session);
      subscribers_.erase(it);
    }
  }
}

uint16_t Client::Listen(const std::string& address, uint16_t port) {
  coap_address_t addr;
  coap_address_init(&addr);
  addr.addr.sin.sin_family = AF_INET;
  addr.addr.sin.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &addr.addr.sin.sin_addr) != 1) return 0;
  addr.size = sizeof(struct sockaddr_in);
  coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, COAP_PROTO_UDP);
  if (ep == nullptr) return 0;
  // "127.0.0.1:5683" -> 5683: libcoap 4.3.1 has no getter for the bound address.
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

bool Client::Connect(const std::string& address, uint16_t port, RegistrationConfig config) {
  coap_address_t addr;
  coap_address_init(&addr);
  addr.addr.sin.sin_family = AF_INET;
  addr.addr.sin.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &addr.addr.sin.sin_addr) != 1) return false;
  addr.size = sizeof(struct sockaddr_in);
  session_ = coap_new_client_session(ctx_, nullptr, &addr, COAP_PROTO_UDP);
  if (session_ == nullptr) return false;
  coap_session_set_app_data(session_, this);
  registration_ = std::make_unique<RegistrationMachine>(std::move(config));
  registration_in_flight_ = false;
  return true;
}

void Client::RequestUpdate() {
  if (registration_) registration_->RequestUpdate();
}

void Client::Deregister() {
  if (registration_) registration_->RequestDeregister();
}

void Client::OnRegistrationResponse(CoapCode code, const std::vector<std::string>& location) {
  if (!registration_ || !registration_in_flight_) return;
  registration_in_flight_ = false;
  registration_->OnResponse(Now(), code, location);
}

void Client::OnRegistrationTimeout() {
  if (!registration_ || !registration_in_flight_) return;
  registration_in_flight_ = false;
  registration_->OnTimeout(Now());
}

void Client::PumpRegistration() {
  if (!registration_ || registration_in_flight_ || session_ == nullptr) return;
  std::optional<OutgoingRequest> out = registration_->Poll(Now(), registry_.ObjectListText());
  if (!out) return;
  coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, static_cast<coap_pdu_code_t>(out->method), session_);
  if (pdu == nullptr) {
    registration_->OnTimeout(Now());
    return;
  }
  uint8_t token[8];
  size_t token_len = 0;
  coap_session_new_token(session_, &token_len, token);
  coap_add_token(pdu, token_len, token);
  // Options in ascending number: Uri-Path 11, Content-Format 12, Uri-Query 15.
  for (const std::string& seg : out->uri_path) {
    coap_add_option(pdu, COAP_OPTION_URI_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (out->content_format) {
    uint8_t buf[4];
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *out->content_format),
                    buf);
  }
  for (const std::string& q : out->uri_query) {
    coap_add_option(pdu, COAP_OPTION_URI_QUERY, q.size(), reinterpret_cast<const uint8_t*>(q.data()));
  }
  if (!out->payload.empty()) {
    auto* body = new std::string(std::move(out->payload));
    coap_add_data_large_request(session_, pdu, body->size(), reinterpret_cast<const uint8_t*>(body->data()),
                                ReleaseRequestBody, body);
  }
  registration_in_flight_ = true;
  if (coap_send(session_, pdu) == COAP_INVALID_MID) {
    registration_in_flight_ = false;
    registration_->OnTimeout(Now());
  }
}

void Client::Step(uint32_t timeout_ms) {
  PumpRegistration();
  if (registration_ && !registration_in_flight_) {
    // Do not sleep past the next registration deadline.
    if (std::optional<double> wake = registration_->NextWake()) {
      const double ms = std::max(0.0, (*wake - Now()) * 1000.0);
      if (ms < static_cast<double>(timeout_ms)) timeout_ms = static_cast<uint32_t>(ms);
    }
  }
  if (std::optional<double> wake = observer_scheduler_.NextWake()) {
    const double ms = std::max(0.0, (*wake - Now()) * 1000.0);
    if (ms < static_cast<double>(timeout_ms)) timeout_ms = static_cast<uint32_t>(ms);
  }
  PumpNotifications();
  coap_io_process(ctx_, timeout_ms == 0 ? COAP_IO_NO_WAIT : timeout_ms);
  PumpRegistration();
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
  if (observer_) observer_(request, r);
  return r;
}

}  // namespace lwcl::client
