// Plain text (Content-Format 0): one resource value as text, typed by the
// resource's declared DataType (LwM2M 1.1 Core, section 7.4.1).
//
// Text forms: Integer, Unsigned Integer and Time as decimal integers; Float
// as the shortest decimal that reads back to the same double; Boolean as
// "0"/"1"; Objlnk as "object:instance"; String and Corelnk as UTF-8 text;
// Opaque as standard base64. Parsing is exact: no whitespace, no "+" sign,
// no trailing junk ("12a"), no overflow, no inf/nan. A DataType of kNone
// (type unknown) reads the text as a String. Errors come back as a
// CodecError; nothing throws.
#ifndef LWCL_LWM2M_PLAIN_TEXT_H_
#define LWCL_LWM2M_PLAIN_TEXT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/utf8.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

// Value level: text <-> Value.
std::optional<CodecError> ParsePlainText(std::string_view text, DataType type, Value* out);
std::optional<CodecError> FormatPlainText(const Value& value, std::string* out);

// Payload level: `path` is the request path (depth 3 or 4); the record comes
// back with that path.
std::optional<CodecError> DecodePlainText(std::span<const uint8_t> payload, const Path& path,
                                          DataType type, Record* out);
// `out` is replaced by the payload.
std::optional<CodecError> EncodePlainText(const Record& record, std::vector<uint8_t>* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_PLAIN_TEXT_H_
