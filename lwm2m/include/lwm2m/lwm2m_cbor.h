// LwM2M CBOR (Content-Format 11544, LwM2M 1.2 Core TS 7.4.7): nested CBOR
// maps keyed by path IDs, e.g. {3: {0: {0: "Open Mobile Alliance"}}}, where a
// key may also be an array of IDs standing for several levels at once
// ({[3, 0]: {0: "..."}}).
//
// Keys are absolute from the root. Encoding follows Anjay: the request path
// is the first key (an integer for an object, an array for deeper paths),
// then one nested map per level below it, definite lengths, keys in path
// order. Values: String and Corelnk as text, Integer/Time as CBOR integers,
// Unsigned as unsigned, Float as the shortest lossless float, Boolean,
// Opaque as a byte string, Objlnk as text "o:i". An empty instance is an
// empty map; a resource without a value is null. LwM2M CBOR has no
// timestamps: Record.time is not encoded.
//
// Decoding accepts integer and array keys at any level, definite or
// indefinite maps, tag 1 (epoch time) and tag 4 (decimal fraction) numbers;
// it refuses paths deeper than 4 levels, IDs of 65535 and above, values above
// resource level, a path given twice, and other tags. `types` (may be empty)
// types values the way SenML decoding does.
#ifndef LWCL_LWM2M_LWM2M_CBOR_H_
#define LWCL_LWM2M_LWM2M_CBOR_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

std::optional<CodecError> DecodeLwm2mCbor(std::span<const uint8_t> payload, const TypeResolver& types,
                                          std::vector<Record>* out);
std::optional<CodecError> EncodeLwm2mCbor(const Path& base, std::span<const Record> records,
                                          std::vector<uint8_t>* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_LWM2M_CBOR_H_
