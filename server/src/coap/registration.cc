#include "server/registration.h"

#include <charconv>

namespace lwcl::server {

namespace {

bool ValidBinding(std::string_view b) {
  if (b.empty()) return false;
  for (char c : b) {
    if (std::string_view("UMHTSNQ").find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> ParseRegisterQuery(std::span<const std::string> queries, RegisterParams* out) {
  for (const std::string& q : queries) {
    const size_t eq = q.find('=');
    const std::string_view name = std::string_view(q).substr(0, eq);
    const std::string_view value = eq == std::string::npos ? std::string_view() : std::string_view(q).substr(eq + 1);
    if (name == "ep") {
      if (value.empty()) return "empty endpoint name (ep=)";
      out->endpoint = std::string(value);
    } else if (name == "lt") {
      int64_t lt = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), lt);
      if (ec != std::errc() || end != value.data() + value.size() || lt <= 0) {
        return "lifetime (lt=) must be a positive integer, got '" + std::string(value) + "'";
      }
      out->lifetime_s = lt;
    } else if (name == "b") {
      if (!ValidBinding(value)) return "unknown binding (b=) '" + std::string(value) + "'";
      out->binding = std::string(value);
      if (value.find('Q') != std::string_view::npos) out->queue_mode = true;
    } else if (name == "lwm2m") {
      if (value.empty()) return "empty LwM2M version (lwm2m=)";
      out->version = std::string(value);
    } else if (name == "Q" && eq == std::string::npos) {
      out->queue_mode = true;
    }
    // sms, sid (SMS and other parameters) are accepted and ignored.
  }
  return std::nullopt;
}

std::optional<std::string> ValidateObjectLinks(std::string_view text, std::vector<lwm2m::Link>* out) {
  if (text.empty()) return "empty object list";
  if (auto err = lwm2m::ParseLinkFormat(text, out)) {
    return "object list is not CoRE link format: " + err->message + " at byte " + std::to_string(err->offset);
  }
  return std::nullopt;
}

}  // namespace lwcl::server
