#include "train/units.h"

#include <cctype>
#include <string>

namespace lwcl::train {

std::optional<Units> ParseUnits(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (s == "g") return Units::kG;
  if (s == "mg" || s == "millig") return Units::kMilliG;
  if (s == "m/s2" || s == "m/s^2" || s == "ms2" || s == "m/s/s" || s == "mps2" || s == "m/s²") {
    return Units::kMetersPerSecond2;
  }
  return std::nullopt;
}

std::string_view UnitsName(Units units) {
  switch (units) {
    case Units::kG:
      return "g";
    case Units::kMilliG:
      return "mg";
    case Units::kMetersPerSecond2:
      return "m/s2";
  }
  return "?";
}

float ToGFactor(Units units) {
  switch (units) {
    case Units::kG:
      return 1.0f;
    case Units::kMilliG:
      return 1e-3f;
    case Units::kMetersPerSecond2:
      return 1.0f / kStandardGravity;
  }
  return 1.0f;
}

}  // namespace lwcl::train
