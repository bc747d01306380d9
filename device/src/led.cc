#include "device/led.h"

#include <cstdio>

namespace lwcl::device {

std::string ColourFor(std::string_view pattern) {
  struct Entry {
    const char* name;
    const char* colour;
  };
  static const Entry kTable[] = {{"idle", "#000000"},  {"wave", "#0050ff"},   {"updown", "#00c040"},
                                 {"circle", "#c000c0"}, {"shake", "#ff2000"}};
  for (const Entry& e : kTable) {
    if (pattern == e.name) return e.colour;
  }
  // FNV-1a of the name, kept bright: each channel in [64, 255].
  uint32_t h = 2166136261u;
  for (char c : pattern) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", 64 + (h & 0xbfu), 64 + ((h >> 8) & 0xbfu),
                64 + ((h >> 16) & 0xbfu));
  return buf;
}

using lwm2m::DataType;
using lwm2m::Operations;

PatternLed::PatternLed()
    : SimpleObject(kObjectId, true,
                   {{kOnOff, Operations::kRead, DataType::kBoolean},
                    {kDimmer, Operations::kRead, DataType::kInteger},
                    {kColour, Operations::kRead, DataType::kString}}) {
  AddInstance(0);
  Set(0, kOnOff, false);
  Set(0, kDimmer, int64_t{0});
  Set(0, kColour, colour_);
}

void PatternLed::Show(std::optional<std::string_view> pattern) {
  on_ = pattern.has_value();
  if (pattern) colour_ = ColourFor(*pattern);
  Set(0, kColour, colour_);
  Set(0, kDimmer, int64_t{on_ ? 100 : 0});
  Set(0, kOnOff, on_);
}

}  // namespace lwcl::device
