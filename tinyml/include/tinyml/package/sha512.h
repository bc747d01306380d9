// Sha512: SHA-512 (FIPS 180-4), streaming, heap-free.
//
// Ed25519 hashes with SHA-512 (RFC 8032), so the device's signature check
// needs it. Tested against OpenSSL at every length and chunking.
#ifndef LWCL_TINYML_PACKAGE_SHA512_H_
#define LWCL_TINYML_PACKAGE_SHA512_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"

namespace lwcl::tinyml {

inline constexpr size_t kSha512Bytes = 64;

struct Sha512 {
  uint64_t state[8];
  uint64_t total_bytes;  // messages up to 2^61 bytes, far beyond any package
  uint8_t block[128];
  size_t block_fill;
};

void Sha512Init(Sha512* h);
void Sha512Update(Sha512* h, Span<const uint8_t> data);
// Writes the 64-byte digest; `h` must be re-initialised before reuse.
void Sha512Final(Sha512* h, uint8_t digest[kSha512Bytes]);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_SHA512_H_
