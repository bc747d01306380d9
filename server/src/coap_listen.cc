#include "coap_listen.h"

#include <arpa/inet.h>

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

}  // namespace

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
