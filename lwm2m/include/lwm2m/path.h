// Path: an LwM2M data-model path (/Object/Instance/Resource/ResourceInstance).
//
// Depth 0 is the root ("/"), 1 an object, 2 an object instance, 3 a resource,
// 4 a resource instance. IDs are 0..65534 (65535 is reserved by the spec as
// "no ID"). Parse accepts exactly the canonical text form, with or without a
// trailing slash; anything else is refused rather than guessed.
#ifndef LWCL_LWM2M_PATH_H_
#define LWCL_LWM2M_PATH_H_

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lwcl::lwm2m {

inline constexpr uint16_t kInvalidId = 65535;

struct Path {
  std::array<uint16_t, 4> ids{kInvalidId, kInvalidId, kInvalidId, kInvalidId};
  uint8_t depth = 0;

  static Path Root() { return {}; }
  static Path Object(uint16_t o) { return Path{{o, kInvalidId, kInvalidId, kInvalidId}, 1}; }
  static Path Instance(uint16_t o, uint16_t i) { return Path{{o, i, kInvalidId, kInvalidId}, 2}; }
  static Path Resource(uint16_t o, uint16_t i, uint16_t r) { return Path{{o, i, r, kInvalidId}, 3}; }
  static Path ResourceInstance(uint16_t o, uint16_t i, uint16_t r, uint16_t ri) {
    return Path{{o, i, r, ri}, 4};
  }

  // "/3/0/1" -> {3,0,1}; "/" or "" -> root; nullopt for anything malformed.
  static std::optional<Path> Parse(std::string_view text);
  std::string ToString() const;

  uint16_t object() const { return ids[0]; }
  uint16_t instance() const { return ids[1]; }
  uint16_t resource() const { return ids[2]; }
  uint16_t resource_instance() const { return ids[3]; }

  // This path plus one more level; depth must be < 4.
  Path Child(uint16_t id) const;
  // The first `d` levels of this path (d <= depth).
  Path Prefix(uint8_t d) const;
  // True when `other` lies at or below this path.
  bool Contains(const Path& other) const;

  friend bool operator==(const Path&, const Path&) = default;
  friend auto operator<=>(const Path& a, const Path& b) {
    for (uint8_t i = 0; i < 4; ++i) {
      const uint16_t x = i < a.depth ? a.ids[i] : 0, y = i < b.depth ? b.ids[i] : 0;
      const bool hx = i < a.depth, hy = i < b.depth;
      if (hx != hy) return hx <=> hy;
      if (x != y) return x <=> y;
    }
    return std::strong_ordering::equal;
  }
};

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_PATH_H_
