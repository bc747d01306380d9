// DeviceRequest: one Device Management operation the server asks of a
// registered client, and its mapping onto a CoAP request (Core spec 6.3,
// 6.4): the inverse of the client's DM dispatch.
//   Read            GET  /o[/i[/r[/ri]]]        Accept: the format asked for
//   Discover        GET  path                   Accept: 40
//   Write           PUT  path (replace) or POST /o/i (partial update)
//   Write-Attributes PUT path?pmin=..&pmax=..   no payload
//   Execute         POST /o/i/r                 payload: arguments
//   Create          POST /o                     payload: the new instance
//   Delete          DELETE /o/i
//   Read-Composite  FETCH /                     payload: the path list
//   Write-Composite iPATCH /                    payload: the records
//   Observe         GET path, Observe: 0 (FETCH / for a composite)
// Building checks the request before anything is sent (path depth for the
// operation, records under the path, encodable values) and says what is
// wrong, so an API caller gets 400 and not a confused device.
#ifndef LWCL_SERVER_DEVICE_REQUEST_H_
#define LWCL_SERVER_DEVICE_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap_code.h"
#include "lwm2m/content_format.h"
#include "lwm2m/link_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::server {

enum class Operation : uint8_t {
  kRead,
  kDiscover,
  kWrite,         // replace (PUT)
  kWritePartial,  // partial update (POST on an instance)
  kWriteAttributes,
  kExecute,
  kCreate,
  kDelete,
  kReadComposite,
  kWriteComposite,
  kObserve,
  kObserveComposite,
};
const char* OperationName(Operation op);
std::optional<Operation> OperationFromName(std::string_view name);

struct DeviceRequest {
  Operation op = Operation::kRead;
  std::vector<lwm2m::Path> paths{};    // one, except for the composites
  std::vector<lwm2m::Record> records{};  // Write, Create, Write-Composite
  std::string arguments{};               // Execute
  std::vector<std::string> attributes{};  // Write-Attributes: "pmin=10", "gt=3.5", "st" (clears)...
  // The body's format for writes and composite requests, and the format
  // asked for in answers (Read, Observe, composites). nullopt: the server
  // picks from what the device registered with (content_negotiation.h);
  // BuildCoapRequest alone falls back to SenML CBOR for a body and sends no
  // Accept.
  std::optional<lwm2m::ContentFormat> format{};
  std::optional<lwm2m::ContentFormat> accept{};
};

// A CoAP request, ready for the transport.
struct CoapRequest {
  uint8_t method = 1;  // 1 GET, 2 POST, 3 PUT, 4 DELETE, 5 FETCH, 7 iPATCH
  std::vector<std::string> uri_path;
  std::vector<std::string> uri_query;
  std::optional<uint16_t> content_format;
  std::optional<uint16_t> accept;
  std::optional<uint32_t> observe;  // 0 registers, 1 cancels
  std::vector<uint8_t> payload;
};

// Returns the reason when the request is not well formed.
std::optional<std::string> BuildCoapRequest(const DeviceRequest& request, CoapRequest* out);

// What came back: the code, and the payload decoded as far as the format
// allows (records for data formats, links for Discover).
struct DeviceResponse {
  lwm2m::CoapCode code = lwm2m::CoapCode::kGatewayTimeout;
  std::optional<uint16_t> content_format;
  std::vector<uint8_t> payload;
  std::vector<lwm2m::Record> records;
  std::vector<lwm2m::Link> links;
  std::vector<std::string> location_path;  // Create answers with the new instance
  // Set when nothing came back in time, when the payload did not decode, or
  // when the request never went out (the reason).
  std::string error;
  bool timed_out = false;
  // Set when the server chose the format (content_negotiation.h): the one
  // the request went out in, and the first try the device refused, if any.
  std::optional<lwm2m::ContentFormat> negotiated{};
  struct Refused {
    lwm2m::ContentFormat format;
    lwm2m::CoapCode code;
  };
  std::optional<Refused> refused{};
};

// Decodes `response->payload` for `request` into records or links; a payload
// that does not decode sets `error` but keeps the bytes.
void DecodeDeviceResponse(const DeviceRequest& request, const lwm2m::TypeResolver& types,
                          DeviceResponse* response);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_DEVICE_REQUEST_H_
