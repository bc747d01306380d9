#include "train/recording_scores.h"

#include <map>
#include <stdexcept>

namespace lwcl::train {

RecordingScores ScoreRecordings(const Dataset& dataset, std::span<const size_t> recordings,
                                std::span<const WindowRef> windows,
                                std::span<const float> float_probabilities,
                                std::span<const int> int8_predicted, size_t classes) {
  if (classes == 0 || float_probabilities.size() != windows.size() * classes ||
      (!int8_predicted.empty() && int8_predicted.size() != windows.size())) {
    throw std::invalid_argument("recording scores: window, probability and prediction counts disagree");
  }
  RecordingScores s;
  s.recordings.assign(recordings.begin(), recordings.end());
  std::map<size_t, size_t> slot;  // recording -> position
  for (size_t i = 0; i < recordings.size(); ++i) slot[recordings[i]] = i;
  std::vector<double> mean(recordings.size() * classes, 0.0);
  std::vector<size_t> votes(recordings.size() * classes, 0);
  s.windows.assign(recordings.size(), 0);
  for (size_t w = 0; w < windows.size(); ++w) {
    const auto it = slot.find(windows[w].recording);
    if (it == slot.end()) throw std::invalid_argument("recording scores: a window of a recording not in the split");
    const size_t r = it->second;
    ++s.windows[r];
    for (size_t c = 0; c < classes; ++c) mean[r * classes + c] += static_cast<double>(float_probabilities[w * classes + c]);
    if (!int8_predicted.empty() && int8_predicted[w] >= 0 && static_cast<size_t>(int8_predicted[w]) < classes) {
      ++votes[r * classes + static_cast<size_t>(int8_predicted[w])];
    }
  }
  size_t float_right = 0, int8_right = 0;
  for (size_t r = 0; r < recordings.size(); ++r) {
    const int truth = dataset.LabelIndex(dataset.recordings.at(recordings[r]).label);
    s.truth.push_back(truth);
    int f = -1, q = -1;
    if (s.windows[r] > 0) {
      size_t best = 0, top = 0;
      for (size_t c = 1; c < classes; ++c) {
        if (mean[r * classes + c] > mean[r * classes + best]) best = c;
        if (votes[r * classes + c] > votes[r * classes + top]) top = c;
      }
      f = static_cast<int>(best);
      q = static_cast<int>(top);
    } else {
      ++s.unscored;
    }
    s.float_predicted.push_back(f);
    float_right += f >= 0 && f == truth ? 1 : 0;
    if (!int8_predicted.empty()) {
      s.int8_predicted.push_back(q);
      int8_right += q >= 0 && q == truth ? 1 : 0;
    }
  }
  if (!recordings.empty()) {
    const auto n = static_cast<double>(recordings.size());
    s.float_accuracy = static_cast<double>(float_right) / n;
    s.int8_accuracy = static_cast<double>(int8_right) / n;
  }
  return s;
}

}  // namespace lwcl::train
