// libFuzzer target: ReadPackage (and, for packages it accepts, a Classifier
// run) on hostile bytes. The reader must never read out of bounds, never
// trip a sanitizer and always answer with a Status.
//
// Random bytes almost never carry a valid SHA-256, so the first input byte
// picks how the rest is used:
//   0: the bytes are a package, as received;
//   1: the bytes are a package body: a valid header is forced and the trailer
//      (digest) recomputed, so the section parser sees them;
//   2: the bytes are (offset, value) edits applied to a valid package built
//      at start-up (golden windows included), digest recomputed: mutations
//      deep inside real sections.
// No seed files live in git: mode 2 starts from a real package by itself.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/golden_self_test.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"

namespace {

using namespace lwcl;  // NOLINT: a fuzz main
namespace pf = tinyml::package_format;

std::vector<uint8_t>* g_seed = nullptr;

// 4-byte aligned copy, as a device's flash slot would be.
struct Aligned {
  explicit Aligned(size_t n) : words(n / 4 + 1), size(n) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data()); }
  std::vector<uint32_t> words;
  size_t size;
};

void Finalize(Aligned& b, size_t body) {
  const uint32_t body32 = static_cast<uint32_t>(body);
  std::memcpy(b.data() + 8, &body32, 4);
  tinyml::Sha256Digest(tinyml::Span<const uint8_t>(b.data(), body), b.data() + body);
  std::memset(b.data() + body + pf::kDigestBytes, 0, 4);
}

void Exercise(Aligned& b) {
  tinyml::PackageView view;
  if (tinyml::ReadPackage(tinyml::Span<const uint8_t>(b.data(), b.size), &view) !=
      tinyml::Status::kOk) {
    return;
  }
  const size_t need = tinyml::RequiredArenaBytes(view);
  if (need == 0 || need > (4u << 20)) return;
  Aligned arena(need);
  tinyml::Classifier c;
  if (c.Init(view, tinyml::Span<uint8_t>(arena.data(), need)) != tinyml::Status::kOk) return;
  const size_t window = static_cast<size_t>(view.dsp.window_samples) * view.dsp.axes;
  std::vector<float> samples(window);
  for (size_t i = 0; i < window; ++i) samples[i] = static_cast<float>(i % 7) - 3.0f;
  tinyml::Result r;
  c.ClassifyWindow(tinyml::Span<const float>(samples.data(), samples.size()), &r);
  c.ClassifyFeatures(tinyml::Span<const float>(view.feature_mean.data, view.feature_count), &r);
  // Golden windows the reader accepted must be safe to run.
  tinyml::GoldenSelfTestResult golden;
  tinyml::RunGoldenSelfTest(view, tinyml::Span<uint8_t>(arena.data(), need), &golden);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // With golden windows, so mode 2 mutates GOLD records too.
  g_seed = new std::vector<uint8_t>(
      testing::BytesWithGolden(testing::RandomInt8Model(1, testing::SmallDsp(), {6}, 3), 2, 1));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  ++data;
  --size;
  if (mode == 0) {
    Aligned b(size);
    if (size > 0) std::memcpy(b.data(), data, size);
    Exercise(b);
  } else if (mode == 1) {
    const size_t body = pf::kHeaderBytes + (size & ~size_t{3});
    Aligned b(body + pf::kTrailerFixedBytes);
    std::memset(b.data(), 0, b.size);
    std::memcpy(b.data(), pf::kMagic, 4);
    const uint16_t version = pf::kVersion;
    std::memcpy(b.data() + 4, &version, 2);
    if (size >= 2) std::memcpy(b.data() + 6, data, 2);  // let the fuzzer pick flags
    std::memcpy(b.data() + pf::kHeaderBytes, data, size & ~size_t{3});
    Finalize(b, body);
    Exercise(b);
  } else {
    const std::vector<uint8_t>& seed = *g_seed;
    uint32_t body32 = 0;
    std::memcpy(&body32, seed.data() + 8, 4);
    const size_t body = body32;
    Aligned b(body + pf::kTrailerFixedBytes);
    std::memcpy(b.data(), seed.data(), b.size);
    for (size_t i = 0; i + 3 <= size; i += 3) {
      const size_t at = pf::kHeaderBytes + (static_cast<size_t>(data[i]) << 8 | data[i + 1]) %
                                               (body - pf::kHeaderBytes);
      b.data()[at] = data[i + 2];
    }
    Finalize(b, body);
    Exercise(b);
  }
  return 0;
}
