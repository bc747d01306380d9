#include "coap_transport.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <string_view>

namespace lwcl::client {
namespace {

bool Readable(const std::string& file) { return !file.empty() && access(file.c_str(), R_OK) == 0; }

}  // namespace

void ReleaseOwnedBody(coap_session_t*, void* app_ptr) { delete static_cast<std::vector<uint8_t>*>(app_ptr); }

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
    coap_add_data_large_request(session, pdu, body->size(), body->data(), ReleaseOwnedBody, body);
  }
  return coap_send(session, pdu) != COAP_INVALID_MID;
}

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

}  // namespace lwcl::client
