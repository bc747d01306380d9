// Fuzzes the CBOR reader: no crash, no out-of-bounds read; whatever parses
// must re-encode (definite lengths, shortest floats) to bytes that parse to
// the same tree and re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "lwm2m/cbor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lwcl::lwm2m;
  cbor::Item first;
  if (cbor::Parse(std::span<const uint8_t>(data, size), &first)) return 0;
  const std::vector<uint8_t> enc1 = cbor::Encode(first);
  cbor::Item second;
  if (cbor::Parse(enc1, &second)) std::abort();
  if (!second.SameAs(first)) std::abort();
  if (cbor::Encode(second) != enc1) std::abort();
  return 0;
}
