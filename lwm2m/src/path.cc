#include "lwm2m/path.h"

#include <charconv>

namespace lwcl::lwm2m {

std::optional<Path> Path::Parse(std::string_view text) {
  Path p;
  if (text.empty() || text == "/") return p;
  if (text.front() != '/') return std::nullopt;
  text.remove_prefix(1);
  if (!text.empty() && text.back() == '/') {
    text.remove_suffix(1);
    if (text.empty()) return std::nullopt;  // "//"
  }
  while (!text.empty()) {
    if (p.depth == 4) return std::nullopt;
    const size_t slash = text.find('/');
    const std::string_view part = text.substr(0, slash);
    // Digits only, no sign, no leading zeros beyond "0" itself.
    if (part.empty() || part.size() > 5 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size() || value >= kInvalidId) return std::nullopt;
    p.ids[p.depth++] = static_cast<uint16_t>(value);
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
    if (text.empty()) return std::nullopt;  // "//" or a trailing slash after stripping one
  }
  return p;
}

std::string Path::ToString() const {
  if (depth == 0) return "/";
  std::string s;
  for (uint8_t i = 0; i < depth; ++i) {
    s += '/';
    s += std::to_string(ids[i]);
  }
  return s;
}

Path Path::Child(uint16_t id) const {
  Path p = *this;
  if (p.depth < 4) p.ids[p.depth++] = id;
  return p;
}

Path Path::Prefix(uint8_t d) const {
  Path p;
  for (uint8_t i = 0; i < d && i < depth; ++i) p.ids[p.depth++] = ids[i];
  return p;
}

bool Path::Contains(const Path& other) const {
  if (other.depth < depth) return false;
  for (uint8_t i = 0; i < depth; ++i) {
    if (ids[i] != other.ids[i]) return false;
  }
  return true;
}

}  // namespace lwcl::lwm2m
