// Axis selection, resampling, mixed-rate detection and CSV column selection.
#include "train/dataset_preparation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "train/csv_loader.h"
#include "train/dsp_defaults.h"

namespace lwcl::train {
namespace {

Recording Sine(float rate, float hz, float seconds) {
  Recording r;
  r.source = "sine.csv";
  r.label = "a";
  r.sample_rate_hz = rate;
  r.axes = {"x"};
  const auto n = static_cast<size_t>(rate * seconds);
  for (size_t i = 0; i < n; ++i) {
    r.samples.push_back(
        std::sin(2.0f * std::numbers::pi_v<float> * hz * static_cast<float>(i) / rate));
  }
  return r;
}

// Frequency from the mean interval between rising zero crossings.
float ZeroCrossingFrequency(const Recording& r) {
  std::vector<float> crossings;
  for (size_t i = 1; i < r.samples.size(); ++i) {
    const float a = r.samples[i - 1], b = r.samples[i];
    if (a < 0.0f && b >= 0.0f) crossings.push_back(static_cast<float>(i - 1) + a / (a - b));
  }
  if (crossings.size() < 2) return 0.0f;
  const float period = (crossings.back() - crossings.front()) /
                       static_cast<float>(crossings.size() - 1) / r.sample_rate_hz;
  return 1.0f / period;
}

TEST(DatasetPreparationTest, ResamplingKeepsASinesFrequency) {
  const Recording in = Sine(59.0f, 3.0f, 10.0f);
  for (float target : {26.0f, 50.0f, 100.0f}) {
    const Recording out = Resample(in, target);
    EXPECT_FLOAT_EQ(out.sample_rate_hz, target);
    // Same duration: the last output sample is within one period of the input's end.
    const float in_seconds = static_cast<float>(in.SampleCount() - 1) / in.sample_rate_hz;
    const float out_seconds = static_cast<float>(out.SampleCount() - 1) / target;
    EXPECT_LE(out_seconds, in_seconds + 1e-4f);
    EXPECT_GT(out_seconds, in_seconds - 1.0f / target);
    EXPECT_NEAR(ZeroCrossingFrequency(out), 3.0f, 0.02f) << "at " << target << " Hz";
  }
  EXPECT_EQ(Resample(in, 59.0f).samples, in.samples);
}

TEST(DatasetPreparationTest, SelectsAxesByNameOrderOrColumnIndex) {
  Recording r;
  r.source = "imu.json";
  r.sample_rate_hz = 50.0f;
  r.axes = {"accX", "accY", "accZ", "gyrX"};
  r.axis_units = {"g", "g", "g", "dps"};
  r.samples = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(DefaultAxes(r), (std::vector<std::string>{"accX", "accY", "accZ"}));
  const std::vector<std::string> pick = {"gyrX", "accX"};
  const Recording s = SelectAxes(r, pick);
  EXPECT_EQ(s.axes, pick);
  EXPECT_EQ(s.axis_units, (std::vector<std::string>{"dps", "g"}));
  EXPECT_EQ(s.samples, (std::vector<float>{4, 1, 8, 5}));
  const std::vector<std::string> by_index = {"2"};
  EXPECT_EQ(SelectAxes(r, by_index).samples, (std::vector<float>{3, 7}));
  const std::vector<std::string> missing = {"accX", "magX"};
  try {
    SelectAxes(r, missing);
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("imu.json: has no axis 'magX'"), std::string::npos) << what;
    EXPECT_NE(what.find("accX, accY, accZ, gyrX"), std::string::npos) << what;
  }
}

TEST(DatasetPreparationTest, MixedRatesNeedATargetRate) {
  Dataset d;
  d.labels = {"a"};
  d.recordings = {Sine(26.0f, 1.0f, 4.0f), Sine(50.0f, 1.0f, 4.0f)};
  d.recordings[1].source = "fast.csv";
  try {
    PrepareDataset(d, {});
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("fast.csv: recorded at 50"), std::string::npos)
        << e.what();
  }
  PrepareOptions to26;
  to26.rate_hz = 26.0f;
  const Dataset p = PrepareDataset(d, to26);
  EXPECT_FLOAT_EQ(p.recordings[1].sample_rate_hz, 26.0f);
  EXPECT_NEAR(static_cast<double>(p.recordings[1].SampleCount()),
              static_cast<double>(p.recordings[0].SampleCount()), 1.0);
}

TEST(DatasetPreparationTest, EmptyClassIsAnError) {
  Dataset d;
  d.labels = {"a", "b"};
  d.recordings = {Sine(26.0f, 1.0f, 4.0f)};
  EXPECT_THROW(PrepareDataset(d, {}), DatasetError);
}

TEST(DatasetPreparationTest, CsvHeaderNamesColumnsForSelection) {
  CsvLoadOptions options;
  options.units = Units::kMetersPerSecond2;
  const Recording r = ParseCsvRecording(
      "timestamp,accX,accY,accZ,temp\n0,9.80665,0,0,20\n20,0,9.80665,0,21\n40,0,0,9.80665,22\n",
      "h.csv", options);
  EXPECT_FLOAT_EQ(r.sample_rate_hz, 50.0f);
  EXPECT_EQ(DefaultAxes(r), (std::vector<std::string>{"accX", "accY", "accZ"}));
  const std::vector<std::string> pick = {"accZ", "accX"};
  const Recording s = SelectAxes(r, pick);
  ASSERT_EQ(s.SampleCount(), 3u);
  EXPECT_NEAR(s.samples[0], 0.0f, 1e-6f);
  EXPECT_NEAR(s.samples[1], 1.0f, 1e-6f);
  EXPECT_NEAR(s.samples[4], 1.0f, 1e-6f);

  // No header: columns are x, y, z and may be picked by index.
  CsvLoadOptions mg;
  mg.units = Units::kMilliG;
  mg.sample_rate_hz = 26.0f;
  const Recording raw = ParseCsvRecording("1000, 2000, 3000\n4000, 5000, 6000\n", "n.csv", mg);
  EXPECT_EQ(raw.axes, (std::vector<std::string>{"x", "y", "z"}));
  const std::vector<std::string> second = {"1"};
  EXPECT_EQ(SelectAxes(raw, second).samples, (std::vector<float>{2.0f, 5.0f}));
}

TEST(DatasetPreparationTest, DspFollowsAxesAndRate) {
  const tinyml::SpectralConfig c = SpectralConfigFor(59.0f, 6, 118, 0);
  EXPECT_EQ(c.axes, 6);
  EXPECT_FLOAT_EQ(c.sample_rate_hz, 59.0f);
  EXPECT_EQ(c.window_samples, 118);
  EXPECT_EQ(c.fft_length, kDefaultFftLength);
  EXPECT_EQ(SpectralConfigFor(26.0f, 3, 52, 32).fft_length, 32);
  EXPECT_THROW(SpectralConfigFor(26.0f, 9, 52, 0), DatasetError);
}

}  // namespace
}  // namespace lwcl::train
