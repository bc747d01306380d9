// Package authentication on the device: one Ed25519 verification (what a
// device pays once per package it installs) and SHA-512 throughput.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "tinyml/package/ed25519.h"
#include "tinyml/package/sha512.h"

namespace {

using lwcl::tinyml::Span;

// RFC 8032, section 7.1, test 2.
constexpr uint8_t kPublicKey[32] = {0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
                                    0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
                                    0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c};
constexpr uint8_t kSignature[64] = {
    0x92, 0xa0, 0x09, 0xa9, 0xf0, 0xd4, 0xca, 0xb8, 0x72, 0x0e, 0x82, 0x0b, 0x5f, 0x64, 0x25, 0x40,
    0xa2, 0xb2, 0x7b, 0x54, 0x16, 0x50, 0x3f, 0x8f, 0xb3, 0x76, 0x22, 0x23, 0xeb, 0xdb, 0x69, 0xda,
    0x08, 0x5a, 0xc1, 0xe4, 0x3e, 0x15, 0x99, 0x6e, 0x45, 0x8f, 0x36, 0x13, 0xd0, 0xf1, 0x1d, 0x8c,
    0x38, 0x7b, 0x2e, 0xae, 0xb4, 0x30, 0x2a, 0xee, 0xb0, 0x0d, 0x29, 0x16, 0x12, 0xbb, 0x0c, 0x00};

void BM_Ed25519Verify(benchmark::State& state) {
  const uint8_t message[1] = {0x72};
  for (auto _ : state) {
    const bool ok = lwcl::tinyml::Ed25519Verify(Span<const uint8_t>(message), kPublicKey, kSignature);
    if (!ok) state.SkipWithError("the RFC vector did not verify");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Ed25519Verify)->Unit(benchmark::kMillisecond);

void BM_Sha512(benchmark::State& state) {
  const std::vector<uint8_t> data(static_cast<size_t>(state.range(0)), 0x5a);
  uint8_t digest[lwcl::tinyml::kSha512Bytes];
  for (auto _ : state) {
    lwcl::tinyml::Sha512 h;
    lwcl::tinyml::Sha512Init(&h);
    lwcl::tinyml::Sha512Update(&h, Span<const uint8_t>(data.data(), data.size()));
    lwcl::tinyml::Sha512Final(&h, digest);
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha512)->Arg(4096);

}  // namespace
