// The core's SHA-256 against FIPS 180-4 vectors and OpenSSL as an oracle.
#include "tinyml/package/sha256.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace lwcl::tinyml {
namespace {

std::string Hex(const uint8_t* d) {
  std::string s;
  char buf[3];
  for (size_t i = 0; i < kSha256Bytes; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", d[i]);
    s += buf;
  }
  return s;
}

std::string DigestOf(const std::string& text) {
  uint8_t d[kSha256Bytes];
  Sha256Digest(Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()), d);
  return Hex(d);
}

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(DigestOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(DigestOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(DigestOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(DigestOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MatchesOpenSslAtEveryLengthAndChunking) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t n = 0; n < 300; ++n) {
    std::vector<uint8_t> data(n);
    for (auto& b : data) b = static_cast<uint8_t>(byte(rng));
    uint8_t want[SHA256_DIGEST_LENGTH];
    SHA256(data.data(), data.size(), want);
    uint8_t got[kSha256Bytes];
    Sha256Digest(Span<const uint8_t>(data.data(), data.size()), got);
    ASSERT_EQ(Hex(got), Hex(want)) << "length " << n;
    // The same bytes fed in random pieces.
    Sha256 h;
    Sha256Init(&h);
    size_t at = 0;
    while (at < n) {
      const size_t piece = std::min(n - at, static_cast<size_t>(byte(rng) % 80));
      Sha256Update(&h, Span<const uint8_t>(data.data() + at, piece));
      at += piece;
    }
    Sha256Final(&h, got);
    ASSERT_EQ(Hex(got), Hex(want)) << "chunked, length " << n;
  }
}

}  // namespace
}  // namespace lwcl::tinyml
