// CoapCode: the CoAP response codes the client's data-model operations
// answer with (class << 5 | detail, as on the wire), so the DM dispatch can be
// tested without a network and the CoAP layer copies the number verbatim.
#ifndef LWCL_CLIENT_COAP_CODE_H_
#define LWCL_CLIENT_COAP_CODE_H_

#include <cstdint>
#include <string>

namespace lwcl::client {

enum class CoapCode : uint8_t {
  kCreated = 65,                   // 2.01
  kDeleted = 66,                   // 2.02
  kChanged = 68,                   // 2.04
  kContent = 69,                   // 2.05
  kBadRequest = 128,               // 4.00
  kNotFound = 132,                 // 4.04
  kMethodNotAllowed = 133,         // 4.05
  kNotAcceptable = 134,            // 4.06
  kRequestEntityTooLarge = 141,    // 4.13
  kUnsupportedContentFormat = 143, // 4.15
  kInternalServerError = 160,      // 5.00
};

inline bool IsSuccess(CoapCode c) { return (static_cast<uint8_t>(c) >> 5) == 2; }
// "2.05", "4.04", ...
std::string CoapCodeText(CoapCode c);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_COAP_CODE_H_
