#include "train/feature_extraction.h"

#include <stdexcept>
#include <string>

#include "tinyml/dsp/spectral_features.h"
#include "tinyml/status.h"

namespace lwcl::train {

tinyml::SpectralConfig DefaultMotionConfig() {
  tinyml::SpectralConfig c;
  c.axes = 3;
  c.window_samples = 52;
  c.sample_rate_hz = 26.0f;
  c.scale = 1.0f;
  c.decimation = 1;
  c.filter = tinyml::FilterType::kNone;
  c.filter_cutoff_hz = 0.0f;
  c.filter_order = 0;
  c.fft_length = 16;
  c.overlap = true;
  c.log_spectrum = true;
  return c;
}

FeatureExtractor::FeatureExtractor(const tinyml::SpectralConfig& config) : config_(config) {
  const tinyml::Status s = tinyml::ValidateSpectralConfig(config_);
  if (s != tinyml::Status::kOk) {
    throw std::invalid_argument(std::string("spectral config rejected: ") + tinyml::StatusName(s));
  }
  feature_count_ = tinyml::SpectralFeatureCount(config_);
  scratch_.resize(tinyml::SpectralScratchFloats(config_));
}

void FeatureExtractor::Extract(std::span<const float> window, std::span<float> features) {
  const size_t expected = static_cast<size_t>(config_.window_samples) * config_.axes;
  if (window.size() != expected || features.size() != feature_count_) {
    throw std::invalid_argument("window of " + std::to_string(window.size()) +
                                " values, expected " + std::to_string(expected));
  }
  const tinyml::Status s = tinyml::ComputeSpectralFeatures(
      config_, tinyml::Span<const float>(window.data(), window.size()),
      tinyml::Span<float>(scratch_.data(), scratch_.size()),
      tinyml::Span<float>(features.data(), features.size()));
  if (s != tinyml::Status::kOk) {
    throw std::runtime_error(std::string("spectral features failed: ") + tinyml::StatusName(s));
  }
}

std::vector<float> FeatureExtractor::Extract(std::span<const float> window) {
  std::vector<float> features(feature_count_);
  Extract(window, features);
  return features;
}

FeatureMatrix ExtractFeatures(const Dataset& dataset, std::span<const WindowRef> windows,
                              const tinyml::SpectralConfig& config) {
  FeatureExtractor extractor(config);
  FeatureMatrix m;
  m.dim = extractor.feature_count();
  m.values.reserve(windows.size() * m.dim);
  m.labels.reserve(windows.size());
  m.windows.reserve(windows.size());
  std::vector<float> features(m.dim);
  for (const WindowRef& w : windows) {
    const Recording& rec = dataset.recordings.at(w.recording);
    if (rec.axes.size() != config.axes) {
      throw std::invalid_argument(rec.source + ": has " + std::to_string(rec.axes.size()) +
                                  " axes, the model expects " + std::to_string(config.axes));
    }
    extractor.Extract(WindowSamples(dataset, w, config.window_samples), features);
    m.AddRow(features, dataset.LabelIndex(rec.label));
    m.windows.push_back(w);
  }
  return m;
}

}  // namespace lwcl::train
