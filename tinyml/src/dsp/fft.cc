#include "tinyml/dsp/fft.h"

#include "tinyml/dsp/spectral_config.h"

namespace lwcl::tinyml {
namespace {

constexpr float kTwoPi = 6.28318530717958647692f;
constexpr float kHalfPi = 1.57079632679489661923f;

// Taylor series on [0, pi/4]; the first omitted terms are below 2e-9.
void SinCosEighth(float x, float* s, float* c) {
  const float x2 = x * x;
  *s = x * (1.0f - x2 / 6.0f * (1.0f - x2 / 20.0f * (1.0f - x2 / 42.0f * (1.0f - x2 / 72.0f))));
  *c = 1.0f - x2 / 2.0f * (1.0f - x2 / 12.0f * (1.0f - x2 / 30.0f * (1.0f - x2 / 56.0f * (1.0f - x2 / 90.0f))));
}

}  // namespace

void SinCosQuadrant(float radians, float* sin_out, float* cos_out) {
  float x = radians < 0.0f ? 0.0f : (radians > kHalfPi ? kHalfPi : radians);
  if (x <= 0.5f * kHalfPi) {
    SinCosEighth(x, sin_out, cos_out);
  } else {
    SinCosEighth(kHalfPi - x, cos_out, sin_out);  // sin(x) = cos(pi/2 - x)
  }
}

bool IsValidFftLength(size_t n) {
  return n >= kMinFftLength && n <= kMaxFftLength && (n & (n - 1)) == 0;
}

Status RealFft::Init(size_t n, Span<float> scratch) {
  n_ = 0;
  if (!IsValidFftLength(n)) return Status::kInvalidArgument;
  if (scratch.size < ScratchFloats(n)) return Status::kBufferTooSmall;
  cos_ = scratch.data;
  work_ = scratch.data + (n / 4 + 1);
  const float step = kTwoPi / static_cast<float>(n);
  float unused;
  for (size_t j = 0; j < n / 4; ++j) SinCosQuadrant(step * static_cast<float>(j), &unused, &cos_[j]);
  cos_[n / 4] = 0.0f;  // exact zero at a quarter turn keeps pure bins clean
  n_ = n;
  return Status::kOk;
}

void RealFft::Twiddle(size_t k, float* re, float* im) const {
  // cos and sin of 2*pi*k/n for k in [0, n/2], folded into the first quadrant.
  const size_t q = n_ / 4;
  if (k <= q) {
    *re = cos_[k];
    *im = -cos_[q - k];
  } else {
    *re = -cos_[n_ / 2 - k];
    *im = -cos_[k - q];
  }
}

Span<const float> RealFft::Forward(Span<const float> frame) {
  if (n_ == 0) return {};
  const size_t n = n_;
  const size_t m = n / 2;  // complex points
  float* z = work_;

  // Packing x[2j] + i*x[2j+1] is just the real frame laid out as is; the
  // bit-reversal permutation (over complex indices) is folded into the copy.
  size_t bits = 0;
  while ((size_t{1} << bits) < m) ++bits;
  const size_t count = frame.size < n ? frame.size : n;
  for (size_t j = 0; j < m; ++j) {
    size_t r = 0;
    for (size_t b = 0; b < bits; ++b) r |= ((j >> b) & 1u) << (bits - 1 - b);
    const size_t s = 2 * j;
    z[2 * r] = s < count ? frame[s] : 0.0f;
    z[2 * r + 1] = s + 1 < count ? frame[s + 1] : 0.0f;
  }

  // Iterative radix-2 decimation in time; exp(-2*pi*i*j/len) = W^(j*n/len).
  for (size_t len = 2; len <= m; len <<= 1) {
    const size_t half = len / 2;
    const size_t stride = n / len;
    for (size_t j = 0; j < half; ++j) {
      float wr, wi;
      Twiddle(j * stride, &wr, &wi);
      for (size_t i = j; i < m; i += len) {
        float* a = z + 2 * i;
        float* b = z + 2 * (i + half);
        const float tr = b[0] * wr - b[1] * wi;
        const float ti = b[0] * wi + b[1] * wr;
        b[0] = a[0] - tr;
        b[1] = a[1] - ti;
        a[0] += tr;
        a[1] += ti;
      }
    }
  }

  // Split: with E = (Z[k] + conj Z[m-k]) / 2 and O = (Z[k] - conj Z[m-k]) / 2i,
  // X[k] = E + W^k O and X[m-k] = conj(E - W^k O). Done in place pairwise.
  const float z0r = z[0], z0i = z[1];
  z[0] = z0r + z0i;
  z[1] = 0.0f;
  z[2 * m] = z0r - z0i;
  z[2 * m + 1] = 0.0f;
  for (size_t k = 1; k <= m / 2; ++k) {
    float* p = z + 2 * k;
    float* q = z + 2 * (m - k);
    const float er = 0.5f * (p[0] + q[0]);
    const float ei = 0.5f * (p[1] - q[1]);
    const float or_ = 0.5f * (p[1] + q[1]);
    const float oi = -0.5f * (p[0] - q[0]);
    float wr, wi;
    Twiddle(k, &wr, &wi);
    const float tr = wr * or_ - wi * oi;
    const float ti = wr * oi + wi * or_;
    p[0] = er + tr;
    p[1] = ei + ti;
    q[0] = er - tr;
    q[1] = -(ei - ti);
  }
  return Span<const float>(work_, n + 2);
}

Span<const float> RealFft::Power(Span<const float> frame) {
  if (Forward(frame).empty()) return {};
  // Bin k reads floats 2k, 2k+1 and writes float k <= 2k: safe in place.
  const size_t bins = n_ / 2 + 1;
  for (size_t k = 0; k < bins; ++k) {
    const float re = work_[2 * k], im = work_[2 * k + 1];
    work_[k] = re * re + im * im;
  }
  return Span<const float>(work_, bins);
}

}  // namespace lwcl::tinyml
