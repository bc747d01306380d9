// One LwM2M value as one CBOR data item: the plain CBOR format (Content-
// Format 60, LwM2M 1.1 Core TS 7.4.6) and the leaves of LwM2M CBOR.
//
// Writing: String/Corelnk as text, Integer/Time as integers, Unsigned as
// unsigned, Float as the shortest lossless float, Boolean, Opaque as bytes,
// Objlnk as text "o:i", no value as null. Reading: the inverse, plus tag 1
// (epoch time) and tag 4 (decimal fraction); then, when the resource's type
// is known and differs, the value is converted to it (ConvertValue; text to
// Objlnk via "o:i"), or refused.
#ifndef LWCL_LWM2M_CBOR_VALUE_H_
#define LWCL_LWM2M_CBOR_VALUE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lwm2m/cbor.h"
#include "lwm2m/content_format.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

// Item -> Value, untyped (integers fit int64 when they can, else uint64).
std::optional<CodecError> CborToValue(const cbor::Item& item, Value* out);
// Converts `v` to `want` when `want` is known (not kNone) and differs.
std::optional<CodecError> TypeValue(const Path& path, DataType want, size_t offset, Value* v);
void WriteCborValue(const Value& v, cbor::Writer* w);

// Content-Format 60: exactly one record, at `path` (depth 3 or 4).
std::optional<CodecError> DecodeCborValue(std::span<const uint8_t> payload, const Path& path, DataType type,
                                          Record* out);
std::optional<CodecError> EncodeCborValue(const Record& record, std::vector<uint8_t>* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_CBOR_VALUE_H_
