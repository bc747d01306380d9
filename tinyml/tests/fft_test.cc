// The core's real FFT against kissfft's kiss_fftr (the oracle), plus the
// properties the spectral block relies on: zero-padding, truncation, a pure
// tone landing in its bin.
#include "tinyml/dsp/fft.h"

#include <gtest/gtest.h>
#include <kissfft/kiss_fftr.h>

#include <cmath>
#include <random>
#include <vector>

namespace lwcl::tinyml {
namespace {

// kiss_fftr of x zero-padded (or truncated) to n points.
std::vector<kiss_fft_cpx> KissRfft(const std::vector<float>& x, size_t n) {
  kiss_fftr_cfg cfg = kiss_fftr_alloc(static_cast<int>(n), 0, nullptr, nullptr);
  std::vector<float> in(n, 0.0f);
  for (size_t i = 0; i < n && i < x.size(); ++i) in[i] = x[i];
  std::vector<kiss_fft_cpx> out(n / 2 + 1);
  kiss_fftr(cfg, in.data(), out.data());
  kiss_fftr_free(cfg);
  return out;
}

std::vector<float> RandomFrame(size_t len, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(len);
  for (float& v : x) v = dist(rng) + 0.3f;  // a DC offset too
  return x;
}

// Float round-off of an FFT grows with log2(n) times the signal's L2 norm.
double Tolerance(const std::vector<float>& x, size_t n) {
  double e = 0;
  for (size_t i = 0; i < x.size() && i < n; ++i) e += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return 4e-7 * std::log2(static_cast<double>(n)) * std::sqrt(e) + 1e-6;
}

TEST(FftTest, ValidLengths) {
  EXPECT_TRUE(IsValidFftLength(16));
  EXPECT_TRUE(IsValidFftLength(1024));
  EXPECT_FALSE(IsValidFftLength(8));
  EXPECT_FALSE(IsValidFftLength(2048));
  EXPECT_FALSE(IsValidFftLength(48));
  EXPECT_FALSE(IsValidFftLength(0));
}

TEST(FftTest, SinCosQuadrantIsAccurate) {
  for (int i = 0; i <= 1000; ++i) {
    const double x = 1.5707963267948966 * i / 1000.0;
    float s, c;
    SinCosQuadrant(static_cast<float>(x), &s, &c);
    EXPECT_NEAR(s, std::sin(x), 2e-7) << x;
    EXPECT_NEAR(c, std::cos(x), 2e-7) << x;
  }
  float s, c;
  SinCosQuadrant(-1.0f, &s, &c);
  EXPECT_EQ(s, 0.0f);
  EXPECT_EQ(c, 1.0f);
}

TEST(FftTest, InitRejectsBadLengthAndShortScratch) {
  std::vector<float> scratch(RealFft::ScratchFloats(64));
  RealFft fft;
  EXPECT_EQ(fft.Init(48, Span<float>(scratch.data(), scratch.size())), Status::kInvalidArgument);
  EXPECT_EQ(fft.Init(2048, Span<float>(scratch.data(), scratch.size())), Status::kInvalidArgument);
  EXPECT_EQ(fft.Init(64, Span<float>(scratch.data(), scratch.size() - 1)), Status::kBufferTooSmall);
  EXPECT_TRUE(fft.Forward(Span<const float>(scratch.data(), 4)).empty()) << "no transform before Init";
  EXPECT_EQ(fft.Init(64, Span<float>(scratch.data(), scratch.size())), Status::kOk);
  EXPECT_EQ(fft.length(), 64u);
}

TEST(FftTest, ForwardMatchesKissFftForEveryLength) {
  for (size_t n = 16; n <= 1024; n *= 2) {
    std::vector<float> scratch(RealFft::ScratchFloats(n));
    RealFft fft;
    ASSERT_EQ(fft.Init(n, Span<float>(scratch.data(), scratch.size())), Status::kOk);
    for (unsigned trial = 0; trial < 4; ++trial) {
      // Full frames, and partial ones that must be zero-padded.
      const size_t len = trial % 2 == 0 ? n : n / 2 + 3 * trial;
      const std::vector<float> x = RandomFrame(len, static_cast<unsigned>(n * 10 + trial));
      const std::vector<kiss_fft_cpx> want = KissRfft(x, n);
      const Span<const float> got = fft.Forward(Span<const float>(x.data(), x.size()));
      ASSERT_EQ(got.size, n + 2);
      const double tol = Tolerance(x, n);
      for (size_t k = 0; k <= n / 2; ++k) {
        EXPECT_NEAR(got[2 * k], want[k].r, tol) << "n=" << n << " len=" << len << " bin " << k;
        EXPECT_NEAR(got[2 * k + 1], want[k].i, tol) << "n=" << n << " len=" << len << " bin " << k;
      }
    }
  }
}

TEST(FftTest, PowerMatchesKissFftMagnitudeSquared) {
  for (size_t n : {16u, 32u, 128u, 512u, 1024u}) {
    std::vector<float> scratch(RealFft::ScratchFloats(n));
    RealFft fft;
    ASSERT_EQ(fft.Init(n, Span<float>(scratch.data(), scratch.size())), Status::kOk);
    const std::vector<float> x = RandomFrame(n, static_cast<unsigned>(n));
    const std::vector<kiss_fft_cpx> want = KissRfft(x, n);
    const Span<const float> got = fft.Power(Span<const float>(x.data(), x.size()));
    ASSERT_EQ(got.size, n / 2 + 1);
    const double tol = Tolerance(x, n);
    for (size_t k = 0; k <= n / 2; ++k) {
      const double mag = std::hypot(static_cast<double>(want[k].r), static_cast<double>(want[k].i));
      EXPECT_NEAR(got[k], mag * mag, 2.0 * mag * tol + tol * tol) << "n=" << n << " bin " << k;
    }
  }
}

TEST(FftTest, LongFrameIsTruncatedToLength) {
  const size_t n = 32;
  std::vector<float> scratch(RealFft::ScratchFloats(n));
  RealFft fft;
  ASSERT_EQ(fft.Init(n, Span<float>(scratch.data(), scratch.size())), Status::kOk);
  const std::vector<float> x = RandomFrame(3 * n, 7);
  const std::vector<kiss_fft_cpx> want = KissRfft(x, n);  // uses the first n
  const Span<const float> got = fft.Forward(Span<const float>(x.data(), x.size()));
  for (size_t k = 0; k <= n / 2; ++k) EXPECT_NEAR(got[2 * k], want[k].r, Tolerance(x, n));
}

TEST(FftTest, PureToneLandsInItsBin) {
  const size_t n = 64;
  std::vector<float> scratch(RealFft::ScratchFloats(n));
  RealFft fft;
  ASSERT_EQ(fft.Init(n, Span<float>(scratch.data(), scratch.size())), Status::kOk);
  for (size_t bin : {1u, 5u, 16u, 31u}) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) {
      x[i] = std::cos(2.0f * 3.14159265f * static_cast<float>(bin * i) / static_cast<float>(n));
    }
    const Span<const float> p = fft.Power(Span<const float>(x.data(), x.size()));
    // A unit cosine on bin b has |X_b| = n/2 and nothing elsewhere.
    EXPECT_NEAR(p[bin], (n / 2.0) * (n / 2.0), 1e-2 * n * n);
    for (size_t k = 0; k <= n / 2; ++k) {
      if (k != bin) {
        EXPECT_LT(p[k], 1e-6 * n * n) << "leak into bin " << k << " from " << bin;
      }
    }
  }
}

TEST(FftTest, ZeroFrameGivesZeroSpectrum) {
  const size_t n = 16;
  std::vector<float> scratch(RealFft::ScratchFloats(n));
  RealFft fft;
  ASSERT_EQ(fft.Init(n, Span<float>(scratch.data(), scratch.size())), Status::kOk);
  const Span<const float> p = fft.Power(Span<const float>());
  ASSERT_EQ(p.size, n / 2 + 1);
  for (float v : p) EXPECT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace lwcl::tinyml
