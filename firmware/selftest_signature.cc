// Signature suite: the device's package authentication (SHA-512 and Ed25519
// verification) on the target, against RFC 8032's test 2 and FIPS 180-4's
// "abc" example. A 32-bit target is where 64-bit limb products and carries
// would go wrong, so this runs on Cortex-M33 as well as on the host.
#include <cstddef>
#include <cstdint>

#include "selftest_suites.h"
#include "tinyml/package/ed25519.h"
#include "tinyml/package/sha512.h"

namespace lwcl::firmware {
namespace {

using tinyml::Span;

void CheckSha512(SelftestChecks& checks) {
  const uint8_t abc[3] = {'a', 'b', 'c'};
  tinyml::Sha512 h;
  tinyml::Sha512Init(&h);
  tinyml::Sha512Update(&h, Span<const uint8_t>(abc));
  uint8_t got[tinyml::kSha512Bytes] = {};
  tinyml::Sha512Final(&h, got);
  // SHA-512("abc") = ddaf35a193617aba ... a54ca49f.
  checks.True(got[0] == 0xdd && got[1] == 0xaf && got[7] == 0xba && got[60] == 0xa5 &&
                  got[63] == 0x9f,
              "sha512.abc");
}

void CheckEd25519(SelftestChecks& checks) {
  // RFC 8032, section 7.1, test 2: one message byte, 0x72.
  const uint8_t public_key[32] = {0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
                                  0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
                                  0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c};
  uint8_t signature[64] = {
      0x92, 0xa0, 0x09, 0xa9, 0xf0, 0xd4, 0xca, 0xb8, 0x72, 0x0e, 0x82, 0x0b, 0x5f, 0x64, 0x25, 0x40,
      0xa2, 0xb2, 0x7b, 0x54, 0x16, 0x50, 0x3f, 0x8f, 0xb3, 0x76, 0x22, 0x23, 0xeb, 0xdb, 0x69, 0xda,
      0x08, 0x5a, 0xc1, 0xe4, 0x3e, 0x15, 0x99, 0x6e, 0x45, 0x8f, 0x36, 0x13, 0xd0, 0xf1, 0x1d, 0x8c,
      0x38, 0x7b, 0x2e, 0xae, 0xb4, 0x30, 0x2a, 0xee, 0xb0, 0x0d, 0x29, 0x16, 0x12, 0xbb, 0x0c, 0x00};
  const uint8_t message[1] = {0x72};
  checks.True(tinyml::Ed25519Verify(Span<const uint8_t>(message), public_key, signature),
              "ed25519.rfc8032_test2");
  signature[10] ^= 0x04;  // R no longer matches
  checks.True(!tinyml::Ed25519Verify(Span<const uint8_t>(message), public_key, signature),
              "ed25519.tampered_refused");
}

}  // namespace

void RunSignatureChecks(SelftestChecks& checks) {
  CheckSha512(checks);
  CheckEd25519(checks);
}

}  // namespace lwcl::firmware
