// Ed25519 verification against the RFC 8032 test vectors and OpenSSL: what
// OpenSSL signs verifies, and every tampered message, signature or key, a
// malleable S + L and a non-canonical key are refused.
#include "tinyml/package/ed25519.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace lwcl::tinyml {
namespace {

std::vector<uint8_t> Hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

bool Verify(const std::vector<uint8_t>& message, const std::vector<uint8_t>& key,
            const std::vector<uint8_t>& signature) {
  return Ed25519Verify(Span<const uint8_t>(message.data(), message.size()), key.data(),
                       signature.data());
}

// OpenSSL as the oracle: keys from a seed, deterministic signatures.
struct OpenSslKey {
  explicit OpenSslKey(const std::vector<uint8_t>& seed)
      : key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
            EVP_PKEY_free) {}
  std::vector<uint8_t> Public() const {
    std::vector<uint8_t> out(32);
    size_t n = out.size();
    EXPECT_EQ(EVP_PKEY_get_raw_public_key(key.get(), out.data(), &n), 1);
    return out;
  }
  std::vector<uint8_t> Sign(const std::vector<uint8_t>& message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::vector<uint8_t> sig(64);
    size_t n = sig.size();
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()), 1);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &n, message.data(), message.size()), 1);
    return sig;
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key;
};

struct Rfc8032Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032, section 7.1, tests 1-3.
constexpr Rfc8032Vector kVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519, AcceptsTheRfc8032VectorsAndNothingNextToThem) {
  for (const Rfc8032Vector& v : kVectors) {
    const std::vector<uint8_t> key = Hex(v.public_key);
    const std::vector<uint8_t> message = Hex(v.message);
    const std::vector<uint8_t> sig = Hex(v.signature);
    // The vectors are what OpenSSL computes too.
    const OpenSslKey openssl(Hex(v.seed));
    ASSERT_EQ(openssl.Public(), key);
    ASSERT_EQ(openssl.Sign(message), sig);

    EXPECT_TRUE(Verify(message, key, sig)) << v.public_key;
    for (size_t byte : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
      std::vector<uint8_t> bad = sig;
      bad[byte] ^= 0x01;
      EXPECT_FALSE(Verify(message, key, bad)) << "signature byte " << byte;
    }
    std::vector<uint8_t> other_key = key;
    other_key[5] ^= 0x10;
    EXPECT_FALSE(Verify(message, other_key, sig));
    std::vector<uint8_t> longer = message;
    longer.push_back(0);
    EXPECT_FALSE(Verify(longer, key, sig));
  }
}

TEST(Ed25519, VerifiesWhatOpenSslSignsAndRefusesTampering) {
  std::mt19937 rng(8032);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> length(0, 300);
  for (int round = 0; round < 40; ++round) {
    std::vector<uint8_t> seed(32);
    for (uint8_t& b : seed) b = static_cast<uint8_t>(byte(rng));
    const OpenSslKey key(seed);
    std::vector<uint8_t> message(length(rng));
    for (uint8_t& b : message) b = static_cast<uint8_t>(byte(rng));
    const std::vector<uint8_t> sig = key.Sign(message);
    ASSERT_TRUE(Verify(message, key.Public(), sig)) << "round " << round;
    if (!message.empty()) {
      std::vector<uint8_t> tampered = message;
      tampered[static_cast<size_t>(round) % tampered.size()] ^= 0x80;
      EXPECT_FALSE(Verify(tampered, key.Public(), sig));
    }
    std::vector<uint8_t> bad = sig;
    bad[static_cast<size_t>(round) % 64] ^= static_cast<uint8_t>(1u << (round % 8));
    EXPECT_FALSE(Verify(message, key.Public(), bad));
  }
}

TEST(Ed25519, RefusesMalleableSAndNonCanonicalKeys) {
  const Rfc8032Vector& v = kVectors[1];
  const std::vector<uint8_t> key = Hex(v.public_key);
  const std::vector<uint8_t> message = Hex(v.message);
  std::vector<uint8_t> sig = Hex(v.signature);
  // S + L is the same point arithmetic but not below L: refused.
  const std::vector<uint8_t> order =
      Hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  int carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    const int sum = sig[32 + i] + order[i] + carry;
    sig[32 + i] = static_cast<uint8_t>(sum & 0xff);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0);
  EXPECT_FALSE(Verify(message, key, sig));
  // y = p (all ones but the low byte ed, top bit clear) is not canonical.
  std::vector<uint8_t> non_canonical(32, 0xff);
  non_canonical[0] = 0xed;
  non_canonical[31] = 0x7f;
  EXPECT_FALSE(Verify(message, non_canonical, Hex(v.signature)));
  // Garbage never verifies (and never crashes).
  std::vector<uint8_t> zeros(64, 0);
  EXPECT_FALSE(Verify(message, key, zeros));
  EXPECT_FALSE(Verify(message, std::vector<uint8_t>(32, 0), Hex(v.signature)));
}

}  // namespace
}  // namespace lwcl::tinyml
