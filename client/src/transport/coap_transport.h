// CoapTransport: the client's libcoap plumbing, below every LwM2M interface.
//
// libcoap started once (logging off), tokens, IPv4 addresses and bound
// ports, a received request as a DmRequest, a CON request built from an
// OutgoingRequest (body sent block-wise when large), and client sessions:
// UDP, DTLS-PSK or DTLS with certificates (PkiSetup's strings stay the
// caller's: libcoap keeps the pointers, so the credentials must outlive the
// session or endpoint). Private to client/src.
#ifndef LWCL_CLIENT_SRC_TRANSPORT_COAP_TRANSPORT_H_
#define LWCL_CLIENT_SRC_TRANSPORT_COAP_TRANSPORT_H_

#include <coap3/coap.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/dm_request.h"
#include "client/registration.h"
#include "client/security_object.h"

namespace lwcl::client {

void InitLibcoapOnce();
// libcoap's release callback for a body handed over as a heap
// std::vector<uint8_t> (app_ptr): it is deleted once libcoap is done with it.
void ReleaseOwnedBody(coap_session_t*, void* app_ptr);
std::string OptionText(coap_opt_t* opt);
std::vector<uint8_t> TokenOf(const coap_pdu_t* pdu);
std::vector<uint8_t> NewToken(coap_session_t* session);
// False unless `host` is a numeric IPv4 address.
bool ToAddress(const std::string& host, uint16_t port, coap_address_t* addr);
// The port an endpoint is bound to (the real one when 0 was asked for).
uint16_t BoundPort(const coap_endpoint_t* ep);
// A request's method, Uri-Path/Query, Accept, Content-Format and payload;
// *size1 gets the Size1 option or the announced total of a block-wise body.
DmRequest FromPdu(const coap_pdu_t* pdu, std::optional<size_t>* size1);
// Builds and sends a CON request; false when it could not be sent. *token
// is the token it carries.
bool SendRequest(coap_session_t* session, const OutgoingRequest& out, std::vector<uint8_t>* token);
coap_dtls_pki_t PkiSetup(const PkiCredentials& pki);
// Certificate and key readable, and a CA unless the peer goes unverified.
bool UsablePki(const PkiCredentials& pki);
// A client session to `server` (UDP, or DTLS with its certificate or PSK);
// nullptr on failure.
coap_session_t* OpenSession(coap_context_t* ctx, Endpoint& server);
// The Endpoint a Security /0 account describes (numeric IPv4 only; coaps
// only with Security Mode 0, PSK).
std::optional<Endpoint> EndpointOf(const ServerAccount& account);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_SRC_TRANSPORT_COAP_TRANSPORT_H_
