#include "selftest_builtin_data.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"
#include "tinyml/span.h"

namespace lwcl::firmware {
namespace {

namespace pf = tinyml::package_format;

// The case: 2 axes, 64 samples at 16 Hz, no filter, 16-point FFT without
// overlap (every frame full), linear spectrum. Axis 0 is sin(2*pi*2*t), exactly
// on bin 2; axis 1 is the constant 3 (all zero once the mean is removed).
constexpr uint8_t kAxes = 2;
constexpr uint16_t kWindow = 64;
constexpr uint16_t kFft = 16;
constexpr size_t kPerAxis = 5 + kFft / 2;  // RMS, skew, kurtosis, spectral skew/kurtosis, bins 1..8
constexpr size_t kFeatures = kAxes * kPerAxis;
constexpr size_t kClasses = 2;

// Hand-derived features (normalisation is mean 0, std 1, so raw = normalised):
//  sine: RMS 1/sqrt(2); skewness 0; kurtosis (3/8)/(1/2)^2 - 3 = -1.5; power
//    |rfft|^2/N = (N/2)^2/N = 4 in bin 2 and 0 elsewhere, so over the 9 bins
//    (0..8, one spike) spectral skewness 7/sqrt(8), kurtosis 33/8; bins 0 4 0...
//  constant: RMS 0, skewness 0, kurtosis -3 (sd 0 taken as 1e-10), flat zero
//    spectrum: spectral skewness 0, kurtosis -3; bins all 0.
constexpr float kGoldenFeatures[kFeatures] = {
    0.70710678f, 0.0f, -1.5f, 2.47487373f, 4.125f, 0.0f, 4.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
    0.0f,        0.0f, -3.0f, 0.0f,        -3.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};

// One int8 layer, input scale 0.1 (zero point 0), per-channel weight scale
// 1.0, output scale 0.1 (zero point 0): the requantisation factor is
// 0.1 * 1.0 / 0.1 = 1, i.e. multiplier 2^30 (0.5 in Q31) with shift 1.
// Quantised inputs: f0 7, f2 -15, f3 25 (24.75), f6 40, f15 -30; the rest 0
// (f4 41 and f17 -30 have zero weights).
//  logit 0 = 5 + 2*f0 + f6       = 5 + 14 + 40 = 59 -> 5.9
//  logit 1 = 0 + f2 + f3 + f15   = -15 + 25 - 30 = -20 -> -2.0
// so the label is 0 ("sine").
constexpr float kInputScale = 0.1f;
constexpr float kOutputScale = 0.1f;
constexpr int32_t kBias[kClasses] = {5, 0};
constexpr float kGoldenLogits[kClasses] = {5.9f, -2.0f};
constexpr uint8_t kGoldenLabel = 0;

// Appends little-endian fields to a fixed buffer; any overflow sets !ok.
struct PackageBuilder {
  uint8_t* bytes;
  size_t capacity;
  size_t size = 0;
  bool ok = true;

  void Raw(const void* p, size_t n) {
    if (n > capacity - size) {
      ok = false;
      return;
    }
    std::memcpy(bytes + size, p, n);  // the targets are little-endian (checked by the reader)
    size += n;
  }
  void U8(uint8_t v) { Raw(&v, 1); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void I32(int32_t v) { Raw(&v, 4); }
  void F32(float v) { Raw(&v, 4); }
  void Text(const char* s) {
    const size_t n = std::strlen(s);
    U16(static_cast<uint16_t>(n));
    Raw(s, n);
  }
  // Starts a section; returns where its length goes.
  size_t Begin(uint32_t tag) {
    U32(tag);
    const size_t at = size;
    U32(0);
    return at;
  }
  void End(size_t length_at) {
    const uint32_t length = static_cast<uint32_t>(size - length_at - 4);
    if (ok) std::memcpy(bytes + length_at, &length, 4);
    while (ok && size % pf::kAlignment != 0) U8(0);
  }
};

alignas(8) uint8_t g_package[1024];
float g_samples[kWindow * kAxes];
SelftestWindow g_window;
SelftestData g_data;

size_t BuildPackage() {
  PackageBuilder b{g_package, sizeof(g_package)};
  b.Raw(pf::kMagic, sizeof(pf::kMagic));
  b.U16(pf::kVersion);
  b.U16(0);  // flags: a full package
  const size_t body_at = b.size;
  b.U32(0);  // body bytes, patched below
  b.U32(0);

  size_t at = b.Begin(pf::kTagInfo);
  const char* name = "firmware-builtin";
  const char* version = "1.0.0";
  b.U16(static_cast<uint16_t>(std::strlen(name)));
  b.U16(static_cast<uint16_t>(std::strlen(version)));
  b.U16(kClasses);
  b.U16(0);
  b.Raw(name, std::strlen(name));
  b.Raw(version, std::strlen(version));
  b.Text("sine");
  b.Text("flat");
  b.End(at);

  at = b.Begin(pf::kTagInput);
  b.U8(kAxes);
  b.U8(1);  // no decimation
  b.U8(0);  // no filter
  b.U8(0);  // filter order
  b.U16(kWindow);
  b.U16(kWindow / 2);  // stride
  b.F32(16.0f);        // sample rate
  b.F32(1.0f);         // scale
  b.F32(0.0f);         // cut-off
  b.U16(kFft);
  b.U8(0);  // overlap off
  b.U8(0);  // linear spectrum
  b.U32(kFeatures);
  b.U32(0);
  b.End(at);

  at = b.Begin(pf::kTagNorm);
  b.U32(kFeatures);
  b.U32(0);
  for (size_t i = 0; i < kFeatures; ++i) b.F32(0.0f);
  for (size_t i = 0; i < kFeatures; ++i) b.F32(1.0f);
  b.End(at);

  at = b.Begin(pf::kTagDrift);
  b.U32(kFeatures);
  b.U32(kClasses);
  b.F32(1.0f);  // anomaly radius
  b.U32(0);
  for (size_t i = 0; i < kFeatures; ++i) b.F32(0.0f);             // drift mean
  for (size_t i = 0; i < kFeatures; ++i) b.F32(1.0f);             // drift variance
  for (size_t i = 0; i < kClasses * kFeatures; ++i) b.F32(0.0f);  // centroids
  b.End(at);

  at = b.Begin(pf::kTagLayer);
  b.U16(0);  // layer index
  b.U8(pf::kActivationNone);
  b.U8(0);
  b.U16(kFeatures);
  b.U16(kClasses);
  b.F32(kInputScale);
  b.I32(0);
  b.F32(kOutputScale);
  b.I32(0);
  for (size_t o = 0; o < kClasses; ++o) b.F32(1.0f);     // weight scales
  for (size_t o = 0; o < kClasses; ++o) b.I32(kBias[o]);  // bias
  for (size_t o = 0; o < kClasses; ++o) b.I32(1 << 30);   // multiplier: 0.5 ...
  for (size_t o = 0; o < kClasses; ++o) b.I32(1);         // ... times 2^1
  int8_t weights[kClasses][kFeatures] = {};
  weights[0][0] = 2;
  weights[0][6] = 1;
  weights[1][2] = 1;
  weights[1][3] = 1;
  weights[1][kPerAxis + 2] = 1;
  b.Raw(weights, sizeof(weights));
  b.End(at);

  const uint32_t body = static_cast<uint32_t>(b.size);
  if (!b.ok) return 0;
  std::memcpy(g_package + body_at, &body, 4);
  uint8_t digest[tinyml::kSha256Bytes];
  tinyml::Sha256Digest(tinyml::Span<const uint8_t>(g_package, body), digest);
  b.Raw(digest, sizeof(digest));
  b.U32(pf::kSignatureNone);
  return b.ok ? b.size : 0;
}

}  // namespace

const SelftestData& BuiltinSelftestData() {
  if (g_data.package == nullptr) {
    constexpr float kTwoPi = 6.28318530717958647692f;
    for (size_t i = 0; i < kWindow; ++i) {
      g_samples[kAxes * i] = std::sin(kTwoPi * static_cast<float>(i % 8) / 8.0f);
      g_samples[kAxes * i + 1] = 3.0f;
    }
    g_window = SelftestWindow{g_samples,    kWindow * kAxes, kGoldenFeatures, kFeatures,
                              kGoldenLogits, kClasses,        kGoldenLabel};
    g_data = SelftestData{"built-in minimal case (closed-form golden values)", g_package,
                          BuildPackage(), &g_window, 1};
  }
  return g_data;
}

}  // namespace lwcl::firmware
