// CoapCode: the CoAP response codes the client's data-model operations
// answer with. The enum lives in the lwm2m core (both ends share it); this
// header brings it into the client's namespace.
#ifndef LWCL_CLIENT_COAP_CODE_H_
#define LWCL_CLIENT_COAP_CODE_H_

#include "lwm2m/coap_code.h"

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::CoapCodeText;
using lwm2m::IsSuccess;

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_COAP_CODE_H_
