// OMA TLV (Content-Format 11542): the LwM2M 1.0 binary format, still what
// most deployed clients speak (LwM2M 1.1 Core, section 7.4.3).
//
// Each entry is a type byte (bits 7-6: 00 object instance, 01 resource
// instance, 10 multiple resource, 11 resource with value; bit 5: 16-bit id;
// bits 4-3: length field of 0/1/2/3 bytes; bits 2-0: the length itself when
// bits 4-3 are 00), the id, the length, then the value or nested entries.
// Values carry no type: the decoder asks the TypeResolver (unknown ->
// Opaque). Integers are 1/2/4/8 bytes big-endian two's complement (Unsigned
// the same widths, unsigned), floats 4 or 8 bytes IEEE 754, booleans 1 byte,
// Objlnk 4 bytes (object id, instance id), Time as an integer, strings UTF-8.
//
// Decoding never reads outside the payload and refuses truncated or overlong
// lengths, stray nesting (a resource instance at the top of an instance
// request, a value inside a value), ids that disagree with the request path,
// and values of the wrong width for their type.
#ifndef LWCL_LWM2M_TLV_H_
#define LWCL_LWM2M_TLV_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

// Decodes a TLV payload sent for `base` (depth 1..4) and appends records with
// absolute paths to `out`. At object level (/3) entries are object instances
// (an empty one becomes a depth-2 record with no value); at instance level
// (/3/0) resources and multiple resources, optionally wrapped in the
// instance's own entry; at resource level (/3/0/7) that resource, as a value,
// a multiple resource, or bare resource instances; at resource-instance level
// that instance. `types` may be empty.
std::optional<CodecError> DecodeTlv(std::span<const uint8_t> payload, const Path& base,
                                    const TypeResolver& types, std::vector<Record>* out);

// Encodes `records` (all inside `base`, depth 1..4) as the TLV response for
// `base`. Records are grouped by instance and resource (stable order by
// path); depth-4 records make a multiple resource. Appends to `out`.
std::optional<CodecError> EncodeTlv(const Path& base, std::span<const Record> records,
                                    std::vector<uint8_t>* out);

// One value's bytes (no header), in the shortest width that holds it.
std::optional<CodecError> EncodeTlvValue(const Value& value, std::vector<uint8_t>* out);
// One value's bytes typed as `type` (kNone -> Opaque).
std::optional<CodecError> DecodeTlvValue(std::span<const uint8_t> bytes, DataType type, Value* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_TLV_H_
