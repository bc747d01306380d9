// Ed25519 package signatures: verify ok, every tampering refused.
#include "train/package_signer.h"

#include <gtest/gtest.h>

#include <vector>

#include "float_test_models.h"
#include "tinyml/package/package_format.h"
#include "train/package_writer.h"

namespace lwcl::train {
namespace {

using tinyml::Status;

std::vector<uint8_t> Package() {
  const FloatModel m = testing::RandomModel(31, testing::SmallDsp(), {8}, 3);
  return WritePackage(m, QuantizeModel(m, testing::RandomInputs(m, 20, 32)));
}

TEST(PackageSigner, SignedPackageVerifies) {
  const Ed25519KeyPair keys = GenerateKeyPair();
  EXPECT_EQ(PublicKeyOf(keys.private_key), keys.public_key);
  const std::vector<uint8_t> unsigned_package = Package();
  EXPECT_EQ(VerifyPackageSignature(unsigned_package, keys.public_key), Status::kUnsigned);
  const std::vector<uint8_t> signed_package = SignPackage(unsigned_package, keys.private_key);
  EXPECT_EQ(signed_package.size(),
            unsigned_package.size() + tinyml::package_format::kEd25519SignatureBytes);
  EXPECT_EQ(VerifyPackageSignature(signed_package, keys.public_key), Status::kOk);
  // Signing never changes the digest (a delta's base stays valid).
  EXPECT_EQ(PackageDigest(signed_package), PackageDigest(unsigned_package));
  // Re-signing replaces the signature rather than appending another.
  const Ed25519KeyPair other = GenerateKeyPair();
  const std::vector<uint8_t> resigned = SignPackage(signed_package, other.private_key);
  EXPECT_EQ(resigned.size(), signed_package.size());
  EXPECT_EQ(VerifyPackageSignature(resigned, other.public_key), Status::kOk);
  EXPECT_EQ(VerifyPackageSignature(resigned, keys.public_key), Status::kBadSignature);
}

TEST(PackageSigner, TamperingFails) {
  const Ed25519KeyPair keys = GenerateKeyPair();
  const std::vector<uint8_t> good = SignPackage(Package(), keys.private_key);
  // A flipped signature byte.
  std::vector<uint8_t> bad = good;
  bad.back() ^= 0x40;
  EXPECT_EQ(VerifyPackageSignature(bad, keys.public_key), Status::kBadSignature);
  // A flipped body byte breaks the digest first.
  bad = good;
  bad[40] ^= 0x01;
  EXPECT_EQ(VerifyPackageSignature(bad, keys.public_key), Status::kBadDigest);
  // The wrong key.
  EXPECT_EQ(VerifyPackageSignature(good, GenerateKeyPair().public_key), Status::kBadSignature);
  // An unreadable package cannot be signed.
  bad = good;
  bad[0] = 'X';
  EXPECT_THROW(SignPackage(bad, keys.private_key), std::invalid_argument);
}

TEST(PackageSigner, PemRoundTrips) {
  const Ed25519KeyPair keys = GenerateKeyPair();
  const std::string private_pem = PrivateKeyToPem(keys.private_key);
  const std::string public_pem = PublicKeyToPem(keys.public_key);
  EXPECT_NE(private_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(public_pem.find("BEGIN PUBLIC KEY"), std::string::npos);
  EXPECT_EQ(PrivateKeyFromPem(private_pem), keys.private_key);
  EXPECT_EQ(PublicKeyFromPem(public_pem), keys.public_key);
  EXPECT_THROW(PublicKeyFromPem("not a key"), std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::train
