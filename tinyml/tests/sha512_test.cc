// SHA-512 against OpenSSL at every length up to three blocks, fed whole and
// in uneven chunks, plus the FIPS 180-4 "abc" example.
#include "tinyml/package/sha512.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdint>
#include <random>
#include <vector>

namespace lwcl::tinyml {
namespace {

std::vector<uint8_t> Digest(const std::vector<uint8_t>& data, size_t chunk) {
  Sha512 h;
  Sha512Init(&h);
  for (size_t at = 0; at < data.size(); at += chunk) {
    const size_t n = std::min(chunk, data.size() - at);
    Sha512Update(&h, Span<const uint8_t>(data.data() + at, n));
  }
  std::vector<uint8_t> out(kSha512Bytes);
  Sha512Final(&h, out.data());
  return out;
}

TEST(Sha512, MatchesTheStandardExample) {
  const std::vector<uint8_t> abc = {'a', 'b', 'c'};
  const std::vector<uint8_t> d = Digest(abc, 3);
  // FIPS 180-4 example: SHA-512("abc") starts ddaf35a1 93617aba and ends a54ca49f.
  EXPECT_EQ(d[0], 0xdd);
  EXPECT_EQ(d[1], 0xaf);
  EXPECT_EQ(d[7], 0xba);
  EXPECT_EQ(d[63], 0x9f);
}

TEST(Sha512, MatchesOpenSslAtEveryLengthAndChunking) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t len = 0; len <= 3 * 128 + 1; ++len) {
    std::vector<uint8_t> data(len);
    for (uint8_t& b : data) b = static_cast<uint8_t>(byte(rng));
    std::vector<uint8_t> want(SHA512_DIGEST_LENGTH);
    SHA512(data.data(), data.size(), want.data());
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{111}, size_t{128}, len + 1}) {
      ASSERT_EQ(Digest(data, chunk), want) << "length " << len << ", chunks of " << chunk;
    }
  }
}

}  // namespace
}  // namespace lwcl::tinyml
