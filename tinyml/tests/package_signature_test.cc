// VerifyPackageSignature: a package signed (here with OpenSSL, as the host's
// signer does) over its digest verifies with the right key only; unsigned,
// re-signed by another key and tampered packages are told apart.
#include "tinyml/package/package_signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/package/package_format.h"

namespace lwcl::tinyml {
namespace {

namespace pf = package_format;

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Key KeyFromSeed(uint8_t fill) {
  const std::vector<uint8_t> seed(32, fill);
  return Key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
             EVP_PKEY_free);
}

std::vector<uint8_t> PublicKey(const Key& key) {
  std::vector<uint8_t> out(32);
  size_t n = out.size();
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key.get(), out.data(), &n), 1);
  return out;
}

// The unsigned package with its trailer switched to Ed25519 and the
// signature of its digest appended.
std::vector<uint8_t> Signed(const std::vector<uint8_t>& unsigned_package, const Key& key) {
  std::vector<uint8_t> out(unsigned_package.begin(), unsigned_package.end() - 4);
  const uint8_t* digest = out.data() + out.size() - pf::kDigestBytes;
  std::vector<uint8_t> sig(64);
  size_t n = sig.size();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &n, digest, pf::kDigestBytes), 1);
  const uint32_t scheme = pf::kSignatureEd25519;
  const uint8_t* s = reinterpret_cast<const uint8_t*>(&scheme);
  out.insert(out.end(), s, s + 4);
  out.insert(out.end(), sig.begin(), sig.end());
  return out;
}

Status ReadAndVerify(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& key) {
  PackageView view;
  const Status read = ReadPackage(Span<const uint8_t>(bytes.data(), bytes.size()), &view);
  if (read != Status::kOk) return read;
  return VerifyPackageSignature(view, key.data());
}

TEST(PackageSignature, OnlyTheFleetKeyVerifies) {
  const std::vector<uint8_t> plain =
      testing::RandomInt8Model(21, testing::SmallDsp(), {4}, 2).Bytes();
  const Key fleet = KeyFromSeed(0x11);
  const Key stranger = KeyFromSeed(0x22);
  const std::vector<uint8_t> by_fleet = Signed(plain, fleet);
  const std::vector<uint8_t> by_stranger = Signed(plain, stranger);

  EXPECT_EQ(ReadAndVerify(by_fleet, PublicKey(fleet)), Status::kOk);
  EXPECT_EQ(ReadAndVerify(plain, PublicKey(fleet)), Status::kUnsigned);
  EXPECT_EQ(ReadAndVerify(by_stranger, PublicKey(fleet)), Status::kBadSignature);

  std::vector<uint8_t> bad_sig = by_fleet;
  bad_sig.back() ^= 0x01;
  EXPECT_EQ(ReadAndVerify(bad_sig, PublicKey(fleet)), Status::kBadSignature);
  // A changed section no longer matches the digest: the reader refuses it
  // before any signature is looked at.
  std::vector<uint8_t> tampered = by_fleet;
  tampered[pf::kHeaderBytes + 12] ^= 0x01;
  EXPECT_EQ(ReadAndVerify(tampered, PublicKey(fleet)), Status::kBadDigest);
}

}  // namespace
}  // namespace lwcl::tinyml
