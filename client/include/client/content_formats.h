// ContentFormats: the data formats one client reads and writes, and the ones
// it advertises to servers with `ct` on the root link of its Register
// payload (`</>;rt="oma.lwm2m";ct=110`, Core spec 6.2.1).
//
// LwCL's client speaks every format lwm2m/ encodes and advertises none (the
// server then assumes its defaults). A narrower set models a constrained or
// third-party client: a format outside `supported` is 4.06 as an Accept and
// 4.15 as a request body. Plain text and opaque are always supported, as
// the spec requires of every client (link format is for Discover and
// registration, not a data format, so Supports says no to it).
//
// It promises: Supports is a pure lookup; DefaultFor never returns a format
// the client does not support.
#ifndef LWCL_CLIENT_CONTENT_FORMATS_H_
#define LWCL_CLIENT_CONTENT_FORMATS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/link_format.h"

namespace lwcl::client {

struct ContentFormats {
  // Empty: all of text, opaque, CBOR, TLV, SenML JSON, SenML CBOR, LwM2M CBOR.
  std::vector<lwm2m::ContentFormat> supported{};
  // Named in `</>;ct=` in this order (the first is the preferred); empty:
  // no root link is sent.
  std::vector<lwm2m::ContentFormat> advertised{};

  // Whether DM payloads (requests and answers) may use this data format.
  bool Supports(uint16_t number) const;
  // The format an answer takes when the request has no Accept: plain text
  // (opaque for an Opaque value) for one value, else the first advertised
  // format that carries several, else SenML CBOR (TLV when that is not
  // supported).
  lwm2m::ContentFormat DefaultFor(bool single_value, bool opaque) const;
  // `</>;rt="oma.lwm2m";ct=...` when something is advertised.
  std::optional<lwm2m::Link> RootLink() const;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_CONTENT_FORMATS_H_
