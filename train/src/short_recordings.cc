#include "train/short_recordings.h"

namespace lwcl::train {

std::optional<ShortRecordingPolicy> ParseShortRecordingPolicy(std::string_view name) {
  if (name == "pad-edge") return ShortRecordingPolicy::kPadEdge;
  if (name == "pad-mean") return ShortRecordingPolicy::kPadMean;
  if (name == "pad-zero") return ShortRecordingPolicy::kPadZero;
  if (name == "skip") return ShortRecordingPolicy::kSkip;
  return std::nullopt;
}

std::string_view ShortRecordingPolicyName(ShortRecordingPolicy policy) {
  switch (policy) {
    case ShortRecordingPolicy::kPadEdge: return "pad-edge";
    case ShortRecordingPolicy::kPadMean: return "pad-mean";
    case ShortRecordingPolicy::kPadZero: return "pad-zero";
    case ShortRecordingPolicy::kSkip: return "skip";
  }
  return "?";
}

std::vector<ShortRecording> FindShortRecordings(const Dataset& dataset, size_t window) {
  std::vector<ShortRecording> out;
  for (size_t r = 0; r < dataset.recordings.size(); ++r) {
    const size_t n = dataset.recordings[r].SampleCount();
    if (n < window) out.push_back(ShortRecording{r, n, false});
  }
  return out;
}

Recording PadRecording(const Recording& recording, size_t window, ShortRecordingPolicy policy) {
  Recording out = recording;
  const size_t n = recording.SampleCount();
  const size_t axes = recording.axes.size();
  if (policy == ShortRecordingPolicy::kSkip || n >= window || axes == 0) return out;
  // What fills the gap on each side, per axis.
  std::vector<float> before(axes, 0.0f), after(axes, 0.0f);
  if (n > 0 && policy == ShortRecordingPolicy::kPadEdge) {
    for (size_t a = 0; a < axes; ++a) {
      before[a] = recording.samples[a];
      after[a] = recording.samples[(n - 1) * axes + a];
    }
  } else if (n > 0 && policy == ShortRecordingPolicy::kPadMean) {
    for (size_t a = 0; a < axes; ++a) {
      double sum = 0.0;
      for (size_t s = 0; s < n; ++s) sum += static_cast<double>(recording.samples[s * axes + a]);
      before[a] = after[a] = static_cast<float>(sum / static_cast<double>(n));
    }
  }
  const size_t lead = (window - n) / 2;
  out.samples.clear();
  out.samples.reserve(window * axes);
  for (size_t s = 0; s < lead; ++s) out.samples.insert(out.samples.end(), before.begin(), before.end());
  out.samples.insert(out.samples.end(), recording.samples.begin(), recording.samples.end());
  for (size_t s = lead + n; s < window; ++s) out.samples.insert(out.samples.end(), after.begin(), after.end());
  return out;
}

}  // namespace lwcl::train
