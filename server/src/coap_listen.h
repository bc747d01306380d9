// ListenUdpAndDtls: opens a libcoap context's server endpoints, as both the
// LwM2M server and the bootstrap server need them: UDP on a numeric IPv4
// address and port (0: any free), and, when a DTLS port is given, DTLS-PSK
// with the caller's identity callback. Internal to server/ (libcoap types).
//
// It promises: on success the bound ports (the real ones when 0 was asked
// for) are in *udp_port and *dtls_port (0 when DTLS is off); on failure
// false with a reason a person can act on ("in use?", not an IPv4 address).
#ifndef LWCL_SERVER_SRC_COAP_LISTEN_H_
#define LWCL_SERVER_SRC_COAP_LISTEN_H_

#include <coap3/coap.h>

#include <cstdint>
#include <optional>
#include <string>

namespace lwcl::server {

struct ListenSpec {
  std::string address;
  uint16_t udp_port = 0;
  std::optional<uint16_t> dtls_port;
  const char* psk_hint = "";
  coap_dtls_id_callback_t validate_identity = nullptr;
  void* callback_arg = nullptr;
};

bool ListenUdpAndDtls(coap_context_t* ctx, const ListenSpec& spec, uint16_t* udp_port, uint16_t* dtls_port,
                      std::string* error);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_SRC_COAP_LISTEN_H_
