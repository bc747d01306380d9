// ContentFormat: CoAP Content-Format numbers LwM2M uses, and the codec entry
// points that dispatch on them.
#ifndef LWCL_LWM2M_CONTENT_FORMAT_H_
#define LWCL_LWM2M_CONTENT_FORMAT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

enum class ContentFormat : uint16_t {
  kPlainText = 0,
  kCoreLinkFormat = 40,
  kOpaque = 42,
  kCbor = 60,
  kSenmlJson = 110,
  kSenmlCbor = 112,
  kTlv = 11542,
  kLwm2mJson = 11543,
  kLwm2mCbor = 11544,
};

const char* ContentFormatName(ContentFormat f);
std::optional<ContentFormat> ContentFormatFromNumber(uint16_t n);

// What a decoder needs to type a value it cannot type from the payload alone
// (plain text, TLV, opaque, CBOR numbers): the resource's declared type, from
// the object definitions. Unknown (nullptr or kNone): strings stay strings,
// TLV values stay opaque.
using TypeResolver = std::function<DataType(const Path&)>;

// A decode or encode failure: what was wrong and where (byte offset).
struct CodecError {
  std::string message;
  size_t offset = 0;
};

// Decodes `payload` sent for request path `base`. Records come back with
// absolute paths. Returns the error for malformed payloads: never throws,
// never reads out of bounds.
std::optional<CodecError> Decode(ContentFormat format, std::span<const uint8_t> payload,
                                 const Path& base, const TypeResolver& types,
                                 std::vector<Record>* out);

// Encodes `records` (all at or below `base`) as the response to a request on
// `base`. Single-value formats (plain text, opaque, CBOR) need exactly one
// record at depth >= 3.
std::optional<CodecError> Encode(ContentFormat format, const Path& base,
                                 std::span<const Record> records, std::vector<uint8_t>* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_CONTENT_FORMAT_H_
