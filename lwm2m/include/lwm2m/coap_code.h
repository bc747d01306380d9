// CoapCode: the CoAP response codes LwM2M operations answer with (class << 5
// | detail, exactly the byte on the wire), shared by both ends so the data
// model can be tested without a network and the CoAP layers copy the number
// verbatim. Codes not listed here still travel as their numeric value.
#ifndef LWCL_LWM2M_COAP_CODE_H_
#define LWCL_LWM2M_COAP_CODE_H_

#include <cstdint>
#include <string>

namespace lwcl::lwm2m {

enum class CoapCode : uint8_t {
  kCreated = 65,                    // 2.01
  kDeleted = 66,                    // 2.02
  kValid = 67,                      // 2.03
  kChanged = 68,                    // 2.04
  kContent = 69,                    // 2.05
  kContinue = 95,                   // 2.31
  kBadRequest = 128,                // 4.00
  kUnauthorized = 129,              // 4.01
  kBadOption = 130,                 // 4.02
  kForbidden = 131,                 // 4.03
  kNotFound = 132,                  // 4.04
  kMethodNotAllowed = 133,          // 4.05
  kNotAcceptable = 134,             // 4.06
  kRequestEntityIncomplete = 136,   // 4.08
  kPreconditionFailed = 140,        // 4.12
  kRequestEntityTooLarge = 141,     // 4.13
  kUnsupportedContentFormat = 143,  // 4.15
  kInternalServerError = 160,       // 5.00
  kServiceUnavailable = 163,        // 5.03
  kGatewayTimeout = 164,            // 5.04
};

inline bool IsSuccess(CoapCode c) { return (static_cast<uint8_t>(c) >> 5) == 2; }
// "2.05", "4.04", ...
std::string CoapCodeText(CoapCode c);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_COAP_CODE_H_
