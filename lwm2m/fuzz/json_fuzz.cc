// Fuzzes the JSON reader: no crash, no out-of-bounds read; whatever parses
// (and holds only finite numbers, which it always does) must serialise, and
// serialising is a fixed point: parse(serialise(x)) serialises the same.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lwm2m/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lwcl::lwm2m;
  json::Value first;
  if (json::Parse(std::string_view(reinterpret_cast<const char*>(data), size), &first)) return 0;
  std::string text1;
  if (json::Serialize(first, &text1)) std::abort();
  json::Value second;
  if (json::Parse(text1, &second)) std::abort();
  std::string text2;
  if (json::Serialize(second, &text2)) std::abort();
  if (text1 != text2) std::abort();
  return 0;
}
