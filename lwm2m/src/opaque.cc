// Opaque codec (opaque.h).
#include "lwm2m/opaque.h"

namespace lwcl::lwm2m {

std::optional<CodecError> DecodeOpaque(std::span<const uint8_t> payload, const Path& path,
                                       DataType type, Record* out) {
  if (path.depth < 3) return CodecError{"opaque needs a resource or resource-instance path", 0};
  if (type != DataType::kOpaque && type != DataType::kNone) {
    return CodecError{std::string("opaque format cannot carry a ") + DataTypeName(type) + " resource", 0};
  }
  *out = Record{path, Opaque(payload.begin(), payload.end()), std::nullopt};
  return std::nullopt;
}

std::optional<CodecError> EncodeOpaque(const Record& record, std::vector<uint8_t>* out) {
  if (record.path.depth < 3) return CodecError{"opaque needs a resource or resource-instance path", 0};
  const Opaque* bytes = std::get_if<Opaque>(&record.value);
  if (bytes == nullptr) {
    return CodecError{std::string("opaque format cannot carry a ") + DataTypeName(TypeOf(record.value)) +
                          " value",
                      0};
  }
  out->assign(bytes->begin(), bytes->end());
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
