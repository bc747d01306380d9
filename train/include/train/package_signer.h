// PackageSigner: Ed25519 signatures over model packages (OpenSSL).
//
// The signature covers the package's SHA-256 digest (the 32 bytes in its
// trailer), which itself covers header and sections, so signing only fills
// the trailer's signature slot and never changes the digest. Keys are raw
// RFC 8032 bytes: a 32-byte private key (the seed) and a 32-byte public key.
// PEM helpers convert to and from `openssl genpkey -algorithm ed25519` files.
#ifndef LWCL_TRAIN_PACKAGE_SIGNER_H_
#define LWCL_TRAIN_PACKAGE_SIGNER_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tinyml/status.h"

namespace lwcl::train {

using Ed25519PrivateKey = std::array<uint8_t, 32>;
using Ed25519PublicKey = std::array<uint8_t, 32>;

struct Ed25519KeyPair {
  Ed25519PrivateKey private_key{};
  Ed25519PublicKey public_key{};
};

// A fresh key pair from OpenSSL's CSPRNG. Throws std::runtime_error on failure.
Ed25519KeyPair GenerateKeyPair();
Ed25519PublicKey PublicKeyOf(const Ed25519PrivateKey& private_key);

// The package with its trailer's signature set (replacing any previous one).
// Throws std::invalid_argument when the package does not read (bad digest,
// truncated, ...): never sign what a device would refuse.
std::vector<uint8_t> SignPackage(std::span<const uint8_t> package,
                                 const Ed25519PrivateKey& private_key);

// kOk when the package reads and carries a valid signature by `public_key`;
// kUnsigned when it has none; kBadSignature when it does not verify; any
// ReadPackage status when the package itself is refused.
tinyml::Status VerifyPackageSignature(std::span<const uint8_t> package,
                                      const Ed25519PublicKey& public_key);

// PEM (PKCS#8 "PRIVATE KEY" / SubjectPublicKeyInfo "PUBLIC KEY") conversions.
// Parsing throws std::invalid_argument for anything but an Ed25519 key.
std::string PrivateKeyToPem(const Ed25519PrivateKey& private_key);
std::string PublicKeyToPem(const Ed25519PublicKey& public_key);
Ed25519PrivateKey PrivateKeyFromPem(std::string_view pem);
Ed25519PublicKey PublicKeyFromPem(std::string_view pem);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_PACKAGE_SIGNER_H_
