// Renormalizer: windows drawn from the package's own class statistics, then
// put through a per-axis sensor gain exactly as the spectral block would see
// it (RMS × g, log bins + 2·log10 g or power bins × g², shape statistics
// unchanged), give the gains back — whatever the class mix, and when one
// class misbehaves — and the normalisation that follows from them; a
// double-precision oracle of the votes and their median agrees; a gain
// measured elsewhere (the gravity gauge's) maps the same way; bad
// arguments and too few windows are refused without touching the last fit.
#include "tinyml/learn/renormalizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "int8_test_models.h"
#include "test_dsp.h"
#include "tinyml/dsp/spectral_features.h"

namespace lwcl::tinyml {
namespace {

testing::Int8TestModel Model(bool log_spectrum) {
  SpectralConfig dsp = testing::MotionDsp();
  dsp.log_spectrum = log_spectrum;
  testing::Int8TestModel m = testing::RandomInt8Model(11, dsp, {8}, 3);
  // Magnitudes where the block produces magnitudes: RMS and power bins are positive.
  const size_t per_axis = m.feature_mean.size() / dsp.axes;
  for (size_t i = 0; i < m.feature_mean.size(); ++i) {
    const size_t k = i % per_axis;
    if (k == 0 || (!log_spectrum && k >= kSpectralStatsPerAxis)) m.feature_mean[i] = 4.0f + std::fabs(m.feature_mean[i]);
  }
  for (float& v : m.drift_variance) v = 0.04f;
  return m;
}

struct Fixture {
  explicit Fixture(bool log_spectrum = true) : model(Model(log_spectrum)) {}
  testing::Int8TestModel model;
  PackageView view = model.View();
  size_t f = view.feature_count;
  size_t c = view.label_count;
  size_t per_axis = view.feature_count / view.dsp.axes;
  std::vector<float> state = std::vector<float>(Renormalizer::StateFloats(view));
  Renormalizer r;
  std::mt19937 rng{5};
  // A raw window of class `label`, then seen through per-axis gains.
  std::vector<float> Window(size_t label, const std::vector<float>& gains) {
    std::normal_distribution<float> noise(0.0f, 0.2f);
    std::vector<float> raw(f);
    for (size_t i = 0; i < f; ++i) {
      const float n = view.centroids[label * f + i] + noise(rng);
      const float clean = view.feature_mean[i] + view.feature_std[i] * n;
      const size_t k = i % per_axis;
      const float g = gains[i / per_axis];
      if (k == 0) {
        raw[i] = g * clean;
      } else if (k >= kSpectralStatsPerAxis) {
        raw[i] = view.dsp.log_spectrum ? clean + 2.0f * std::log10(g) : g * g * clean;
      } else {
        raw[i] = clean;
      }
    }
    return raw;
  }
  void Feed(int windows, const std::vector<float>& gains, size_t (*label_of)(int)) {
    for (int w = 0; w < windows; ++w) {
      const size_t label = label_of(w);
      const std::vector<float> raw = Window(label, gains);
      r.Observe({raw.data(), raw.size()}, label);
    }
  }
  void ExpectNormalisationOf(const std::vector<float>& gains, float tolerance) {
    for (size_t axis = 0; axis < gains.size(); ++axis) {
      EXPECT_NEAR(r.gain(axis) / gains[axis], 1.0f, tolerance) << "axis " << axis;
    }
    for (size_t i = 0; i < f; ++i) {
      const size_t k = i % per_axis;
      const float g = r.gain(i / per_axis);  // the normalisation follows the fitted gain exactly
      const float m = view.feature_mean[i], s = view.feature_std[i];
      if (k == 0 || (!view.dsp.log_spectrum && k >= kSpectralStatsPerAxis)) {
        const float scale = k == 0 ? g : g * g;
        EXPECT_FLOAT_EQ(r.mean()[i], scale * m) << i;
        EXPECT_FLOAT_EQ(r.std()[i], scale * s) << i;
      } else if (k >= kSpectralStatsPerAxis) {
        EXPECT_NEAR(r.mean()[i], m + 2.0f * std::log10(g), 1e-5f) << i;
        EXPECT_EQ(r.std()[i], s) << i;
      } else {
        EXPECT_EQ(r.mean()[i], m) << "shape statistics do not move: " << i;
        EXPECT_EQ(r.std()[i], s) << i;
      }
    }
  }
};

size_t MostlyClassZero(int w) { return w % 10 < 8 ? 0 : 1 + static_cast<size_t>(w % 2); }
size_t RoundRobin(int w) { return static_cast<size_t>(w % 3); }

TEST(RenormalizerTest, GivesBackEachAxissGainWhateverTheClassMix) {
  Fixture x;
  ASSERT_EQ(x.r.Init(x.view, {x.state.data(), x.state.size()}, 0.995f), Status::kOk);
  const std::vector<float> gains = {0.4f, 1.0f, 2.5f};
  x.Feed(1500, gains, MostlyClassZero);
  ASSERT_EQ(x.r.Fit(10.0f), Status::kOk);
  x.ExpectNormalisationOf(gains, 0.03f);
}

TEST(RenormalizerTest, ApplyGainMapsEveryAxisThroughAGainMeasuredElsewhere) {
  for (bool log_spectrum : {true, false}) {
    Fixture x(log_spectrum);
    ASSERT_EQ(x.r.Init(x.view, {x.state.data(), x.state.size()}, 0.995f), Status::kOk);
    ASSERT_EQ(x.r.ApplyGain(0.3f), Status::kOk) << "no window needed";
    x.ExpectNormalisationOf({0.3f, 0.3f, 0.3f}, 1e-5f);
    const std::vector<float> mean(x.r.mean().begin(), x.r.mean().end());
    for (float bad : {0.05f, 11.0f, 0.0f, -1.0f, std::nanf("")}) {
      EXPECT_EQ(x.r.ApplyGain(bad), Status::kInvalidArgument) << bad;
    }
    EXPECT_EQ(std::vector<float>(x.r.mean().begin(), x.r.mean().end()), mean) << "a refused gain changes nothing";
  }
  Renormalizer never;
  EXPECT_EQ(never.ApplyGain(1.0f), Status::kNotReady);
}

TEST(RenormalizerTest, PowerBinsScaleByTheSquare) {
  Fixture x(/*log_spectrum=*/false);
  ASSERT_EQ(x.r.Init(x.view, {x.state.data(), x.state.size()}, 0.99f), Status::kOk);
  const std::vector<float> gains = {1.7f, 0.6f, 1.0f};
  x.Feed(800, gains, RoundRobin);
  ASSERT_EQ(x.r.Fit(10.0f), Status::kOk);
  x.ExpectNormalisationOf(gains, 0.03f);
}

TEST(RenormalizerTest, OneMisbehavingClassDoesNotPullTheGain) {
  Fixture x;
  ASSERT_EQ(x.r.Init(x.view, {x.state.data(), x.state.size()}, 0.99f), Status::kOk);
  const std::vector<float> gains = {2.0f, 2.0f, 2.0f};
  for (int w = 0; w < 900; ++w) {
    const size_t label = RoundRobin(w);
    std::vector<float> raw = x.Window(label, gains);
    if (label == 1) {
      for (float& v : raw) v += 3.0f;  // this class looks nothing like its training self
    }
    x.r.Observe({raw.data(), raw.size()}, label);
  }
  ASSERT_EQ(x.r.Fit(10.0f), Status::kOk);
  x.ExpectNormalisationOf(gains, 0.05f);
}

TEST(RenormalizerTest, MatchesTheDoublePrecisionVotesAndMedian) {
  Fixture x;
  ASSERT_EQ(x.r.Init(x.view, {x.state.data(), x.state.size()}, 0.9f), Status::kOk);
  std::vector<double> sums(x.c * x.f, 0.0), weights(x.c, 0.0);
  const std::vector<float> gains = {1.3f, 0.8f, 1.1f};
  for (int w = 0; w < 300; ++w) {
    const size_t label = RoundRobin(w);
    const std::vector<float> raw = x.Window(label, gains);
    x.r.Observe({raw.data(), raw.size()}, label);
    for (double& v : weights) v *= 0.9;
    for (double& v : sums) v *= 0.9;
    weights[label] += 1.0;
    for (size_t i = 0; i < x.f; ++i) sums[label * x.f + i] += double(raw[i]);
  }
  ASSERT_EQ(x.r.Fit(1.0f), Status::kOk);
  for (size_t axis = 0; axis < 3; ++axis) {
    std::vector<double> votes;
    for (size_t k = 0; k < x.c; ++k) {
      for (size_t j = 0; j < x.per_axis; ++j) {
        if (j != 0 && j < kSpectralStatsPerAxis) continue;
        const size_t i = axis * x.per_axis + j;
        const double trained =
            double(x.view.feature_mean[i]) + double(x.view.feature_std[i]) * double(x.view.centroids[k * x.f + i]);
        const double seen = sums[k * x.f + i] / weights[k];
        votes.push_back(j == 0 ? std::log10(seen / trained) : 0.5 * (seen - trained));
      }
    }
    std::sort(votes.begin(), votes.end());
    const double median = votes[(votes.size() + 1) / 2 - 1];
    EXPECT_NEAR(std::log10(double(x.r.gain(axis))), median, 1e-4) << "axis " << axis;
  }
}

TEST(RenormalizerTest, RefusesWhatItCannotUseAndKeepsTheLastFit) {
  Fixture x;
  Renormalizer r;
  EXPECT_EQ(r.Fit(1.0f), Status::kNotReady);
  EXPECT_EQ(r.Init(x.view, {x.state.data(), x.state.size() - 1}, 0.99f), Status::kInvalidArgument);
  EXPECT_EQ(r.Init(x.view, {x.state.data(), x.state.size()}, 1.0f), Status::kInvalidArgument);
  PackageView no_centroids = x.view;
  no_centroids.centroids = {};
  EXPECT_EQ(r.Init(no_centroids, {x.state.data(), x.state.size()}, 0.99f), Status::kInvalidArgument);
  PackageView other_features = x.view;
  other_features.feature_count -= 1;
  EXPECT_EQ(r.Init(other_features, {x.state.data(), x.state.size()}, 0.99f), Status::kInvalidArgument);
  ASSERT_EQ(r.Init(x.view, {x.state.data(), x.state.size()}, 0.99f), Status::kOk);
  for (size_t i = 0; i < x.f; ++i) EXPECT_EQ(r.mean()[i], x.view.feature_mean[i]) << "the package's to begin with";
  EXPECT_EQ(r.Fit(1.0f), Status::kNotReady);
  std::vector<float> raw(x.f, 1.0f);
  r.Observe({raw.data(), raw.size() - 1}, 0);  // wrong size
  r.Observe({raw.data(), raw.size()}, 99);     // no such class
  raw[0] = std::nanf("");
  r.Observe({raw.data(), raw.size()}, 0);      // not finite
  EXPECT_EQ(r.weight(0), 0.0f);
  EXPECT_EQ(r.Fit(1.0f), Status::kNotReady);
  for (size_t i = 0; i < x.f; ++i) EXPECT_EQ(r.std()[i], x.view.feature_std[i]) << "nothing fitted";
  EXPECT_EQ(r.gain(0), 1.0f);
}

}  // namespace
}  // namespace lwcl::tinyml
