// Fuzzes the XML reader and DDF parser: arbitrary bytes must give a
// definition or an error, never a crash, hang or out-of-bounds read.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "lwm2m/ddf_parser.h"
#include "lwm2m/object_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lwcl::lwm2m::ObjectRegistry reg;
  if (!reg.AddDdf(text)) {
    for (const uint16_t id : reg.ObjectIds()) {
      const auto* d = reg.Find(id);
      for (const auto& r : d->resources) (void)reg.TypeAt(lwcl::lwm2m::Path::Resource(id, 0, r.id));
    }
  }
  return 0;
}
