// CoapEndpoint: the libcoap plumbing the LwM2M server and the bootstrap
// server share, so the two servers differ only in what they answer.
//
//   - InitLibcoapOnce: libcoap started once per process, its logging off
//     (errors come back as CoAP codes and messages, not log lines);
//   - CoapMessage / DecodePdu: a received request or answer as plain values;
//   - PeerText / PskIdentityOf: who sent it;
//   - PskKeyFor<Server>: the DTLS-PSK identity callback over Server::PskFor;
//   - ListenUdpAndDtls: opens the server endpoints: UDP on a numeric IPv4
//     address and port (0: any free), and, when a DTLS port is given,
//     DTLS-PSK with the caller's identity callback. On success the bound
//     ports (the real ones when 0 was asked for) are in *udp_port and
//     *dtls_port (0 when DTLS is off); on failure false with a reason a person
//     can act on ("in use?", not an IPv4 address).
// Internal to server/ (libcoap types).
#ifndef LWCL_SERVER_SRC_COAP_COAP_ENDPOINT_H_
#define LWCL_SERVER_SRC_COAP_COAP_ENDPOINT_H_

#include <coap3/coap.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap_code.h"

namespace lwcl::server {

void InitLibcoapOnce();

// A decoded PDU: the options the servers look at, token and payload.
struct CoapMessage {
  uint8_t code = 0;
  std::vector<std::string> uri_path;
  std::vector<std::string> uri_query;
  std::vector<std::string> location_path;
  std::optional<uint16_t> content_format;
  std::optional<uint32_t> observe;
  std::vector<uint8_t> token;
  std::vector<uint8_t> payload;
};

CoapMessage DecodePdu(const coap_pdu_t* pdu);

// What a server answers to a request: code, Location-Path, and a short
// reason with 4.xx answers (RFC 7252 5.5.2).
struct CoapAnswer {
  lwm2m::CoapCode code = lwm2m::CoapCode::kNotFound;
  std::vector<std::string> location_path;
  std::string diagnostic;
  // A body for a GET (sent block-wise by libcoap when it is large), with
  // its Content-Format.
  std::shared_ptr<const std::vector<uint8_t>> body;
  uint16_t content_format = 0;
};
std::vector<uint8_t> TokenOf(const coap_pdu_t* pdu);

// "127.0.0.1:56830", or "" when libcoap knows no remote address.
std::string PeerText(coap_session_t* session);
// The DTLS-PSK identity the peer presented; "" over plain UDP.
std::string PskIdentityOf(coap_session_t* session);

// libcoap copies the key before its next callback, so one slot per thread
// holds it in between.
const coap_bin_const_t* KeySlot(const std::vector<uint8_t>& key);

// The validate-identity callback for ListenSpec: arg is the Server, whose
// PskFor(identity) returns the key or nullptr (unknown: the handshake fails).
template <class Server>
const coap_bin_const_t* PskKeyFor(coap_bin_const_t* identity, coap_session_t*, void* arg) {
  const std::vector<uint8_t>* key = static_cast<Server*>(arg)->PskFor(
      std::string(reinterpret_cast<const char*>(identity->s), identity->length));
  return key == nullptr ? nullptr : KeySlot(*key);
}

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

#endif  // LWCL_SERVER_SRC_COAP_COAP_ENDPOINT_H_
