// PatternLed: the device's status LED, lit in the colour of the pattern being
// detected and off when nothing (or idle) is, exposed as the IPSO Light
// Control object /3311 instance 0:
//   5850 On/Off  (Boolean)  on while a pattern is detected
//   5706 Colour  (String)   "#rrggbb" of that pattern; the last one when off
//   5851 Dimmer  (Integer)  100 when on, 0 when off
// The resources are declared read-only: the LED mirrors the detector, so a
// server Write would only make it lie. Colours are fixed per pattern name
// (ColourFor), so every device of a fleet shows "wave" the same way.
#ifndef LWCL_DEVICE_LED_H_
#define LWCL_DEVICE_LED_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/simple_object.h"

namespace lwcl::device {

// "#rrggbb" for a pattern: a fixed table for the simulator's patterns (wave
// blue, updown green, circle magenta, shake red), else a colour derived
// from the name's hash; idle is "#000000".
std::string ColourFor(std::string_view pattern);

class PatternLed : public client::SimpleObject {
 public:
  static constexpr uint16_t kObjectId = 3311;
  static constexpr uint16_t kOnOff = 5850;
  static constexpr uint16_t kDimmer = 5851;
  static constexpr uint16_t kColour = 5706;

  PatternLed();
  // Lights the LED for `pattern`, or turns it off (nullopt).
  void Show(std::optional<std::string_view> pattern);
  bool on() const { return on_; }
  const std::string& colour() const { return colour_; }

 private:
  bool on_ = false;
  std::string colour_ = "#000000";
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_LED_H_
