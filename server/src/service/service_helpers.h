// Small helpers the Service's files share: clock conversions, the JSON
// string escaping its event details use, and which store failures are
// permanent. Private to server/src/service.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>

#include "server/registration.h"
#include "store/status.h"
#include "store/records.h"

namespace lwcl::server {

inline store::TimeMs NowMs(double seconds) { return static_cast<store::TimeMs>(std::llround(seconds * 1000.0)); }

inline std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

inline std::string RegistrationJson(const Registration& r) {
  std::ostringstream o;
  o << R"({"location":")" << JsonEscape(r.location) << R"(","lifetime":)" << r.lifetime_s << R"(,"binding":")"
    << JsonEscape(r.binding) << R"(","version":")" << JsonEscape(r.version) << R"(","peer":")"
    << JsonEscape(r.peer) << R"(","secure":)" << (r.secure ? "true" : "false") << "}";
  return o.str();
}

inline double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A failure that retrying cannot fix (the store refuses the data itself).
inline bool Permanent(const store::Status& st) { return st.code() == store::ErrorCode::kInvalid; }

}  // namespace lwcl::server
