#include "tinyml/package/sha256.h"

namespace lwcl::tinyml {
namespace {

constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Compress(uint32_t state[8], const uint8_t block[64]) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) {
    w[i] = (static_cast<uint32_t>(block[4 * i]) << 24) |
           (static_cast<uint32_t>(block[4 * i + 1]) << 16) |
           (static_cast<uint32_t>(block[4 * i + 2]) << 8) | static_cast<uint32_t>(block[4 * i + 3]);
  }
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t v[8];
  for (int i = 0; i < 8; ++i) v[i] = state[i];
  for (int i = 0; i < 64; ++i) {
    const uint32_t s1 = Rotr(v[4], 6) ^ Rotr(v[4], 11) ^ Rotr(v[4], 25);
    const uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    const uint32_t t1 = v[7] + s1 + ch + kRoundConstants[i] + w[i];
    const uint32_t s0 = Rotr(v[0], 2) ^ Rotr(v[0], 13) ^ Rotr(v[0], 22);
    const uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    const uint32_t t2 = s0 + maj;
    // Rotate the working variables a..h down by one.
    for (int j = 7; j > 0; --j) v[j] = v[j - 1];
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; ++i) state[i] += v[i];
}

}  // namespace

void Sha256Init(Sha256* h) {
  static constexpr uint32_t kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                           0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; ++i) h->state[i] = kInitial[i];
  h->total_bytes = 0;
  h->block_fill = 0;
}

void Sha256Update(Sha256* h, Span<const uint8_t> data) {
  h->total_bytes += data.size;
  for (size_t i = 0; i < data.size; ++i) {
    h->block[h->block_fill++] = data[i];
    if (h->block_fill == 64) {
      Compress(h->state, h->block);
      h->block_fill = 0;
    }
  }
}

void Sha256Final(Sha256* h, uint8_t digest[kSha256Bytes]) {
  const uint64_t bits = h->total_bytes * 8;
  h->block[h->block_fill++] = 0x80;
  if (h->block_fill > 56) {
    while (h->block_fill < 64) h->block[h->block_fill++] = 0;
    Compress(h->state, h->block);
    h->block_fill = 0;
  }
  while (h->block_fill < 56) h->block[h->block_fill++] = 0;
  for (int i = 0; i < 8; ++i) h->block[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  Compress(h->state, h->block);
  for (int i = 0; i < 8; ++i) {
    digest[4 * i] = static_cast<uint8_t>(h->state[i] >> 24);
    digest[4 * i + 1] = static_cast<uint8_t>(h->state[i] >> 16);
    digest[4 * i + 2] = static_cast<uint8_t>(h->state[i] >> 8);
    digest[4 * i + 3] = static_cast<uint8_t>(h->state[i]);
  }
}

void Sha256Digest(Span<const uint8_t> data, uint8_t digest[kSha256Bytes]) {
  Sha256 h;
  Sha256Init(&h);
  Sha256Update(&h, data);
  Sha256Final(&h, digest);
}

}  // namespace lwcl::tinyml
