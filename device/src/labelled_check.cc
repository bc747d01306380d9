#include "device/labelled_check.h"

#include <cmath>
#include <optional>

namespace lwcl::device {
namespace {

bool SameFeatures(const tinyml::PackageView& a, const tinyml::PackageView& b) {
  const tinyml::SpectralConfig& x = a.dsp;
  const tinyml::SpectralConfig& y = b.dsp;
  return a.feature_count == b.feature_count && a.stride_samples == b.stride_samples && x.axes == y.axes &&
         x.window_samples == y.window_samples && x.sample_rate_hz == y.sample_rate_hz && x.scale == y.scale &&
         x.decimation == y.decimation && x.filter == y.filter && x.filter_cutoff_hz == y.filter_cutoff_hz &&
         x.filter_order == y.filter_order && x.fft_length == y.fft_length && x.overlap == y.overlap &&
         x.log_spectrum == y.log_spectrum;
}

std::optional<size_t> IndexOf(const std::vector<std::string>& labels, const std::string& name) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == name) return i;
  }
  return std::nullopt;
}

}  // namespace

LabelledScore ScoreLabelled(PatternDetector& running, PatternDetector& candidate,
                            const tinyml::SampleBuffer& samples) {
  LabelledScore score;
  if (samples.labelled() == 0) return score;
  if (!SameFeatures(running.package(), candidate.package())) {
    score.comparable = false;
    score.why_not = "the candidate reads other features than the running model";
    return score;
  }
  for (size_t slot = 0; slot < samples.capacity(); ++slot) {
    if (!samples.used(slot)) continue;
    const int16_t label = samples.info(slot).label;
    if (label < 0 || static_cast<size_t>(label) >= running.labels().size()) continue;
    const std::string& truth = running.labels()[static_cast<size_t>(label)];
    std::vector<float> raw(samples.feature_count());
    if (samples.Features(slot, {raw.data(), raw.size()}) != tinyml::Status::kOk) continue;
    size_t got = 0;
    if (!running.ClassifyStored(raw, &got)) continue;
    ++score.windows;
    score.running_correct += got == static_cast<size_t>(label);
    const std::optional<size_t> want = IndexOf(candidate.labels(), truth);
    if (want && candidate.ClassifyStored(raw, &got)) score.candidate_correct += got == *want;
  }
  return score;
}

bool Regresses(const LabelledScore& score, double margin) {
  if (!score.comparable) return false;
  const auto allowed = static_cast<size_t>(std::floor(margin * static_cast<double>(score.windows)));
  return score.candidate_correct + allowed < score.running_correct;
}

std::string Describe(const LabelledScore& score) {
  if (!score.comparable) return "labelled windows not compared: " + score.why_not;
  return std::to_string(score.candidate_correct) + " of " + std::to_string(score.windows) +
         " labelled windows right (the running model: " + std::to_string(score.running_correct) + ")";
}

}  // namespace lwcl::device
