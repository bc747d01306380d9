// Content negotiation: which Content-Format the server uses with one device
// when the person or program asking did not say (Core spec 6.2.1, 7).
//
// A client names the data formats it prefers with `ct` on the root link of
// its Register payload: `</>;rt="oma.lwm2m";ct=110`, `ct="112 11542"`, or
// `ct` repeated (`</>;ct=110;ct=112`). AdvertisedFormats reads them in the
// client's order. FormatCandidates turns that, the client's LwM2M version
// and the shape of the request into an ordered list to try:
//   - a composite (Read/Observe/Write-Composite): the composite formats the
//     client advertised (SenML JSON, SenML CBOR, LwM2M CBOR), then SenML
//     CBOR and SenML JSON;
//   - one value (a resource instance, or a single-instance resource the
//     object definitions know): the advertised formats, then plain text
//     (opaque for an Opaque resource), which every client must take; with no
//     `ct`, plain text or opaque first;
//   - several values (object, instance, multi-instance resource): the
//     advertised formats that carry several values; with no `ct`, TLV for a
//     1.0 client and SenML CBOR then TLV for 1.1 and later.
// It promises: an empty list when the request already fixes its formats (a
// user-given `format`) or carries none (Discover, Execute, Delete,
// Write-Attributes), and otherwise a non-empty list without repeats whose
// first entry is what to send first. The server retries once with the
// second entry when the device refuses the first (4.06, 4.15 or 5.00).
#ifndef LWCL_SERVER_CONTENT_NEGOTIATION_H_
#define LWCL_SERVER_CONTENT_NEGOTIATION_H_

#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/object_registry.h"
#include "server/device_request.h"

namespace lwcl::server {

// The data formats the root link `</>` of `object_links` advertises, in the
// client's order; unknown numbers and non-data formats (link format) are
// skipped, and text that is not link format yields none.
std::vector<lwm2m::ContentFormat> AdvertisedFormats(std::string_view object_links);

// What to try for `request` on a device that advertised `advertised` and
// registered with LwM2M `version` ("1.0", "1.1", ...).
std::vector<lwm2m::ContentFormat> FormatCandidates(const DeviceRequest& request,
                                                   const std::vector<lwm2m::ContentFormat>& advertised,
                                                   std::string_view version, const lwm2m::ObjectRegistry& objects);

// What the server starts with for this device, by request shape (shown with
// the registration in the REST API).
struct DefaultFormats {
  lwm2m::ContentFormat single = lwm2m::ContentFormat::kPlainText;  // one (non-opaque) value
  lwm2m::ContentFormat several = lwm2m::ContentFormat::kSenmlCbor;  // an instance, object, list
  lwm2m::ContentFormat composite = lwm2m::ContentFormat::kSenmlCbor;
};
DefaultFormats DefaultsFor(const std::vector<lwm2m::ContentFormat>& advertised, std::string_view version);

// `request` with its open format set to `format` (the answer's Accept for
// reads and observations, the body's Content-Format for writes, both for
// composites).
DeviceRequest WithFormat(DeviceRequest request, lwm2m::ContentFormat format);

// True when a device's answer means "not in this format" and another
// candidate is worth a try.
bool RefusedFormat(lwm2m::CoapCode code);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_CONTENT_NEGOTIATION_H_
