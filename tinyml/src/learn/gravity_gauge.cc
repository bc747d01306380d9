#include "tinyml/learn/gravity_gauge.h"

#include <cmath>

namespace lwcl::tinyml {

namespace {

// Index of each forgotten sum in the state.
enum : size_t { kW = 0, kU = 1, kUU = 4, kQU = 10, kQ = 13 };
// Σuuᵀ's six distinct entries, in this order: xx xy xz yy yz zz.
constexpr size_t kPair[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};

// The ridge on b, per window and per unit of mean |u|² (so that a gain
// scales the whole fit, offset and radius, and nothing else: the ridge grows
// with the data it is weighed against). Windows in every orientation give
// the b-block of the normal matrix eigenvalues near 4/3 |u|² per window; one
// orientation gives 0 across it. 0.1 shrinks a well-seen offset by about 7 %
// and holds an unseen one at 0.
constexpr float kRidge = 0.1f;

void Cross(const float a[3], const float b[3], float out[3]) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

float Dot(const float a[3], const float b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

}  // namespace

Status GravityGauge::Init(const PackageView& package, Span<float> state, float forgetting) {
  if (!(package.gravity.magnitude > 0.0f)) return Status::kMissingSection;
  if (package.dsp.axes != 3 || package.dsp.window_samples == 0 || state.size < kStateFloats ||
      !(forgetting > 0.0f && forgetting < 1.0f)) {
    return Status::kInvalidArgument;
  }
  package_ = &package;
  sums_ = state.subspan(0, kStateFloats);
  forgetting_ = forgetting;
  Reset();
  return Status::kOk;
}

void GravityGauge::Reset() {
  for (float& s : sums_) s = 0.0f;
}

WindowGravity MeasureWindowGravity(Span<const float> window, float scale) {
  WindowGravity g;
  const size_t n = window.size / 3;
  if (n == 0 || window.size != 3 * n) return g;
  // Per-axis mean and motion, in one pass about the first sample so the
  // float sums keep their digits.
  float sq = 0.0f;
  for (size_t a = 0; a < 3; ++a) {
    const float origin = window[a];
    float s = 0.0f, s2 = 0.0f;
    for (size_t i = 0; i < n; ++i) {
      const float d = window[3 * i + a] - origin;
      s += d;
      s2 += d * d;
    }
    const float m = s / static_cast<float>(n);
    g.mean[a] = (origin + m) * scale;
    sq += s2 / static_cast<float>(n) - m * m;
  }
  g.motion = std::sqrt(sq > 0.0f ? sq : 0.0f) * std::fabs(scale);
  return g;
}

float WindowGravity::length() const { return std::sqrt(Dot(mean, mean)); }

bool WindowGravity::still(float still_limit) const { return motion <= still_limit * length(); }

void GravityGauge::Observe(Span<const float> window) {
  if (package_ == nullptr || window.size != 3 * static_cast<size_t>(package_->dsp.window_samples)) return;
  const WindowGravity g = MeasureWindowGravity(window, package_->dsp.scale);
  const float to_reference = 1.0f / package_->gravity.magnitude;
  float u[3];
  for (size_t a = 0; a < 3; ++a) u[a] = g.mean[a] * to_reference;
  const float q = Dot(u, u);
  const float length = std::sqrt(q);
  if (!std::isfinite(g.motion) || !std::isfinite(length) || !(length >= 0.05f && length <= 20.0f) ||
      !g.still(package_->gravity.still_limit)) {
    return;
  }
  for (float& s : sums_) s *= forgetting_;
  sums_[kW] += 1.0f;
  for (size_t i = 0; i < 3; ++i) {
    sums_[kU + i] += u[i];
    sums_[kQU + i] += q * u[i];
    for (size_t j = i; j < 3; ++j) sums_[kUU + kPair[i][j]] += u[i] * u[j];
  }
  sums_[kQ] += q;
}

float GravityGauge::counted() const { return package_ ? sums_[kW] : 0.0f; }

bool GravityGauge::settled() const { return counted() * (1.0f - forgetting_) >= 0.5f; }

Status GravityGauge::Estimate(GravityEstimate* out) const {
  if (package_ == nullptr || !(sums_[kW] > 0.0f)) return Status::kNotReady;
  // Least squares for (b, c) in |u|² = 2u·b + c, plus kRidge·W·mean|u|²·|b|².
  // With c eliminated (it absorbs the means), b solves the centred 3 × 3
  // system (4·Cov(u) + kRidge·mean|u|²·I) b = 2·Cov(u, |u|²), by Cramer's rule.
  const float w = sums_[kW];
  float mu[3], rows[3][3], rhs[3];
  for (size_t i = 0; i < 3; ++i) mu[i] = sums_[kU + i] / w;
  const float q = sums_[kQ] / w;
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = 0; j < 3; ++j) rows[i][j] = 4.0f * (sums_[kUU + kPair[i][j]] / w - mu[i] * mu[j]);
    rows[i][i] += kRidge * q;
    rhs[i] = 2.0f * (sums_[kQU + i] / w - mu[i] * q);
  }
  float c12[3], r2c[3], c1r[3];
  Cross(rows[1], rows[2], c12);
  const float det = Dot(rows[0], c12);
  if (!(det > 1e-12f)) return Status::kNotReady;  // positive definite by the ridge, unless broken
  Cross(rhs, rows[2], r2c);
  Cross(rows[1], rhs, c1r);
  const float b[3] = {Dot(rhs, c12) / det, Dot(rows[0], r2c) / det, Dot(rows[0], c1r) / det};
  const float r2 = q - 2.0f * Dot(mu, b) + Dot(b, b);  // c + |b|²
  if (!(r2 > 0.0f) || !std::isfinite(r2)) return Status::kNotReady;
  out->gain = std::sqrt(r2);
  for (size_t i = 0; i < 3; ++i) out->bias[i] = b[i];
  return Status::kOk;
}

float GravityGauge::Score(float applied_gain) const {
  GravityEstimate e;
  if (!(applied_gain > 0.0f) || Estimate(&e) != Status::kOk) return 0.0f;
  return std::fabs(std::log(e.gain / applied_gain)) / package_->gravity.log_spread;
}

}  // namespace lwcl::tinyml
