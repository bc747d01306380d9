#include "server/bootstrap_server.h"

#include "coap_endpoint.h"

#include <arpa/inet.h>
#include <coap3/coap.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <set>

#include "lwm2m/link_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::server {

using lwm2m::CoapCode;
using lwm2m::ContentFormat;
using lwm2m::Path;
using lwm2m::Record;

namespace {

BootstrapServer* BootstrapServerOf(coap_session_t* session) {
  return static_cast<BootstrapServer*>(coap_get_app_data(coap_session_get_context(session)));
}

void HandleRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
                   const coap_string_t*, coap_pdu_t* response) {
  auto* self = static_cast<BootstrapServer*>(coap_resource_get_userdata(resource));
  std::string diagnostic;
  const CoapCode code = self->OnRequest(session, DecodePdu(request), &diagnostic);
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(code));
  if (!diagnostic.empty()) {
    coap_add_data(response, diagnostic.size(), reinterpret_cast<const uint8_t*>(diagnostic.data()));
  }
}

coap_response_t HandleResponse(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received,
                               const coap_mid_t) {
  BootstrapServer* self = BootstrapServerOf(session);
  if (self == nullptr) return COAP_RESPONSE_FAIL;
  return self->OnResponse(DecodePdu(received)) ? COAP_RESPONSE_OK : COAP_RESPONSE_FAIL;
}

const char* NackText(coap_nack_reason_t reason) {
  switch (reason) {
    case COAP_NACK_TOO_MANY_RETRIES: return "no answer (retransmissions exhausted)";
    case COAP_NACK_RST: return "the client answered with RST";
    case COAP_NACK_TLS_FAILED: return "the DTLS session failed";
    default: return "the request could not be delivered";
  }
}

void HandleNack(coap_session_t* session, const coap_pdu_t* sent, const coap_nack_reason_t reason,
                const coap_mid_t) {
  BootstrapServer* self = BootstrapServerOf(session);
  if (self == nullptr || sent == nullptr) return;
  self->OnNack(TokenOf(sent), NackText(reason));
}

// "127.0.0.1:5685" -> 5685: libcoap 4.3.1 has no getter for an endpoint's port.
std::optional<std::string> QueryValue(const std::vector<std::string>& query, std::string_view key) {
  for (const std::string& q : query) {
    if (q.size() > key.size() && q.compare(0, key.size(), key) == 0 && q[key.size()] == '=') {
      return q.substr(key.size() + 1);
    }
  }
  return std::nullopt;
}

bool WritableFormat(ContentFormat f) {
  return f == ContentFormat::kTlv || f == ContentFormat::kSenmlCbor || f == ContentFormat::kSenmlJson ||
         f == ContentFormat::kLwm2mCbor;
}

// Security /0 and Server /1 resource ids (0.xml, 1.xml).
constexpr uint16_t kSecUri = 0, kSecBootstrap = 1, kSecMode = 2, kSecIdentity = 3, kSecKey = 5, kSecSsid = 10;
constexpr uint16_t kSrvSsid = 0, kSrvLifetime = 1, kSrvPmin = 2, kSrvPmax = 3, kSrvStoring = 6, kSrvBinding = 7;
constexpr int64_t kModePsk = 0, kModeNoSec = 3;

// Appends one value. (Records built one by one: brace lists of variants
// trip GCC 12's -Wmaybe-uninitialized at -O2.)
void Put(std::vector<Record>* out, const Path& path, lwm2m::Value value) {
  Record r;
  r.path = path;
  r.value = std::move(value);
  out->push_back(std::move(r));
}

std::vector<Record> SecurityRecords(const BootstrapConfig& c, uint16_t iid) {
  const bool psk = !c.psk_identity.empty() || !c.psk_key.empty();
  std::vector<Record> r;
  Put(&r, Path::Resource(0, iid, kSecUri), c.server_uri);
  Put(&r, Path::Resource(0, iid, kSecBootstrap), false);
  Put(&r, Path::Resource(0, iid, kSecMode), psk ? kModePsk : kModeNoSec);
  if (psk) {
    Put(&r, Path::Resource(0, iid, kSecIdentity), lwm2m::Opaque(c.psk_identity.begin(), c.psk_identity.end()));
    Put(&r, Path::Resource(0, iid, kSecKey), lwm2m::Opaque(c.psk_key));
  }
  Put(&r, Path::Resource(0, iid, kSecSsid), int64_t{c.short_server_id});
  return r;
}

std::vector<Record> ServerRecords(const BootstrapConfig& c) {
  const uint16_t iid = c.server_instance;
  std::vector<Record> r;
  Put(&r, Path::Resource(1, iid, kSrvSsid), int64_t{c.short_server_id});
  Put(&r, Path::Resource(1, iid, kSrvLifetime), c.lifetime_s);
  if (c.default_pmin) Put(&r, Path::Resource(1, iid, kSrvPmin), *c.default_pmin);
  if (c.default_pmax) Put(&r, Path::Resource(1, iid, kSrvPmax), *c.default_pmax);
  Put(&r, Path::Resource(1, iid, kSrvStoring), c.notification_storing);
  Put(&r, Path::Resource(1, iid, kSrvBinding), c.binding);
  return r;
}

// The lowest Security instance id that Discover did not list (after the
// Bootstrap-Delete only the Bootstrap-Server account is left there).
uint16_t FreeSecurityInstance(const std::vector<uint8_t>& payload) {
  std::vector<lwm2m::Link> links;
  std::set<uint16_t> used;
  if (!lwm2m::ParseLinkFormat(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()),
                              &links)) {
    for (const lwm2m::Link& l : links) {
      if (l.path && l.path->depth >= 2 && l.path->object() == 0) used.insert(l.path->instance());
    }
  }
  uint16_t iid = 0;
  while (used.count(iid) != 0) ++iid;
  return iid;
}

std::string PayloadText(const std::vector<uint8_t>& payload) {
  std::string text(payload.begin(), payload.end());
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  return text;
}

}  // namespace

BootstrapServer::BootstrapServer(BootstrapOptions options, BootstrapEvents events)
    : options_(std::move(options)), events_(std::move(events)) {
  InitLibcoapOnce();
  clock_ = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  token_salt_ = static_cast<uint32_t>(std::random_device{}());
}

BootstrapServer::~BootstrapServer() {
  for (auto& [ep, ex] : exchanges_) {
    if (ex.session) coap_session_release(ex.session);
  }
  if (ctx_) coap_free_context(ctx_);
}

bool BootstrapServer::Start(std::string* error) {
  ctx_ = coap_new_context(nullptr);
  if (ctx_ == nullptr) {
    *error = "cannot create a CoAP context";
    return false;
  }
  coap_set_app_data(ctx_, this);
  coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
  coap_register_response_handler(ctx_, HandleResponse);
  coap_register_nack_handler(ctx_, HandleNack);
  // Every path lands in OnRequest, which answers 4.04 / 4.05 itself.
  coap_resource_t* any = coap_resource_unknown_init2(HandleRequest, 0);
  for (coap_request_t m : {COAP_REQUEST_GET, COAP_REQUEST_POST, COAP_REQUEST_PUT, COAP_REQUEST_DELETE}) {
    coap_register_request_handler(any, m, HandleRequest);
  }
  coap_resource_set_userdata(any, this);
  coap_add_resource(ctx_, any);

  ListenSpec spec;
  spec.address = options_.address;
  spec.udp_port = options_.udp_port;
  spec.dtls_port = options_.dtls_port;
  spec.psk_hint = "lwcl-bootstrap";
  spec.validate_identity = PskKeyFor<BootstrapServer>;
  spec.callback_arg = this;
  return ListenUdpAndDtls(ctx_, spec, &udp_port_, &dtls_port_, error);
}

const std::vector<uint8_t>* BootstrapServer::PskFor(const std::string& identity) {
  if (!options_.psk_lookup) return nullptr;
  std::optional<std::vector<uint8_t>> key = options_.psk_lookup(identity);
  if (!key || key->empty()) return nullptr;
  return &(psk_keys_[identity] = std::move(*key));
}

void BootstrapServer::Step(uint32_t timeout_ms) {
  if (ctx_) coap_io_process(ctx_, timeout_ms == 0 ? COAP_IO_NO_WAIT : timeout_ms);
  // The 2.04 to each Bootstrap-Request went out inside coap_io_process; only
  // now does the server start writing, so the client sees them in order.
  std::vector<std::string> starting;
  starting.swap(to_start_);
  for (const std::string& endpoint : starting) Advance(endpoint);
  RunTimers();
}

void BootstrapServer::Report(BootstrapOutcome outcome) {
  if (events_.on_outcome) events_.on_outcome(outcome);
}

CoapCode BootstrapServer::OnRequest(coap_session_t* session, const CoapMessage& m, std::string* diagnostic) {
  if (m.uri_path != std::vector<std::string>{"bs"}) {
    *diagnostic = "this is a Bootstrap-Server: only POST /bs";
    return CoapCode::kNotFound;
  }
  if (m.code != COAP_REQUEST_CODE_POST) return CoapCode::kMethodNotAllowed;
  BootstrapOutcome refused;
  refused.peer = PeerText(session);
  refused.step = "request";
  const auto refuse = [&](CoapCode code, std::string reason) {
    *diagnostic = reason;
    refused.code = code;
    refused.reason = std::move(reason);
    Report(refused);
    return code;
  };
  const std::optional<std::string> endpoint = QueryValue(m.uri_query, "ep");
  if (!endpoint || endpoint->empty()) {
    return refuse(CoapCode::kBadRequest, "Bootstrap-Request without an endpoint name (ep=)");
  }
  refused.endpoint = *endpoint;
  ContentFormat format = options_.format;
  if (const std::optional<std::string> pct = QueryValue(m.uri_query, "pct")) {
    unsigned number = 0;
    bool numeric = !pct->empty() && pct->size() <= 5;
    for (char c : *pct) {
      numeric = numeric && c >= '0' && c <= '9';
      if (numeric) number = number * 10u + static_cast<unsigned>(c - '0');
    }
    if (!numeric || number > 0xFFFF) return refuse(CoapCode::kBadRequest, "pct= is not a content format number");
    const std::optional<ContentFormat> f = lwm2m::ContentFormatFromNumber(static_cast<uint16_t>(number));
    // Core 5.2.7.1: 4.15 when the preferred format is not supported.
    if (!f || !WritableFormat(*f)) {
      return refuse(CoapCode::kUnsupportedContentFormat, "cannot write content format " + *pct);
    }
    format = *f;
  }
  if (events_.authorize && !events_.authorize(*endpoint, PskIdentityOf(session))) {
    return refuse(CoapCode::kBadRequest, "endpoint not allowed on this connection");
  }
  std::optional<BootstrapConfig> config = events_.provision ? events_.provision(*endpoint) : std::nullopt;
  // Core (Bootstrap-Request): 4.00 Bad Request, "Unknown Endpoint Client Name".
  if (!config) return refuse(CoapCode::kBadRequest, "unknown endpoint client name");

  if (exchanges_.count(*endpoint) != 0) End(*endpoint, false, "superseded by a new Bootstrap-Request", std::nullopt);
  Exchange ex;
  ex.session = coap_session_reference(session);
  ex.peer = refused.peer;
  ex.config = std::move(*config);
  ex.format = format;
  exchanges_.emplace(*endpoint, std::move(ex));
  if (std::find(to_start_.begin(), to_start_.end(), *endpoint) == to_start_.end()) to_start_.push_back(*endpoint);
  return CoapCode::kChanged;
}

void BootstrapServer::Advance(const std::string& endpoint) {
  auto it = exchanges_.find(endpoint);
  if (it == exchanges_.end()) return;
  Exchange& ex = it->second;
  switch (ex.stage) {
    case Stage::kStart: ex.stage = ex.config.delete_all ? Stage::kDeleteAll : Stage::kDeleteSecurity; break;
    case Stage::kDeleteSecurity: ex.stage = Stage::kDeleteServer; break;
    case Stage::kDeleteServer:
    case Stage::kDeleteAll: ex.stage = Stage::kDiscover; break;
    case Stage::kDiscover: ex.stage = Stage::kWriteSecurity; break;
    case Stage::kWriteSecurity: ex.stage = Stage::kWriteServer; break;
    case Stage::kWriteServer: ex.stage = Stage::kFinish; break;
    case Stage::kFinish: End(endpoint, true, "", CoapCode::kChanged); return;
  }
  SendNext(endpoint, ex);
}

bool BootstrapServer::SendNext(const std::string& endpoint, Exchange& ex) {
  coap_pdu_code_t method = COAP_REQUEST_CODE_PUT;
  std::vector<std::string> path;
  std::optional<uint16_t> content_format, accept;
  std::vector<uint8_t> body;
  const auto write = [&](const Path& base, const std::vector<Record>& records) {
    std::vector<uint8_t> out;
    if (std::optional<lwm2m::CodecError> e = lwm2m::Encode(ex.format, base, records, &out)) return e->message;
    body = std::move(out);
    content_format = static_cast<uint16_t>(ex.format);
    return std::string();
  };
  std::string problem;
  switch (ex.stage) {
    case Stage::kDeleteSecurity: method = COAP_REQUEST_CODE_DELETE; path = {"0"}; ex.step = "delete /0"; break;
    case Stage::kDeleteServer: method = COAP_REQUEST_CODE_DELETE; path = {"1"}; ex.step = "delete /1"; break;
    case Stage::kDeleteAll: method = COAP_REQUEST_CODE_DELETE; ex.step = "delete /"; break;
    case Stage::kDiscover:
      method = COAP_REQUEST_CODE_GET;
      path = {"0"};
      accept = static_cast<uint16_t>(ContentFormat::kCoreLinkFormat);
      ex.step = "discover /0";
      break;
    case Stage::kWriteSecurity:
      path = {"0", std::to_string(ex.security_instance)};
      ex.step = "write /0/" + path[1];
      problem = write(Path::Instance(0, ex.security_instance), SecurityRecords(ex.config, ex.security_instance));
      break;
    case Stage::kWriteServer:
      path = {"1", std::to_string(ex.config.server_instance)};
      ex.step = "write /1/" + path[1];
      problem = write(Path::Instance(1, ex.config.server_instance), ServerRecords(ex.config));
      break;
    case Stage::kFinish: method = COAP_REQUEST_CODE_POST; path = {"bs"}; ex.step = "finish"; break;
    case Stage::kStart: return false;
  }
  if (!problem.empty()) {
    End(endpoint, false, "cannot encode the configuration: " + problem, std::nullopt);
    return false;
  }
  coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, method, ex.session);
  if (pdu == nullptr) {
    End(endpoint, false, "cannot build the CoAP request", std::nullopt);
    return false;
  }
  std::vector<uint8_t> token(8);
  const uint64_t t = (uint64_t{token_salt_} << 32) | (++token_counter_ & 0xFFFFFFFFu);
  for (size_t i = 0; i < 8; ++i) token[i] = static_cast<uint8_t>(t >> (56 - 8 * i));
  coap_add_token(pdu, token.size(), token.data());
  uint8_t buf[4];
  // Options in ascending number: Uri-Path 11, Content-Format 12, Accept 17.
  for (const std::string& seg : path) {
    coap_add_option(pdu, COAP_OPTION_URI_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (content_format) {
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *content_format), buf);
  }
  if (accept) coap_add_option(pdu, COAP_OPTION_ACCEPT, coap_encode_var_safe(buf, sizeof buf, *accept), buf);
  if (!body.empty()) coap_add_data(pdu, body.size(), body.data());
  if (coap_send(ex.session, pdu) == COAP_INVALID_MID) {
    End(endpoint, false, "the CoAP request could not be sent", std::nullopt);
    return false;
  }
  ex.token = token;
  ex.deadline = Now() + options_.request_timeout_s;
  by_token_[std::move(token)] = endpoint;
  return true;
}

bool BootstrapServer::OnResponse(const CoapMessage& m) {
  auto t = by_token_.find(m.token);
  if (t == by_token_.end()) return false;
  const std::string endpoint = t->second;
  by_token_.erase(t);
  auto it = exchanges_.find(endpoint);
  if (it == exchanges_.end() || it->second.token != m.token) return true;  // a late answer to an ended exchange
  Exchange& ex = it->second;
  ex.token.clear();
  const auto code = static_cast<CoapCode>(m.code);
  CoapCode expected = CoapCode::kChanged;
  switch (ex.stage) {
    case Stage::kDeleteSecurity:
    case Stage::kDeleteServer:
    case Stage::kDeleteAll: expected = CoapCode::kDeleted; break;
    case Stage::kDiscover:
      // Bootstrap-Discover only tells which Security instance is free; a
      // client that does not support it gets the usual layout (/0/0 for the
      // Bootstrap-Server account, the LwM2M Server at /0/1).
      ex.security_instance = code == CoapCode::kContent ? FreeSecurityInstance(m.payload) : 1;
      Advance(endpoint);
      return true;
    default: break;
  }
  if (code != expected) {
    std::string reason = ex.step + " answered " + lwm2m::CoapCodeText(code);
    if (!m.payload.empty()) reason += ": " + PayloadText(m.payload);
    End(endpoint, false, std::move(reason), code);
    return true;
  }
  Advance(endpoint);
  return true;
}

void BootstrapServer::OnNack(const std::vector<uint8_t>& token, const std::string& why) {
  auto t = by_token_.find(token);
  if (t == by_token_.end()) return;
  const std::string endpoint = t->second;
  by_token_.erase(t);
  auto it = exchanges_.find(endpoint);
  if (it == exchanges_.end() || it->second.token != token) return;
  End(endpoint, false, it->second.step + ": " + why, std::nullopt, true);
}

void BootstrapServer::End(const std::string& endpoint, bool ok, std::string reason, std::optional<CoapCode> code,
                          bool timed_out) {
  auto it = exchanges_.find(endpoint);
  if (it == exchanges_.end()) return;
  Exchange ex = std::move(it->second);
  exchanges_.erase(it);
  if (!ex.token.empty()) by_token_.erase(ex.token);
  to_start_.erase(std::remove(to_start_.begin(), to_start_.end(), endpoint), to_start_.end());
  if (ex.session) coap_session_release(ex.session);
  BootstrapOutcome outcome;
  outcome.endpoint = endpoint;
  outcome.peer = std::move(ex.peer);
  outcome.ok = ok;
  outcome.timed_out = timed_out;
  outcome.step = ok ? "finish" : ex.step;
  outcome.code = code;
  outcome.reason = std::move(reason);
  Report(std::move(outcome));
}

void BootstrapServer::RunTimers() {
  const double now = Now();
  std::vector<std::string> late;
  for (const auto& [endpoint, ex] : exchanges_) {
    if (!ex.token.empty() && ex.deadline <= now) late.push_back(endpoint);
  }
  for (const std::string& endpoint : late) {
    const std::string step = exchanges_.at(endpoint).step;
    End(endpoint, false, step + ": no answer in time", std::nullopt, true);
  }
}

}  // namespace lwcl::server
