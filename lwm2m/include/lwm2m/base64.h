// Base64 (RFC 4648): how LwM2M carries opaque bytes in text formats (plain
// text, SenML JSON "vd"). Standard alphabet with '=' padding, or the URL-safe
// alphabet without padding (SenML, RFC 8428 section 4.3.2).
//
// Decoding is strict: characters outside the alphabet, whitespace, wrong
// padding and non-zero trailing bits are refused (nullopt) rather than
// skipped, so one text has one meaning.
#ifndef LWCL_LWM2M_BASE64_H_
#define LWCL_LWM2M_BASE64_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lwcl::lwm2m {

enum class Base64Alphabet : uint8_t {
  kStandard,  // A-Z a-z 0-9 + /, padded to a multiple of 4 with '='
  kUrl,       // A-Z a-z 0-9 - _, no padding
};

std::string Base64Encode(std::span<const uint8_t> bytes,
                         Base64Alphabet alphabet = Base64Alphabet::kStandard);
std::optional<std::vector<uint8_t>> Base64Decode(
    std::string_view text, Base64Alphabet alphabet = Base64Alphabet::kStandard);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_BASE64_H_
