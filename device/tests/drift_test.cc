// Behaviour of the drift injectors: the spec parser (good and malformed
// text) and each injector's measured effect on the simulator's output.
#include "device/drift.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "device/motion_simulator.h"

namespace lwcl::device {
namespace {

DriftSchedule Parse(const std::string& spec) {
  DriftSchedule s;
  std::string error;
  EXPECT_TRUE(ParseDriftSpec(spec, &s, &error)) << spec << ": " << error;
  return s;
}

// A clean, still device: no tremor, noise or quantisation, one long segment.
MotionSimulatorOptions Clean(const std::string& pattern, const std::string& drift = "") {
  MotionSimulatorOptions o;
  o.patterns = {pattern};
  o.min_segment_s = 1000.0f;
  o.max_segment_s = 1000.0f;
  o.tremor_g = 0.0f;
  o.noise_g = 0.0f;
  o.resolution_g = 0.0f;
  o.range_g = 16.0f;
  o.seed = 11;
  if (!drift.empty()) o.drift = Parse(drift);
  return o;
}

std::vector<Sample> Simulate(const MotionSimulatorOptions& o, double seconds) {
  MotionSimulator sim(o);
  std::vector<Sample> v(static_cast<size_t>(seconds * static_cast<double>(o.rate_hz)));
  for (Sample& s : v) sim.Next(&s);
  return v;
}

double Mean(const std::vector<Sample>& v, size_t axis, size_t from = 0, size_t to = SIZE_MAX) {
  to = std::min(to, v.size());
  double m = 0.0;
  for (size_t i = from; i < to; ++i) m += static_cast<double>(v[i][axis]);
  return m / static_cast<double>(to - from);
}

double Std(const std::vector<Sample>& v, size_t axis) {
  const double m = Mean(v, axis);
  double s = 0.0;
  for (const Sample& x : v) s += (static_cast<double>(x[axis]) - m) * (static_cast<double>(x[axis]) - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}

TEST(DriftSpec, ParsesEveryInjector) {
  const DriftSchedule s = Parse(
      "bias:x=0.2:z=-0.1@60,gain:all=1.5@0,rotate:z=30@120-180,noise:sigma=0.05@10,"
      "rate:factor=1.25@30,rate:hz=30@40,pattern:name=figure8:share=0.3@0");
  ASSERT_EQ(s.injectors.size(), 7u);
  EXPECT_EQ(s.injectors[0].kind, DriftKind::kBias);
  EXPECT_FLOAT_EQ(s.injectors[0].xyz[0], 0.2f);
  EXPECT_FLOAT_EQ(s.injectors[0].xyz[1], 0.0f);
  EXPECT_FLOAT_EQ(s.injectors[0].xyz[2], -0.1f);
  EXPECT_DOUBLE_EQ(s.injectors[0].start_s, 60.0);
  EXPECT_DOUBLE_EQ(s.injectors[0].end_s, 60.0);
  EXPECT_FLOAT_EQ(s.injectors[1].xyz[1], 1.5f);
  EXPECT_DOUBLE_EQ(s.injectors[2].end_s, 180.0);
  EXPECT_FLOAT_EQ(s.injectors[3].value, 0.05f);
  EXPECT_FLOAT_EQ(s.injectors[4].value, 1.25f);
  EXPECT_FLOAT_EQ(s.injectors[5].rate_hz, 30.0f);
  EXPECT_EQ(s.injectors[6].pattern, "figure8");
  EXPECT_FLOAT_EQ(s.injectors[6].value, 0.3f);
  EXPECT_EQ(Parse("pattern:name=tap@5").injectors[0].value, 0.25f);  // default share
  EXPECT_EQ(DriftKindName(DriftKind::kRotate), "rotate");
}

TEST(DriftSpec, MalformedSpecsAreRefusedWithAMessage) {
  const struct {
    const char* spec;
    const char* says;
  } cases[] = {
      {"", "empty"},
      {"bias:x=0.2", "start time"},
      {"bias:x=0.2@", "start time"},
      {"bias:x=0.2@abc", "start time"},
      {"bias:x=0.2@-5", "start time"},
      {"bias:x=0.2@60-30", "ramp end"},
      {"bias:x=0.2@60-", "ramp end"},
      {"wobble:x=1@0", "unknown injector 'wobble'"},
      {"bias:q=1@0", "unknown parameter 'q'"},
      {"bias:x@0", "not name=value"},
      {"bias:x=@0", "not name=value"},
      {"bias:x=abc@0", "not a number"},
      {"bias:x=nan@0", "not a number"},
      {"bias:x=1:x=2@0", "twice"},
      {"bias@0", "needs at least one"},
      {"bias:@0", "empty parameter"},
      {"bias:x=1:@0", "empty parameter"},
      {"gain:x=0@0", "gain must be"},
      {"gain:all=2:x=1@0", "not both"},
      {"rotate:z=720@0", "360"},
      {"noise:sigma=-1@0", "sigma"},
      {"noise@0", "needs sigma"},
      {"rate:factor=100@0", "rate factor"},
      {"rate:factor=2:hz=30@0", "not both"},
      {"rate:hz=0.0000001@0", "rate hz"},
      {"rate:sigma=1@0", "unknown parameter 'sigma'"},
      {"pattern:name=moonwalk@0", "unknown pattern 'moonwalk'"},
      {"pattern:name=Figure8@0", "lower-case"},
      {"pattern:share=0.5@0", "needs name"},
      {"pattern:name=tap:share=2@0", "share"},
      {"bias:x=0.2@60,", "injector 2"},
      {"bias:x=0.2@60,,rotate:z=1@0", "injector 2"},
      {"pattern:name=tap@0,pattern:name=tap@1,pattern:name=tap@2,pattern:name=tap@3,"
       "pattern:name=tap@4",
       "at most"},
  };
  for (const auto& c : cases) {
    DriftSchedule s;
    s.injectors.push_back({});
    std::string error;
    EXPECT_FALSE(ParseDriftSpec(c.spec, &s, &error)) << c.spec;
    EXPECT_NE(error.find(c.says), std::string::npos) << c.spec << " -> " << error;
    EXPECT_EQ(s.injectors.size(), 1u) << "output touched on error: " << c.spec;
  }
}

TEST(DriftState, CombinesInjectorsAndRamps) {
  const DriftSchedule s = Parse("bias:x=0.2@0,bias:x=0.1@0,gain:y=2@10-20,rate:hz=52@0,noise:sigma=0.3@0,noise:sigma=0.4@0");
  const DriftState early = EvaluateDrift(s, 5.0, 26.0f);
  EXPECT_FLOAT_EQ(early.bias[0], 0.3f);
  EXPECT_FLOAT_EQ(early.gain[1], 1.0f);
  EXPECT_FLOAT_EQ(early.rate_factor, 2.0f);
  EXPECT_NEAR(early.noise_g, 0.5f, 1e-6f);
  EXPECT_FLOAT_EQ(EvaluateDrift(s, 15.0, 26.0f).gain[1], 1.5f);
  EXPECT_FLOAT_EQ(EvaluateDrift(s, 25.0, 26.0f).gain[1], 2.0f);
  // Nothing before a start.
  const DriftState none = EvaluateDrift(Parse("bias:x=1@10"), 9.99, 26.0f);
  EXPECT_FLOAT_EQ(none.bias[0], 0.0f);
}

// Stacked injectors multiply, but never past the documented bounds: twenty
// gains of 100 would overflow a float, twenty rates of 0.1 would stop the
// sample clock.
TEST(DriftState, StackedFactorsStayWithinTheirBounds) {
  std::string gains, slow, fast;
  for (int i = 0; i < 20; ++i) {
    gains += std::string(i ? "," : "") + "gain:all=100@0";
    slow += std::string(i ? "," : "") + "rate:factor=0.1@0";
    fast += std::string(i ? "," : "") + "rate:hz=100000@0";
  }
  const DriftState g = EvaluateDrift(Parse(gains), 1.0, 26.0f);
  for (float v : g.gain) EXPECT_FLOAT_EQ(v, kDriftFactorMax);
  const Sample out = ApplyDrift(g, {0.0f, 0.0f, 1.0f});
  EXPECT_FLOAT_EQ(out[2], kDriftFactorMax);
  EXPECT_FLOAT_EQ(EvaluateDrift(Parse(slow), 1.0, 26.0f).rate_factor, kDriftFactorMin);
  EXPECT_FLOAT_EQ(EvaluateDrift(Parse(fast), 1.0, 26.0f).rate_factor, kDriftFactorMax);
  // Two stacked gains below the bound still multiply exactly.
  EXPECT_FLOAT_EQ(EvaluateDrift(Parse("gain:all=10@0,gain:all=10@0"), 1.0, 26.0f).gain[0], 100.0f);
}

TEST(DriftEffect, BiasShiftsTheMeanByTheAmount) {
  MotionSimulatorOptions o = Clean("wave");
  o.noise_g = 0.01f;  // drift must not change the random stream either
  const std::vector<Sample> base = Simulate(o, 30.0);
  o.drift = Parse("bias:x=0.2:y=-0.05@0");
  const std::vector<Sample> biased = Simulate(o, 30.0);
  EXPECT_NEAR(Mean(biased, 0) - Mean(base, 0), 0.2, 1e-4);
  EXPECT_NEAR(Mean(biased, 1) - Mean(base, 1), -0.05, 1e-4);
  EXPECT_NEAR(Mean(biased, 2) - Mean(base, 2), 0.0, 1e-6);
}

TEST(DriftEffect, BiasRampsLinearly) {
  const std::vector<Sample> v = Simulate(Clean("idle", "bias:x=0.2@10-20"), 30.0);
  const std::vector<Sample> base = Simulate(Clean("idle"), 30.0);
  const auto shift = [&](double t) {
    const size_t i = static_cast<size_t>(t * 26.0);
    return v[i][0] - base[i][0];
  };
  EXPECT_NEAR(shift(5.0), 0.0, 1e-6);
  EXPECT_NEAR(shift(15.0), 0.1, 0.005);
  EXPECT_NEAR(shift(25.0), 0.2, 1e-5);
}

TEST(DriftEffect, GainScalesAnAxis) {
  const std::vector<Sample> base = Simulate(Clean("idle"), 10.0);
  const std::vector<Sample> v = Simulate(Clean("idle", "gain:z=1.5@0"), 10.0);
  EXPECT_NEAR(Mean(v, 2) / Mean(base, 2), 1.5, 1e-4);
  EXPECT_NEAR(Mean(v, 0), Mean(base, 0), 1e-6);
}

TEST(DriftEffect, RotationPreservesMagnitudeAndRotatesGravity) {
  const std::vector<Sample> base = Simulate(Clean("circle"), 10.0);
  const std::vector<Sample> v = Simulate(Clean("circle", "rotate:x=90@0"), 10.0);
  for (size_t i = 0; i < v.size(); ++i) {
    const auto mag = [](const Sample& s) { return std::sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]); };
    ASSERT_NEAR(mag(v[i]), mag(base[i]), 1e-5f) << i;
  }
  // Gravity (mostly z) turns to -y under +90 degrees about x.
  EXPECT_GT(Mean(base, 2), 0.9);
  EXPECT_LT(Mean(v, 1), -0.9);
  EXPECT_NEAR(Mean(v, 2), Mean(base, 1), 1e-3);
  // About z by 30 degrees: x/y gravity components turn, z stays.
  const std::vector<Sample> idle = Simulate(Clean("idle"), 5.0);
  const std::vector<Sample> rz = Simulate(Clean("idle", "rotate:z=30@0"), 5.0);
  const double angle_before = std::atan2(Mean(idle, 1), Mean(idle, 0));
  const double angle_after = std::atan2(Mean(rz, 1), Mean(rz, 0));
  double turned = (angle_after - angle_before) * 180.0 / std::numbers::pi;
  if (turned < -180.0) turned += 360.0;
  EXPECT_NEAR(turned, 30.0, 0.5);
  EXPECT_NEAR(Mean(rz, 2), Mean(idle, 2), 1e-5);
}

TEST(DriftEffect, NoiseAddsItsSigma) {
  const std::vector<Sample> v = Simulate(Clean("idle", "noise:sigma=0.1@0"), 60.0);
  for (size_t a = 0; a < 3; ++a) EXPECT_NEAR(Std(v, a), 0.1, 0.01) << a;
}

// Peak of the mean-removed z signal on a 0.05 Hz grid.
double PeakHz(const std::vector<Sample>& v, size_t axis, double rate) {
  const double m = Mean(v, axis);
  double best = 0.0, best_p = -1.0;
  for (double f = 0.3; f < rate / 2.0; f += 0.05) {
    double re = 0.0, im = 0.0;
    for (size_t i = 0; i < v.size(); ++i) {
      const double w = 2.0 * std::numbers::pi * f * static_cast<double>(i) / rate;
      re += (static_cast<double>(v[i][axis]) - m) * std::cos(w);
      im += (static_cast<double>(v[i][axis]) - m) * std::sin(w);
    }
    if (re * re + im * im > best_p) {
      best_p = re * re + im * im;
      best = f;
    }
  }
  return best;
}

TEST(DriftEffect, RateChangeAltersTheApparentFrequency) {
  const std::vector<Sample> base = Simulate(Clean("updown"), 30.0);
  MotionSimulatorOptions o = Clean("updown", "rate:factor=2@0");
  MotionSimulator sim(o);
  EXPECT_FLOAT_EQ(sim.rate_hz(), 26.0f);  // it still declares its rate
  const std::vector<Sample> fast = Simulate(o, 30.0);
  EXPECT_NEAR(PeakHz(fast, 2, 26.0) / PeakHz(base, 2, 26.0), 0.5, 0.05);
  // And the simulated clock runs at the real rate.
  Sample s{};
  for (int i = 0; i < 26 * 10; ++i) sim.Next(&s);
  EXPECT_NEAR(sim.time_s(), 5.0, 0.01);
}

TEST(DriftEffect, NewPatternJoinsTheSequenceFromItsStart) {
  MotionSimulatorOptions o;
  o.min_segment_s = 3.0f;
  o.max_segment_s = 4.0f;
  o.drift = Parse("pattern:name=figure8:share=0.4@100");
  MotionSimulator sim(o);
  Sample s{};
  size_t before = 0, after = 0;
  while (sim.time_s() < 300.0) {
    sim.Next(&s);
    if (sim.truth() == "figure8") (sim.time_s() < 100.0 ? before : after) += 1;
  }
  EXPECT_EQ(before, 0u);
  EXPECT_GT(after, static_cast<size_t>(0.2 * 200.0 * 26.0));
  EXPECT_LT(after, static_cast<size_t>(0.6 * 200.0 * 26.0));
}

}  // namespace
}  // namespace lwcl::device
