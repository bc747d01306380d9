// Fuzzes the CoRE link-format parser; what parses must format and parse
// back to the same links.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "lwm2m/link_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<lwcl::lwm2m::Link> links;
  if (!lwcl::lwm2m::ParseLinkFormat(text, &links)) {
    std::vector<lwcl::lwm2m::Link> again;
    if (lwcl::lwm2m::ParseLinkFormat(lwcl::lwm2m::FormatLinkFormat(links), &again) || again != links) {
      std::abort();
    }
  }
  return 0;
}
