#include "tinyml/dsp/butterworth.h"

#include "tinyml/dsp/fft.h"

namespace lwcl::tinyml {
namespace {

constexpr float kPi = 3.14159265358979323846f;

}  // namespace

Status DesignButterworth(FilterType type, uint8_t order, float cutoff_hz, float sample_rate_hz,
                         ButterworthSos* out) {
  if (out == nullptr) return Status::kInvalidArgument;
  out->count = 0;
  if (type != FilterType::kLowPass && type != FilterType::kHighPass) return Status::kInvalidArgument;
  if (order < 2 || order > kMaxButterworthOrder || order % 2 != 0) return Status::kInvalidArgument;
  // Written so NaN fails too.
  if (!(sample_rate_hz > 0.0f) || !(cutoff_hz > 0.0f) || !(cutoff_hz < 0.5f * sample_rate_hz)) {
    return Status::kInvalidArgument;
  }

  const bool low = type == FilterType::kLowPass;
  float sw, cw;
  SinCosQuadrant(kPi * cutoff_hz / sample_rate_hz, &sw, &cw);
  const float a = sw / cw;  // pre-warped cut-off, tan(pi * fc / fs)
  const float a2 = a * a;
  const int pairs = order / 2;
  float gain = 1.0f;
  // Analogue pole pair k has damping r = sin(pi*(2k+1)/(2*order)); the
  // bilinear transform of 1/(s^2 + 2rs + 1) (or s^2/(...) for high-pass) has
  // denominator d = 1 + 2ra + a^2. Sections are stored most damped first.
  for (int i = 0; i < pairs; ++i) {
    const int k = pairs - 1 - i;
    float r, unused;
    SinCosQuadrant(kPi * static_cast<float>(2 * k + 1) / static_cast<float>(2 * order), &r, &unused);
    const float d = 1.0f + 2.0f * r * a + a2;
    Biquad& s = out->sections[i];
    s.a1 = 2.0f * (a2 - 1.0f) / d;
    s.a2 = (1.0f - 2.0f * r * a + a2) / d;
    s.b0 = 1.0f;
    s.b1 = low ? 2.0f : -2.0f;
    s.b2 = 1.0f;
    gain *= (low ? a2 : 1.0f) / d;
  }
  out->sections[0].b0 *= gain;
  out->sections[0].b1 *= gain;
  out->sections[0].b2 *= gain;
  out->count = static_cast<uint8_t>(pairs);
  return Status::kOk;
}

void SosFilter(Span<const Biquad> sections, Span<float> state, Span<float> signal) {
  if (state.size < 2 * sections.size) return;
  for (size_t s = 0; s < sections.size; ++s) {
    const Biquad& q = sections[s];
    float z0 = state[2 * s], z1 = state[2 * s + 1];
    for (float& v : signal) {
      const float x = v;
      const float y = q.b0 * x + z0;
      z0 = q.b1 * x - q.a1 * y + z1;
      z1 = q.b2 * x - q.a2 * y;
      v = y;
    }
    state[2 * s] = z0;
    state[2 * s + 1] = z1;
  }
}

void SosFilterZeroState(const ButterworthSos& sos, Span<float> signal) {
  float state[kMaxButterworthOrder] = {};
  SosFilter(Span<const Biquad>(sos.sections, sos.count), Span<float>(state), signal);
}

}  // namespace lwcl::tinyml
