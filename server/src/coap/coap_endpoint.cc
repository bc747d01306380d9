#include "coap_endpoint.h"

#include <arpa/inet.h>

#include <mutex>
#include <string_view>

namespace lwcl::server {
namespace {

// "127.0.0.1:5683" -> 5683: libcoap 4.3.1 has no getter for the bound port.
uint16_t BoundPort(coap_endpoint_t* ep) {
  const std::string_view text = coap_endpoint_str(ep);
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return 0;
  unsigned port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') break;
    port = port * 10u + static_cast<unsigned>(c - '0');
  }
  return static_cast<uint16_t>(port);
}

std::string OptionText(coap_opt_t* opt) {
  return std::string(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
}

}  // namespace

void InitLibcoapOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    coap_dtls_set_log_level(LOG_EMERG);
  });
}

std::vector<uint8_t> TokenOf(const coap_pdu_t* pdu) {
  const coap_bin_const_t token = coap_pdu_get_token(pdu);
  return std::vector<uint8_t>(token.s, token.s + token.length);
}

CoapMessage DecodePdu(const coap_pdu_t* pdu) {
  CoapMessage m;
  m.code = static_cast<uint8_t>(coap_pdu_get_code(pdu));
  m.token = TokenOf(pdu);
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

std::string PskIdentityOf(coap_session_t* session) {
  if (coap_session_get_proto(session) != COAP_PROTO_DTLS) return "";
  const coap_bin_const_t* id = coap_session_get_psk_identity(session);
  return id == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(id->s), id->length);
}

const coap_bin_const_t* KeySlot(const std::vector<uint8_t>& key) {
  thread_local coap_bin_const_t out;
  out.s = key.data();
  out.length = key.size();
  return &out;
}

bool ListenUdpAndDtls(coap_context_t* ctx, const ListenSpec& spec, uint16_t* udp_port, uint16_t* dtls_port,
                      std::string* error) {
  *udp_port = 0;
  *dtls_port = 0;
  coap_address_t addr;
  coap_address_init(&addr);
  addr.addr.sin.sin_family = AF_INET;
  addr.size = sizeof(struct sockaddr_in);
  if (inet_pton(AF_INET, spec.address.c_str(), &addr.addr.sin.sin_addr) != 1) {
    *error = "not a numeric IPv4 address: " + spec.address;
    return false;
  }
  addr.addr.sin.sin_port = htons(spec.udp_port);
  coap_endpoint_t* udp = coap_new_endpoint(ctx, &addr, COAP_PROTO_UDP);
  if (udp == nullptr) {
    *error = "cannot listen on UDP " + spec.address + ":" + std::to_string(spec.udp_port) + " (in use?)";
    return false;
  }
  *udp_port = BoundPort(udp);
  if (!spec.dtls_port) return true;
  if (!coap_dtls_is_supported()) {
    *error = "this libcoap has no DTLS support";
    return false;
  }
  coap_dtls_spsk_t spsk{};
  spsk.version = COAP_DTLS_SPSK_SETUP_VERSION;
  spsk.validate_id_call_back = spec.validate_identity;
  spsk.id_call_back_arg = spec.callback_arg;
  spsk.psk_info.hint.s = reinterpret_cast<const uint8_t*>(spec.psk_hint);
  spsk.psk_info.hint.length = std::string_view(spec.psk_hint).size();
  if (!coap_context_set_psk2(ctx, &spsk)) {
    *error = "cannot set up DTLS-PSK";
    return false;
  }
  addr.addr.sin.sin_port = htons(*spec.dtls_port);
  coap_endpoint_t* dtls = coap_new_endpoint(ctx, &addr, COAP_PROTO_DTLS);
  if (dtls == nullptr) {
    *error = "cannot listen on DTLS " + spec.address + ":" + std::to_string(*spec.dtls_port) + " (in use?)";
    return false;
  }
  *dtls_port = BoundPort(dtls);
  return true;
}

}  // namespace lwcl::server
