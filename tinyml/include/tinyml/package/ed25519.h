// Ed25519: signature verification (RFC 8032, section 5.1.7), heap-free.
//
// The device checks a package's signature against the fleet public key it
// was provisioned with, before it installs anything, so a tampered or
// foreign model never runs. Only verification lives here: signing happens on
// the host (train/package_signer.h, OpenSSL). Verification uses public data
// only, so it need not be constant-time; it is written for clarity and a
// small stack (a few KB) rather than speed, and checked against OpenSSL and
// the RFC 8032 test vectors.
//
// The check is the cofactorless one OpenSSL and RFC 8032's reference code
// perform: S must be below the group order L, A must decode to a curve point
// (canonical y below p), and the encoding of [S]B - [k]A must equal the
// signature's R byte for byte, where k = SHA-512(R || A || message) mod L.
#ifndef LWCL_TINYML_PACKAGE_ED25519_H_
#define LWCL_TINYML_PACKAGE_ED25519_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"

namespace lwcl::tinyml {

inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

// True when `signature` (R || S) is a valid signature of `message` by
// `public_key`. Anything else (a malformed key or signature included) is
// false.
bool Ed25519Verify(Span<const uint8_t> message, const uint8_t public_key[kEd25519PublicKeyBytes],
                   const uint8_t signature[kEd25519SignatureBytes]);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_ED25519_H_
