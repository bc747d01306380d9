// Registration: what the server knows of one registered LwM2M client, and the
// parsing of the Register / Update requests that create and refresh it
// (Core spec 6.2.1-6.2.2):
//   Register  POST /rd?ep=<name>&lt=<s>&lwm2m=<v>&b=<binding>[&Q][&sms=..]
//             payload: the object list in CoRE link format
//   Update    POST /rd/<location>[?lt=..&b=..]  payload optional
// Parsing is strict: unknown parameters are ignored as the spec allows,
// but a Register without `ep`, a non-numeric or non-positive lifetime, a
// binding outside U/M/H/T/S/N(+Q) or an object list that is not link format is
// refused with the reason, so a bad client gets 4.00 and a message.
#ifndef LWCL_SERVER_REGISTRATION_H_
#define LWCL_SERVER_REGISTRATION_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/link_format.h"

namespace lwcl::server {

struct Registration {
  std::string endpoint;
  std::string location;   // the id after /rd/
  int64_t lifetime_s = 86400;
  std::string binding = "U";
  std::string version = "1.0";
  std::string object_links;  // the link-format text the client sent
  // The data formats its root link `</>;ct=...` advertises, in its order
  // (content_negotiation.h); derived from object_links whenever it changes.
  std::vector<lwm2m::ContentFormat> content_formats;
  std::string peer;          // "ip:port" the last message came from
  bool secure = false;       // arrived over DTLS
  double registered_at = 0;  // seconds since the Unix epoch
  double updated_at = 0;

  // Queue mode: the 1.0 binding "UQ" or the 1.1 `Q` parameter.
  bool queue_mode = false;
  double ExpiresAt() const { return updated_at + static_cast<double>(lifetime_s); }
};

// The parameters of a Register or Update request; what is absent stays
// nullopt (an Update changes only what it names).
struct RegisterParams {
  std::optional<std::string> endpoint;
  std::optional<int64_t> lifetime_s;
  std::optional<std::string> binding;
  std::optional<std::string> version;
  bool queue_mode = false;
};

// Parses the Uri-Query of a Register or Update. Returns the reason on error.
std::optional<std::string> ParseRegisterQuery(std::span<const std::string> queries, RegisterParams* out);

// Checks an object list (`</1/0>,</3/0>,...`); returns the reason on error.
std::optional<std::string> ValidateObjectLinks(std::string_view text, std::vector<lwm2m::Link>* out);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_REGISTRATION_H_
