// Builds the continual-learning stream (continual_stream.h).
#include "continual_stream.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace lwcl::apps {
namespace {

// Sample `k` of a three-axis recording, in g.
device::Sample At(const train::Recording& rec, size_t k) {
  return {rec.samples[k * 3], rec.samples[k * 3 + 1], rec.samples[k * 3 + 2]};
}

StreamSegment Piece(const train::Dataset& dataset, size_t index, size_t begin, size_t end) {
  const train::Recording& rec = dataset.recordings[index];
  StreamSegment seg{.samples = {}, .truth = rec.label, .recording = index};
  seg.samples.reserve(end - begin);
  for (size_t k = begin; k < end; ++k) seg.samples.push_back(At(rec, k));
  return seg;
}

// The drifted sensor's view of `clean`, on the drift clock that `*time_s`
// carries from piece to piece. A rate factor F reads the piece F times more
// densely (linear interpolation), so its motions last F times as many samples.
StreamSegment Drifted(const StreamSegment& clean, const device::DriftSchedule& drift, float rate_hz,
                      double* time_s, std::mt19937* rng) {
  StreamSegment out{.samples = {}, .truth = clean.truth, .recording = clean.recording};
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  const double dt = 1.0 / static_cast<double>(rate_hz);
  double pos = 0.0;
  const double last = static_cast<double>(clean.samples.size() - 1);
  while (pos <= last) {
    const device::DriftState state = device::EvaluateDrift(drift, *time_s, rate_hz);
    const size_t i = static_cast<size_t>(pos);
    const float frac = static_cast<float>(pos - static_cast<double>(i));
    device::Sample s = clean.samples[i];
    if (frac > 0.0f && i + 1 < clean.samples.size()) {
      for (size_t a = 0; a < 3; ++a) s[a] += frac * (clean.samples[i + 1][a] - s[a]);
    }
    s = device::ApplyDrift(state, s);
    if (state.noise_g > 0.0f) {
      for (float& v : s) v += state.noise_g * gauss(*rng);
    }
    out.samples.push_back(s);
    pos += 1.0 / static_cast<double>(state.rate_factor);
    *time_s += dt;
  }
  return out;
}

}  // namespace

std::string ValidateRecordingDrift(const device::DriftSchedule& schedule) {
  for (const device::DriftInjector& inj : schedule.injectors) {
    if (inj.kind == device::DriftKind::kPattern) {
      return "a pattern injector only works on the simulator; with recordings, a new pattern is a class "
             "the model never saw";
    }
  }
  return {};
}

ContinualStream BuildContinualStream(const train::Dataset& dataset, const std::vector<size_t>& recordings,
                                     const device::DriftSchedule& drift, size_t min_phase_samples,
                                     uint32_t seed, const std::string& new_class) {
  if (const std::string why = ValidateRecordingDrift(drift); !why.empty()) throw std::invalid_argument(why);
  ContinualStream stream;
  for (size_t index : recordings) {
    const train::Recording& rec = dataset.recordings.at(index);
    if (rec.axes.size() != 3) {
      throw std::invalid_argument(rec.source + ": the benchmark needs exactly three accelerometer axes (x, y, z), "
                                               "this recording has " + std::to_string(rec.axes.size()));
    }
    if (stream.rate_hz == 0.0f) stream.rate_hz = rec.sample_rate_hz;
    const size_t n = rec.SampleCount();
    const size_t third = n / 3;
    if (third < std::max<size_t>(min_phase_samples, 2)) {
      stream.too_short.push_back(index);
      continue;
    }
    for (size_t p = rec.label == new_class && !new_class.empty() ? 1 : 0; p < 3; ++p) {
      stream.phases[p].push_back(Piece(dataset, index, p * third, p == 2 ? n : (p + 1) * third));
    }
  }
  std::mt19937 rng(seed);
  for (std::vector<StreamSegment>& phase : stream.phases) std::shuffle(phase.begin(), phase.end(), rng);
  stream.judged_clean = stream.phases[2];
  double time_s = 0.0;
  for (size_t p = 1; p < 3; ++p) {
    for (StreamSegment& seg : stream.phases[p]) seg = Drifted(seg, drift, stream.rate_hz, &time_s, &rng);
  }
  return stream;
}

}  // namespace lwcl::apps
