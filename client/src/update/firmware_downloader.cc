#include "client/firmware_downloader.h"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <mutex>

namespace lwcl::client {

namespace {

void InitLibcoapOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_level(LOG_EMERG);  // failures come back as Update Results, not log lines
  });
}

bool IsSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
         c == '.';
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

bool SplitDecoded(std::string_view text, char sep, std::vector<std::string>* out) {
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    std::string seg;
    if (!PercentDecode(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start),
                       &seg)) {
      return false;
    }
    out->push_back(std::move(seg));
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

}  // namespace

FwResult ParseDownloadUri(std::string_view text, DownloadUri* out) {
  *out = DownloadUri{};
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return FwResult::kInvalidUri;
  std::string scheme;
  for (char c : text.substr(0, sep)) {
    if (!IsSchemeChar(c)) return FwResult::kInvalidUri;
    scheme.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  if (!(scheme[0] >= 'a' && scheme[0] <= 'z')) return FwResult::kInvalidUri;
  std::string_view rest = text.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) return FwResult::kInvalidUri;  // CoAP URIs have no fragment
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return FwResult::kInvalidUri;
  }
  const size_t auth_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, auth_end);
  rest = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return FwResult::kInvalidUri;

  std::string_view host;
  std::string_view port_text;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return FwResult::kInvalidUri;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return FwResult::kInvalidUri;
      port_text = after.substr(1);
    }
    in6_addr a6{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &a6) != 1) return FwResult::kInvalidUri;
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (host.empty()) return FwResult::kInvalidUri;
    for (char c : host) {
      if (!IsHostChar(c)) return FwResult::kInvalidUri;
    }
  }
  uint32_t port = 5683;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return FwResult::kInvalidUri;
    port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return FwResult::kInvalidUri;
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return FwResult::kInvalidUri;
  }
  // The scheme is checked after the syntax, so "https://host/x" is a usable
  // URI in a protocol we lack (9) while "https:/x" is simply invalid (7).
  if (scheme != "coap" && scheme != "coaps") return FwResult::kUnsupportedProtocol;

  DownloadUri uri;
  uri.secure = scheme == "coaps";
  if (port_text.empty() && uri.secure) port = 5684;
  uri.host = std::string(host);
  uri.port = static_cast<uint16_t>(port);
  const size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);
  // RFC 7252 6.4: an empty path or "/" carries no Uri-Path option.
  if (path.size() > 1) {
    if (!SplitDecoded(path.substr(1), '/', &uri.path)) return FwResult::kInvalidUri;
  }
  if (!query.empty()) {
    if (!SplitDecoded(query, '&', &uri.query)) return FwResult::kInvalidUri;
  }
  *out = std::move(uri);
  return FwResult::kInitial;
}

struct FirmwareDownloader::Impl {
  coap_context_t* ctx = nullptr;
  coap_session_t* session = nullptr;
  Callback done;
  size_t max_size = 0;
  std::chrono::steady_clock::time_point deadline;
  bool finished = false;
  DownloadOutcome outcome;

  ~Impl() {
    if (session != nullptr) coap_session_release(session);
    if (ctx != nullptr) coap_free_context(ctx);
  }

  void Finish(FwResult result, uint8_t code) {
    if (finished) return;
    finished = true;
    outcome.result = result;
    outcome.coap_code = code;
    if (result != FwResult::kInitial) outcome.data.clear();
  }
};

namespace {

FirmwareDownloader::Impl* ImplOf(coap_session_t* session) {
  return static_cast<FirmwareDownloader::Impl*>(coap_session_get_app_data(session));
}

coap_response_t OnResponse(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received, const coap_mid_t) {
  FirmwareDownloader::Impl* impl = ImplOf(session);
  if (impl == nullptr || impl->finished) return COAP_RESPONSE_OK;
  const auto code = static_cast<uint8_t>(coap_pdu_get_code(received));
  if ((code >> 5) != 2) {
    impl->Finish(FwResult::kConnectionLost, code);
    return COAP_RESPONSE_OK;
  }
  size_t len = 0;
  size_t offset = 0;
  size_t total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(received, &len, &data, &offset, &total) && data != nullptr) {
    // COAP_BLOCK_SINGLE_BODY: libcoap hands over the reassembled body once.
    if (total > impl->max_size || offset + len > impl->max_size) {
      impl->Finish(FwResult::kNotEnoughFlash, code);
      return COAP_RESPONSE_OK;
    }
    impl->outcome.data.assign(data, data + len);
  }
  impl->Finish(FwResult::kInitial, code);
  return COAP_RESPONSE_OK;
}

void OnNack(coap_session_t* session, const coap_pdu_t*, const coap_nack_reason_t, const coap_mid_t) {
  // Retransmissions exhausted, an RST, an ICMP error: the server is gone.
  if (FirmwareDownloader::Impl* impl = ImplOf(session)) impl->Finish(FwResult::kConnectionLost, 0);
}

bool Resolve(const std::string& host, uint16_t port, coap_address_t* addr) {
  coap_address_init(addr);
  if (inet_pton(AF_INET, host.c_str(), &addr->addr.sin.sin_addr) == 1) {
    addr->addr.sin.sin_family = AF_INET;
    addr->addr.sin.sin_port = htons(port);
    addr->size = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &addr->addr.sin6.sin6_addr) == 1) {
    addr->addr.sin6.sin6_family = AF_INET6;
    addr->addr.sin6.sin6_port = htons(port);
    addr->size = sizeof(sockaddr_in6);
    return true;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return false;
  bool ok = false;
  for (addrinfo* ai = res; ai != nullptr && !ok; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
      std::memcpy(&addr->addr.sin, ai->ai_addr, sizeof(sockaddr_in));
      addr->addr.sin.sin_port = htons(port);
      addr->size = sizeof(sockaddr_in);
      ok = true;
    } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
      std::memcpy(&addr->addr.sin6, ai->ai_addr, sizeof(sockaddr_in6));
      addr->addr.sin6.sin6_port = htons(port);
      addr->size = sizeof(sockaddr_in6);
      ok = true;
    }
  }
  freeaddrinfo(res);
  return ok;
}

void AddStringOption(coap_pdu_t* pdu, uint16_t number, const std::string& value) {
  coap_add_option(pdu, number, value.size(), reinterpret_cast<const uint8_t*>(value.data()));
}

}  // namespace

FirmwareDownloader::FirmwareDownloader(DownloadOptions options) : options_(options) { InitLibcoapOnce(); }

FirmwareDownloader::~FirmwareDownloader() = default;

FwResult FirmwareDownloader::Start(std::string_view uri_text, Callback done) {
  Cancel();
  DownloadUri uri;
  if (FwResult r = ParseDownloadUri(uri_text, &uri); r != FwResult::kInitial) return r;
  if (uri.secure && (options_.psk_key.empty() || !coap_dtls_is_supported())) return FwResult::kUnsupportedProtocol;
  coap_address_t addr;
  if (!Resolve(uri.host, uri.port, &addr)) return FwResult::kInvalidUri;

  auto impl = std::make_unique<Impl>();
  impl->max_size = options_.max_size;
  impl->done = std::move(done);
  impl->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.overall_timeout_ms);
  impl->ctx = coap_new_context(nullptr);
  if (impl->ctx == nullptr) return FwResult::kConnectionLost;
  coap_context_set_block_mode(impl->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
  coap_register_response_handler(impl->ctx, OnResponse);
  coap_register_nack_handler(impl->ctx, OnNack);
  if (uri.secure) {
    coap_dtls_cpsk_t setup;
    std::memset(&setup, 0, sizeof setup);
    setup.version = COAP_DTLS_CPSK_SETUP_VERSION;
    setup.psk_info.identity = {options_.psk_identity.size(), options_.psk_identity.data()};
    setup.psk_info.key = {options_.psk_key.size(), options_.psk_key.data()};
    impl->session = coap_new_client_session_psk2(impl->ctx, nullptr, &addr, COAP_PROTO_DTLS, &setup);
  } else {
    impl->session = coap_new_client_session(impl->ctx, nullptr, &addr, COAP_PROTO_UDP);
  }
  if (impl->session == nullptr) return FwResult::kConnectionLost;
  coap_session_set_app_data(impl->session, impl.get());
  const coap_fixed_point_t ack{static_cast<uint16_t>(options_.ack_timeout_ms / 1000),
                               static_cast<uint16_t>(options_.ack_timeout_ms % 1000)};
  coap_session_set_ack_timeout(impl->session, ack);
  coap_session_set_max_retransmit(impl->session, options_.max_retransmit);

  coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, impl->session);
  if (pdu == nullptr) return FwResult::kConnectionLost;
  uint8_t token[8];
  size_t token_len = 0;
  coap_session_new_token(impl->session, &token_len, token);
  coap_add_token(pdu, token_len, token);
  for (const std::string& seg : uri.path) AddStringOption(pdu, COAP_OPTION_URI_PATH, seg);
  for (const std::string& q : uri.query) AddStringOption(pdu, COAP_OPTION_URI_QUERY, q);
  if (coap_send(impl->session, pdu) == COAP_INVALID_MID) return FwResult::kConnectionLost;
  impl_ = std::move(impl);
  return FwResult::kInitial;
}

void FirmwareDownloader::Pump() {
  if (!impl_) return;
  if (!impl_->finished) coap_io_process(impl_->ctx, COAP_IO_NO_WAIT);
  if (!impl_->finished && std::chrono::steady_clock::now() > impl_->deadline) {
    impl_->Finish(FwResult::kConnectionLost, 0);
  }
  if (!impl_->finished) return;
  // Tear the context down outside libcoap's own call stack, then report:
  // the callback may start the next download.
  std::unique_ptr<Impl> finished = std::move(impl_);
  Callback done = std::move(finished->done);
  DownloadOutcome outcome = std::move(finished->outcome);
  finished.reset();
  if (done) done(std::move(outcome));
}

void FirmwareDownloader::Cancel() { impl_.reset(); }

bool FirmwareDownloader::busy() const { return impl_ != nullptr; }

}  // namespace lwcl::client
