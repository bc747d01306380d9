// Fuzzes TLV decoding at every request depth, typed by a resolver that
// varies the type with the resource id, and re-encodes what decodes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lwm2m/tlv.h"

namespace lw = lwcl::lwm2m;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t depth = static_cast<uint8_t>(1 + data[0] % 4);
  const std::span<const uint8_t> payload(data + 1, size - 1);
  const lw::Path base = depth == 1   ? lw::Path::Object(3)
                        : depth == 2 ? lw::Path::Instance(3, 0)
                        : depth == 3 ? lw::Path::Resource(3, 0, 7)
                                     : lw::Path::ResourceInstance(3, 0, 7, 1);
  const lw::TypeResolver types = [](const lw::Path& p) {
    return p.depth < 3 ? lw::DataType::kNone : static_cast<lw::DataType>(p.resource() % 10);
  };
  std::vector<lw::Record> out;
  if (!lw::DecodeTlv(payload, base, types, &out)) {
    std::vector<uint8_t> enc;
    (void)lw::EncodeTlv(base, out, &enc);
  }
  return 0;
}
