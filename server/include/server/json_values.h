// JSON for LwM2M values, as the REST API speaks it: each value carries its
// path and type, so clients need no object definitions to read it:
//   {"path": "/3/0/9", "type": "integer", "value": 87}
// Opaque values are base64 text, Time is seconds since the epoch, Objlnk is
// "o:i". For writes the other way round, a bare JSON value is converted to
// the resource's declared type (from the DDF), and a mismatch is refused
// with the reason rather than guessed.
#ifndef LWCL_SERVER_JSON_VALUES_H_
#define LWCL_SERVER_JSON_VALUES_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/object_registry.h"
#include "lwm2m/value.h"
#include "store/records.h"

namespace lwcl::server {

nlohmann::json ValueToJson(const lwm2m::Value& value);
nlohmann::json RecordsToJson(const std::vector<lwm2m::Record>& records);
nlohmann::json SampleToJson(const store::Sample& sample);

// The value `json` means for the resource at `path` (its DDF type when known;
// else taken from the JSON type). nullopt with *error when it cannot be one.
std::optional<lwm2m::Value> JsonToValue(const nlohmann::json& json, const lwm2m::Path& path,
                                        const lwm2m::ObjectRegistry& objects, std::string* error);

// "senml-json", "senml-cbor", "lwm2m-cbor", "tlv", "text", "opaque", "cbor" <-> formats.
std::optional<lwm2m::ContentFormat> FormatFromName(const std::string& name);
// The name FormatFromName takes; other formats by number ("40").
std::string FormatShortName(lwm2m::ContentFormat format);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_JSON_VALUES_H_
