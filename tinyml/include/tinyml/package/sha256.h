// Sha256: the SHA-256 hash (FIPS 180-4), self-contained for bare metal.
//
// Model packages are verified on the device with it, so it depends on nothing
// (no OpenSSL, no heap). Incremental use: Sha256Init, any number of
// Sha256Update calls, then Sha256Final; Sha256Digest does all three.
#ifndef LWCL_TINYML_PACKAGE_SHA256_H_
#define LWCL_TINYML_PACKAGE_SHA256_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"

namespace lwcl::tinyml {

inline constexpr size_t kSha256Bytes = 32;

struct Sha256 {
  uint32_t state[8];
  uint64_t total_bytes;
  uint8_t block[64];
  size_t block_fill;
};

void Sha256Init(Sha256* h);
void Sha256Update(Sha256* h, Span<const uint8_t> data);
// Writes the 32-byte digest; `h` must be re-initialised before reuse.
void Sha256Final(Sha256* h, uint8_t digest[kSha256Bytes]);

void Sha256Digest(Span<const uint8_t> data, uint8_t digest[kSha256Bytes]);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_SHA256_H_
