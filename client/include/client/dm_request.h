// DmRequest / HandleDmRequest: one CoAP request from the LwM2M server,
// reduced to what the data model needs, and the response it gets — the
// mapping of CoAP methods onto LwM2M operations (Core spec 6.3/8.2):
//   GET  Accept 40            -> Discover
//   GET                       -> Read (encoded in Accept, else a default)
//   PUT  with Uri-Query only  -> Write-Attributes
//   PUT  with payload         -> Write (replace)
//   POST on /o                -> Create
//   POST on /o/i              -> Write (partial update)
//   POST on /o/i/r            -> Execute (payload = arguments)
//   DELETE on /o/i            -> Delete
//   FETCH  on /  (path list)  -> Read-Composite (Core 6.3.x, LwM2M 1.1)
//   iPATCH on /  (records)    -> Write-Composite
// Content negotiation: an Accept the client cannot encode, or one outside
// the registry's ContentFormats, is 4.06; a request Content-Format it cannot
// decode is 4.15; a malformed payload 4.00.
// Composite operations take and give only the hierarchical formats that
// carry absolute paths: SenML JSON (110), SenML CBOR (112, the default
// answer) and LwM2M CBOR (11544); a FETCH/iPATCH elsewhere than "/" is 4.05.
// A Read-Composite lists paths (SenML: records with names only; LwM2M CBOR:
// the paths as keys with null values or empty maps); paths that do not exist
// or cannot be read are skipped and only when none can be read is the answer
// an error (4.04). Write-Composite checks every record before writing any
// (see Registry::WriteComposite), so a refused one changes nothing; 2.04.
// Observe-Composite is FETCH on "/" with Observe: the CoAP layer parses the
// body with ParseCompositePaths, starts ObserveScheduler::AddComposite and
// answers with ReadCompositeAndEncode.
// No network here: the CoAP layer (client.h) fills a DmRequest from libcoap.
#ifndef LWCL_CLIENT_DM_REQUEST_H_
#define LWCL_CLIENT_DM_REQUEST_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lwm2m/coap_code.h"
#include "client/registry.h"

namespace lwcl::client {

enum class CoapMethod : uint8_t { kGet = 1, kPost = 2, kPut = 3, kDelete = 4, kFetch = 5, kPatch = 6, kIPatch = 7 };

struct DmRequest {
  CoapMethod method = CoapMethod::kGet;
  std::vector<std::string> uri_path;  // segments, e.g. {"3", "0", "1"}
  std::vector<std::string> uri_query;
  std::optional<uint16_t> accept;
  std::optional<uint16_t> content_format;
  std::vector<uint8_t> payload;
};

struct DmResponse {
  lwm2m::CoapCode code = lwm2m::CoapCode::kInternalServerError;
  std::optional<uint16_t> content_format;
  std::vector<uint8_t> payload;
  std::vector<std::string> location_path;  // set for a 2.01 Create
};

// The format a Read answers with when the request has no Accept: plain text
// for one single-valued resource (opaque for Opaque ones), else the
// client's preferred multi-value format (ContentFormats::DefaultFor; SenML
// CBOR by default).
lwm2m::ContentFormat DefaultReadFormat(const ContentFormats& formats, const lwm2m::Path& path,
                                       std::span<const lwm2m::Record> records);

// Parses the Uri-Path segments as an LwM2M path (nullopt when they are not one).
std::optional<lwm2m::Path> PathFromSegments(const std::vector<std::string>& segments);

DmResponse HandleDmRequest(Registry& registry, const DmRequest& request);

// Reads `path` and encodes it for a response (used by Read and by observe
// notifications); `accept` nullopt picks DefaultReadFormat.
DmResponse ReadAndEncode(const Registry& registry, const lwm2m::Path& path, std::optional<uint16_t> accept);

// The paths a composite request (FETCH on "/", also with Observe) lists.
// On failure nullopt, with *error: 4.05 when Uri-Path is not the root, 4.00
// when Content-Format is missing, the payload is malformed or lists no path
// (or, in LwM2M CBOR, carries a value), 4.15 for a non-composite format or
// one outside the registry's ContentFormats.
std::optional<std::vector<lwm2m::Path>> ParseCompositePaths(const Registry& registry, const DmRequest& request,
                                                            lwm2m::CoapCode* error);

// Reads `paths` (Registry::ReadComposite) and encodes the records with
// absolute names for a Read-Composite answer or an Observe-Composite
// notification. `accept`: 110, 112 or 11544; nullopt picks SenML CBOR (112);
// anything else is 4.06.
DmResponse ReadCompositeAndEncode(const Registry& registry, std::span<const lwm2m::Path> paths,
                                  std::optional<uint16_t> accept);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_DM_REQUEST_H_
