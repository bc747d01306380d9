// Fuzzes the SenML JSON (110) decoder: it must never crash or read out of bounds,
// and whatever it accepts must re-encode, decode again to the same number of
// records, and re-encode to the same bytes (encode is a fixed point).
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "lwm2m/senml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lwcl::lwm2m;
  std::vector<Record> first;
  if (DecodeSenmlJson(std::span<const uint8_t>(data, size), nullptr, &first)) return 0;
  std::vector<uint8_t> enc1;
  // Encoding may refuse what it cannot represent (e.g. a time that
  // overflowed to infinity in JSON); it must not crash.
  if (EncodeSenmlJson(Path::Root(), first, &enc1)) return 0;
  std::vector<Record> second;
  if (DecodeSenmlJson(enc1, nullptr, &second)) std::abort();
  if (second.size() != first.size()) std::abort();
  std::vector<uint8_t> enc2;
  if (EncodeSenmlJson(Path::Root(), second, &enc2)) std::abort();
  if (enc1 != enc2) std::abort();
  return 0;
}
