// Units: the physical units an accelerometer recording may arrive in.
//
// The trainer works in g only (the device feeds the DSP in g with scale 1), so
// every loader converts at load time with ToGFactor(). Parsing accepts the
// spellings users and Edge Impulse write ("mg", "g", "m/s2", "m/s^2", "ms2").
#ifndef LWCL_TRAIN_UNITS_H_
#define LWCL_TRAIN_UNITS_H_

#include <optional>
#include <string_view>

namespace lwcl::train {

enum class Units { kG, kMilliG, kMetersPerSecond2 };

// Standard gravity, m/s² per g.
inline constexpr float kStandardGravity = 9.80665f;

// Parses a unit name (case-insensitive); nullopt when it is not one we know.
std::optional<Units> ParseUnits(std::string_view text);
// The canonical spelling: "g", "mg" or "m/s2".
std::string_view UnitsName(Units units);
// Multiply a value in `units` by this to get g.
float ToGFactor(Units units);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_UNITS_H_
