// Opaque (Content-Format 42): one Opaque resource value as its raw bytes
// (LwM2M 1.1 Core, section 7.4.2). Only Opaque values travel this way: other
// types are refused with a CodecError rather than guessed at.
#ifndef LWCL_LWM2M_OPAQUE_H_
#define LWCL_LWM2M_OPAQUE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

// `path` is the request path (depth 3 or 4); `type` the resource's declared
// type (kNone when unknown is accepted as Opaque).
std::optional<CodecError> DecodeOpaque(std::span<const uint8_t> payload, const Path& path,
                                       DataType type, Record* out);
// `out` is replaced by the value's bytes.
std::optional<CodecError> EncodeOpaque(const Record& record, std::vector<uint8_t>* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_OPAQUE_H_
