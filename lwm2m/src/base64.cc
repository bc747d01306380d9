// Base64 encode/decode (base64.h).
#include "lwm2m/base64.h"

namespace lwcl::lwm2m {
namespace {

const char* Table(Base64Alphabet a) {
  return a == Base64Alphabet::kStandard
             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

int Sextet(char c, Base64Alphabet a) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (a == Base64Alphabet::kStandard) {
    if (c == '+') return 62;
    if (c == '/') return 63;
  } else {
    if (c == '-') return 62;
    if (c == '_') return 63;
  }
  return -1;
}

}  // namespace

std::string Base64Encode(std::span<const uint8_t> bytes, Base64Alphabet alphabet) {
  const char* t = Table(alphabet);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t w = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += t[(w >> 18) & 63];
    out += t[(w >> 12) & 63];
    out += t[(w >> 6) & 63];
    out += t[w & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t w = uint32_t{bytes[i]} << 16;
    if (rest == 2) w |= uint32_t{bytes[i + 1]} << 8;
    out += t[(w >> 18) & 63];
    out += t[(w >> 12) & 63];
    if (rest == 2) out += t[(w >> 6) & 63];
    if (alphabet == Base64Alphabet::kStandard) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text, Base64Alphabet alphabet) {
  if (alphabet == Base64Alphabet::kStandard) {
    if (text.size() % 4 != 0) return std::nullopt;
    size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    text.remove_suffix(pad);
  }
  // Unpadded length mod 4 == 1 cannot come from any byte string.
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int s = Sextet(c, alphabet);
    if (s < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(s);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if (bits > 0 && (acc & ((1U << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace lwcl::lwm2m
