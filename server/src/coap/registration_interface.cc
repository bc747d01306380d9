// The LwM2M server's registration interface (Register, Update,
// De-register) and Send intake: the requests clients make of the server.
#include "server/lwm2m_server.h"

#include <coap3/coap.h>

#include <algorithm>
#include <chrono>

#include "coap_endpoint.h"
#include "server/content_negotiation.h"

namespace lwcl::server {

void Lwm2mServer::HandleRegister(coap_session_t* session, const CoapMessage& m, CoapAnswer* a) {
  RegisterParams params;
  if (auto err = ParseRegisterQuery(m.uri_query, &params)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = *err;
    return;
  }
  if (!params.endpoint) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = "Register without an endpoint name (ep=)";
    return;
  }
  if (params.version && *params.version != "1.0" && *params.version != "1.1" && *params.version != "1.2") {
    a->code = lwm2m::CoapCode::kPreconditionFailed;
    a->diagnostic = "unsupported LwM2M version " + *params.version;
    return;
  }
  const std::string links(m.payload.begin(), m.payload.end());
  std::vector<lwm2m::Link> parsed;
  if (auto err = ValidateObjectLinks(links, &parsed)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = *err;
    return;
  }
  const bool secure = coap_session_get_proto(session) == COAP_PROTO_DTLS;
  if (events_.authorize && !events_.authorize(*params.endpoint, secure ? PskIdentityOf(session) : std::string())) {
    a->code = lwm2m::CoapCode::kForbidden;
    a->diagnostic = "endpoint not allowed";
    return;
  }
  std::optional<Registration> replaced;
  const Registration& r = table_.Register(params, links, PeerText(session), secure, Now(), &replaced);
  a->code = lwm2m::CoapCode::kCreated;
  a->location_path = {"rd", r.location};
  const std::string endpoint = r.endpoint;
  if (replaced) {
    // Requests in flight belonged to the old registration's session.
    if (events_.on_deregistered) events_.on_deregistered(*replaced, DeregisterReason::kReplaced);
  }
  Heard(endpoint, session);
  if (events_.on_registered) events_.on_registered(*table_.FindEndpoint(endpoint));
  Reobserve(endpoint);  // the client forgot its observations when it registered anew
  FlushQueue(endpoint);
}

void Lwm2mServer::HandleUpdate(coap_session_t* session, const std::string& location, const CoapMessage& m,
                               CoapAnswer* a) {
  RegisterParams params;
  if (auto err = ParseRegisterQuery(m.uri_query, &params)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = *err;
    return;
  }
  std::optional<std::string> links;
  if (!m.payload.empty()) {
    links.emplace(m.payload.begin(), m.payload.end());
    std::vector<lwm2m::Link> parsed;
    if (auto err = ValidateObjectLinks(*links, &parsed)) {
      a->code = lwm2m::CoapCode::kBadRequest;
      a->diagnostic = *err;
      return;
    }
  }
  const Registration* r = table_.Update(location, params, std::move(links), PeerText(session), Now());
  if (r == nullptr) {
    a->code = lwm2m::CoapCode::kNotFound;  // the client registers again
    return;
  }
  a->code = lwm2m::CoapCode::kChanged;
  const std::string endpoint = r->endpoint;
  Heard(endpoint, session);
  if (events_.on_updated) events_.on_updated(*r);
  FlushQueue(endpoint);
}

void Lwm2mServer::HandleDeregister(const std::string& location, CoapAnswer* a) {
  std::optional<Registration> r = table_.Deregister(location);
  if (!r) {
    a->code = lwm2m::CoapCode::kNotFound;
    return;
  }
  a->code = lwm2m::CoapCode::kDeleted;
  Dropped(*r, DeregisterReason::kDeregistered);
}

void Lwm2mServer::HandleSend(coap_session_t* session, const CoapMessage& m, CoapAnswer* a) {
  // The sender is the registered endpoint whose session (or address) this is.
  std::string endpoint;
  if (auto known = endpoint_by_session_.find(session); known != endpoint_by_session_.end()) {
    endpoint = known->second;
  } else {
    // Not heard on this session yet (e.g. the first message after a restart):
    // match the address the registration was made from. Rare, so a scan.
    const std::string from = PeerText(session);
    for (const Registration& r : table_.All()) {
      if (r.peer == from) endpoint = r.endpoint;
    }
  }
  if (endpoint.empty()) {
    a->code = lwm2m::CoapCode::kForbidden;
    a->diagnostic = "Send from a client that is not registered";
    return;
  }
  const auto format = m.content_format ? lwm2m::ContentFormatFromNumber(*m.content_format) : std::nullopt;
  if (!format || (*format != lwm2m::ContentFormat::kSenmlCbor && *format != lwm2m::ContentFormat::kSenmlJson &&
                  *format != lwm2m::ContentFormat::kLwm2mCbor)) {
    a->code = lwm2m::CoapCode::kUnsupportedContentFormat;
    return;
  }
  std::vector<lwm2m::Record> records;
  if (auto err = lwm2m::Decode(*format, m.payload, lwm2m::Path::Root(), objects_.Resolver(), &records)) {
    a->code = lwm2m::CoapCode::kBadRequest;
    a->diagnostic = err->message;
    return;
  }
  a->code = lwm2m::CoapCode::kChanged;
  Heard(endpoint, session);
  if (events_.on_send) {
    SendAnswer answer = events_.on_send(endpoint, records);
    a->code = answer.code;
    a->diagnostic = std::move(answer.diagnostic);
  }
  FlushQueue(endpoint);
}

}  // namespace lwcl::server
