// Behaviour of the motion simulator: determinism, each gesture's signature
// measured with simple statistics, transitions, quantisation.
#include "device/motion_simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace lwcl::device {
namespace {

// One gesture for `seconds`, no cross-fade, one long segment.
MotionSimulatorOptions OnePattern(const std::string& name, uint32_t seed = 3) {
  MotionSimulatorOptions o;
  o.patterns = {name};
  o.min_segment_s = 1000.0f;
  o.max_segment_s = 1000.0f;
  o.seed = seed;
  return o;
}

std::vector<Sample> Take(SensorSource& src, size_t n) {
  std::vector<Sample> out(n);
  for (Sample& s : out) EXPECT_TRUE(src.Next(&s));
  return out;
}

std::vector<Sample> Simulate(const MotionSimulatorOptions& o, double seconds) {
  MotionSimulator sim(o);
  return Take(sim, static_cast<size_t>(seconds * static_cast<double>(o.rate_hz)));
}

struct AxisStats {
  double mean = 0.0;
  double var = 0.0;
};

AxisStats Stats(const std::vector<Sample>& v, size_t axis) {
  AxisStats s;
  for (const Sample& x : v) s.mean += static_cast<double>(x[axis]);
  s.mean /= static_cast<double>(v.size());
  for (const Sample& x : v) s.var += (static_cast<double>(x[axis]) - s.mean) * (static_cast<double>(x[axis]) - s.mean);
  s.var /= static_cast<double>(v.size());
  return s;
}

// Power of the mean-removed signal of `axis` at `freq` (Hz): |DFT|^2 / n^2.
double PowerAt(const std::vector<Sample>& v, size_t axis, double freq, double rate) {
  const double mean = Stats(v, axis).mean;
  double re = 0.0, im = 0.0;
  for (size_t i = 0; i < v.size(); ++i) {
    const double w = 2.0 * std::numbers::pi * freq * static_cast<double>(i) / rate;
    re += (static_cast<double>(v[i][axis]) - mean) * std::cos(w);
    im += (static_cast<double>(v[i][axis]) - mean) * std::sin(w);
  }
  const double n = static_cast<double>(v.size());
  return (re * re + im * im) / (n * n);
}

// The frequency (Hz, 0.1 Hz grid up to Nyquist) with most power on `axis`.
double PeakFrequency(const std::vector<Sample>& v, size_t axis, double rate) {
  double best = 0.0, best_power = -1.0;
  for (double f = 0.3; f < rate / 2.0; f += 0.05) {
    const double p = PowerAt(v, axis, f, rate);
    if (p > best_power) {
      best_power = p;
      best = f;
    }
  }
  return best;
}

// Share of the variance of `axis` above `cutoff` Hz (first difference as a
// crude high-pass would be fuzzy; a DFT sum is exact enough here).
double ShareAbove(const std::vector<Sample>& v, size_t axis, double cutoff, double rate) {
  double above = 0.0, total = 0.0;
  const double df = rate / static_cast<double>(v.size());
  for (double f = df; f < rate / 2.0; f += df) {
    const double p = PowerAt(v, axis, f, rate);
    total += p;
    if (f > cutoff) above += p;
  }
  return above / total;
}

TEST(MotionSimulator, SameSeedSameSamplesOtherSeedOthers) {
  MotionSimulatorOptions o;
  o.seed = 42;
  const std::vector<Sample> a = Simulate(o, 60.0);
  const std::vector<Sample> b = Simulate(o, 60.0);
  EXPECT_EQ(a, b);
  o.seed = 43;
  const std::vector<Sample> c = Simulate(o, 60.0);
  EXPECT_NE(a, c);
}

TEST(MotionSimulator, DefaultsMatchTheDefaultModel) {
  MotionSimulator sim{MotionSimulatorOptions{}};
  EXPECT_FLOAT_EQ(sim.rate_hz(), 26.0f);
  EXPECT_TRUE(IsKnownPattern("figure8"));
  EXPECT_FALSE(IsKnownPattern("Idle"));
}

TEST(MotionSimulator, IdleIsAboutOneGWithLowVariance) {
  const std::vector<Sample> v = Simulate(OnePattern("idle"), 30.0);
  double mag = 0.0;
  for (const Sample& s : v) mag += static_cast<double>(std::sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]));
  mag /= static_cast<double>(v.size());
  EXPECT_NEAR(mag, 1.0, 0.02);
  for (size_t a = 0; a < 3; ++a) EXPECT_LT(std::sqrt(Stats(v, a).var), 0.02) << "axis " << a;
  // Held roughly flat: gravity mostly on z.
  EXPECT_GT(Stats(v, 2).mean, 0.8);
}

TEST(MotionSimulator, UpdownMovesAlongGravityAtItsFrequency) {
  const std::vector<Sample> v = Simulate(OnePattern("updown"), 40.0);
  const double vz = Stats(v, 2).var;
  EXPECT_GT(vz, 0.05);
  EXPECT_GT(vz, 3.0 * Stats(v, 0).var);
  EXPECT_GT(vz, 3.0 * Stats(v, 1).var);
  const double peak = PeakFrequency(v, 2, 26.0);
  EXPECT_GT(peak, 1.5 * 0.7);
  EXPECT_LT(peak, 1.5 * 1.3);
}

TEST(MotionSimulator, WaveIsSideToSide) {
  const std::vector<Sample> v = Simulate(OnePattern("wave"), 40.0);
  const double vx = Stats(v, 0).var;
  EXPECT_GT(vx, 0.1);
  EXPECT_GT(vx, 5.0 * Stats(v, 1).var);
  EXPECT_GT(vx, 2.0 * Stats(v, 2).var);
  const double peak = PeakFrequency(v, 0, 26.0);
  EXPECT_GT(peak, 2.0 * 0.7);
  EXPECT_LT(peak, 2.0 * 1.3);
}

TEST(MotionSimulator, CircleHasTwoAxesInQuadrature) {
  const std::vector<Sample> v = Simulate(OnePattern("circle"), 40.0);
  const AxisStats x = Stats(v, 0), y = Stats(v, 1);
  EXPECT_GT(x.var, 0.05);
  EXPECT_NEAR(x.var / y.var, 1.0, 0.35);
  // In quadrature: uncorrelated at lag 0, strongly correlated a quarter
  // period later.
  const double f = PeakFrequency(v, 0, 26.0);
  const size_t quarter = static_cast<size_t>(std::lround(26.0 / f / 4.0));
  double c0 = 0.0, cq = 0.0;
  for (size_t i = 0; i + quarter < v.size(); ++i) {
    c0 += (static_cast<double>(v[i][0]) - x.mean) * (static_cast<double>(v[i][1]) - y.mean);
    cq += (static_cast<double>(v[i + quarter][0]) - x.mean) * (static_cast<double>(v[i][1]) - y.mean);
  }
  const double norm = static_cast<double>(v.size()) * std::sqrt(x.var * y.var);
  EXPECT_LT(std::fabs(c0 / norm), 0.3);
  EXPECT_GT(std::fabs(cq / norm), 0.6);
}

TEST(MotionSimulator, ShakeHasHighEnergyAboveFiveHertz) {
  const std::vector<Sample> v = Simulate(OnePattern("shake"), 20.0);
  EXPECT_GT(Stats(v, 0).var, 0.3);
  EXPECT_GT(ShareAbove(v, 0, 5.0, 26.0), 0.8);
  // And the slow gestures do not.
  const std::vector<Sample> u = Simulate(OnePattern("updown"), 20.0);
  EXPECT_LT(ShareAbove(u, 2, 5.0, 26.0), 0.1);
}

TEST(MotionSimulator, UnseenPatternsDifferFromTheDefaultOnes) {
  const std::vector<Sample> f8 = Simulate(OnePattern("figure8"), 40.0);
  // y at twice x's frequency.
  const double fx = PeakFrequency(f8, 0, 26.0), fy = PeakFrequency(f8, 1, 26.0);
  EXPECT_NEAR(fy / fx, 2.0, 0.2);
  const std::vector<Sample> tap = Simulate(OnePattern("tap"), 20.0);
  size_t spikes = 0;
  for (size_t i = 1; i < tap.size(); ++i) spikes += (tap[i][2] < 0.5f && tap[i - 1][2] >= 0.5f) ? 1 : 0;
  EXPECT_GE(spikes, 15u);  // a knock every 0.4-0.8 s
  EXPECT_LE(spikes, 55u);
}

// Where a stroke's push and brake fall on `axis`: the sample of the
// extreme in the stroke's direction first (push), the opposite one later.
void ExpectStroke(const std::string& name, size_t axis, float sign) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    MotionSimulatorOptions o = OnePattern(name, seed);
    o.min_segment_s = 1.5f;
    o.max_segment_s = 1.5f;
    o.crossfade_s = 0.0f;
    const std::vector<Sample> v = Simulate(o, 1.5);
    size_t push = 0, brake = 0;
    for (size_t i = 1; i < v.size(); ++i) {
      if (sign * v[i][axis] > sign * v[push][axis]) push = i;
      if (sign * v[i][axis] < sign * v[brake][axis]) brake = i;
    }
    EXPECT_LT(push, brake) << name << " seed " << seed;
    // 15-35 cm in 0.4-0.8 s: at least 0.15 g either way of the mean.
    EXPECT_GT(static_cast<double>(sign) * (static_cast<double>(v[push][axis]) - Stats(v, axis).mean), 0.15) << name << " seed " << seed;
    // From rest to rest: the stroke lasts at most 0.8 s of the 1.5 s, so
    // the quietest third of the samples is still.
    std::vector<double> dev;
    for (const Sample& x : v) dev.push_back(std::abs(static_cast<double>(x[axis]) - Stats(v, axis).mean));
    std::sort(dev.begin(), dev.end());
    EXPECT_LT(dev[dev.size() / 3], 0.1) << name << " seed " << seed;
  }
}

TEST(MotionSimulator, StrokesAreMirroredPairs) {
  ExpectStroke("left", 0, -1.0f);
  ExpectStroke("right", 0, 1.0f);
  ExpectStroke("up", 2, 1.0f);
  ExpectStroke("down", 2, -1.0f);
}

TEST(MotionSimulator, SegmentsVaryAndEveryPatternTakesItsTurn) {
  MotionSimulatorOptions o;
  o.min_segment_s = 3.0f;
  o.max_segment_s = 5.0f;
  MotionSimulator sim(o);
  std::map<std::string, size_t> samples;
  std::vector<std::string> order;
  Sample s{};
  size_t transitions = 0;
  const size_t n = static_cast<size_t>(200.0 * 26.0);
  for (size_t i = 0; i < n; ++i) {
    sim.Next(&s);
    const std::string t(sim.truth());
    ++samples[t];
    if (order.empty() || order.back() != t) order.push_back(t);
    transitions += sim.in_transition() ? 1 : 0;
  }
  ASSERT_EQ(samples.size(), 5u);
  for (const auto& [name, count] : samples) {
    EXPECT_GT(count, n / 10) << name;  // balanced: 1/5 each, give or take
    EXPECT_LT(count, n / 3) << name;
  }
  for (size_t i = 1; i < order.size(); ++i) EXPECT_NE(order[i], order[i - 1]);
  EXPECT_GE(order.size(), 40u);  // ~50 segments of 3-5 s
  // Cross-fades of 0.5 s at each boundary, about 13 samples each.
  EXPECT_GT(transitions, 40u * 10u);
  EXPECT_NEAR(sim.time_s(), 200.0, 0.01);
}

TEST(MotionSimulator, RepetitionsDifferInAmplitudeOrFrequency) {
  MotionSimulatorOptions o = OnePattern("updown", 5);
  o.min_segment_s = 6.0f;
  o.max_segment_s = 6.0f;
  o.crossfade_s = 0.0f;
  MotionSimulator sim(o);
  std::vector<double> rms;
  for (int seg = 0; seg < 6; ++seg) {
    const std::vector<Sample> v = Take(sim, 6 * 26);
    rms.push_back(std::sqrt(Stats(v, 2).var));
  }
  double lo = rms[0], hi = rms[0];
  for (double r : rms) {
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  EXPECT_GT(hi / lo, 1.1);
}

TEST(MotionSimulator, ReadingsAreQuantisedAndClipped) {
  MotionSimulatorOptions o = OnePattern("shake");
  o.resolution_g = 1.0f / 256.0f;
  o.range_g = 1.0f;
  const std::vector<Sample> v = Simulate(o, 10.0);
  bool clipped = false;
  for (const Sample& s : v) {
    for (float x : s) {
      const float steps = x / o.resolution_g;
      EXPECT_FLOAT_EQ(steps, std::round(steps));
      EXPECT_LE(std::fabs(x), 1.0f);
      clipped = clipped || std::fabs(x) == 1.0f;
    }
  }
  EXPECT_TRUE(clipped);
  o.resolution_g = 0.0f;  // no quantisation: values off any coarse grid
  const std::vector<Sample> raw = Simulate(o, 1.0);
  size_t off_grid = 0;
  for (const Sample& s : raw) off_grid += std::fabs(s[1] * 256.0f - std::round(s[1] * 256.0f)) > 1e-3f;
  EXPECT_GT(off_grid, raw.size() / 2);
}

TEST(MotionSimulator, RejectsBadOptions) {
  MotionSimulatorOptions o;
  o.patterns = {"jump"};
  EXPECT_NE(ValidateMotionSimulatorOptions(o).find("jump"), std::string::npos);
  EXPECT_THROW(MotionSimulator{o}, std::invalid_argument);
  o = MotionSimulatorOptions{};
  o.rate_hz = 0.0f;
  EXPECT_THROW(MotionSimulator{o}, std::invalid_argument);
  o = MotionSimulatorOptions{};
  o.crossfade_s = 10.0f;
  EXPECT_FALSE(ValidateMotionSimulatorOptions(o).empty());
}

}  // namespace
}  // namespace lwcl::device
