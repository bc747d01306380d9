#include "train/dataset_preparation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

namespace lwcl::train {
namespace {

std::string Join(std::span<const std::string> items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::optional<size_t> AxisIndex(const Recording& r, const std::string& name) {
  for (size_t i = 0; i < r.axes.size(); ++i) {
    if (r.axes[i] == name) return i;
  }
  // A bare number names a column by position (CSV files without a header).
  size_t index = 0;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec == std::errc() && ptr == name.data() + name.size() && index < r.axes.size()) return index;
  return std::nullopt;
}

std::string Hz(float rate) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g Hz", static_cast<double>(rate));
  return buffer;
}

bool SameRate(float a, float b, double tolerance) {
  return std::abs(static_cast<double>(a) - static_cast<double>(b)) <=
         tolerance * static_cast<double>(std::max(a, b));
}

}  // namespace

std::vector<std::string> DefaultAxes(const Recording& recording) {
  std::vector<std::string> acc;
  for (const std::string& a : recording.axes) {
    if (a.size() >= 3 && (a.compare(0, 3, "acc") == 0 || a.compare(0, 3, "Acc") == 0 ||
                          a.compare(0, 3, "ACC") == 0)) {
      acc.push_back(a);
    }
  }
  return acc.empty() ? recording.axes : acc;
}

Recording SelectAxes(const Recording& recording, std::span<const std::string> axes) {
  if (axes.empty()) throw DatasetError(recording.source + ": no axes selected");
  std::vector<size_t> index;
  for (const std::string& name : axes) {
    const std::optional<size_t> i = AxisIndex(recording, name);
    if (!i) {
      throw DatasetError(recording.source + ": has no axis '" + name + "' (it has " +
                         Join(recording.axes) + ")");
    }
    index.push_back(*i);
  }
  Recording out;
  out.source = recording.source;
  out.label = recording.label;
  out.category = recording.category;
  out.sample_rate_hz = recording.sample_rate_hz;
  const size_t n = recording.axes.size();
  for (size_t i : index) {
    out.axes.push_back(recording.axes[i]);
    out.axis_units.push_back(i < recording.axis_units.size() ? recording.axis_units[i] : "g");
  }
  const size_t samples = recording.SampleCount();
  out.samples.reserve(samples * index.size());
  for (size_t s = 0; s < samples; ++s) {
    for (size_t i : index) out.samples.push_back(recording.samples[s * n + i]);
  }
  return out;
}

Recording Resample(const Recording& recording, float rate_hz) {
  if (!(rate_hz > 0.0f)) throw DatasetError(recording.source + ": target rate must be positive");
  if (!(recording.sample_rate_hz > 0.0f)) {
    throw DatasetError(recording.source + ": has no sample rate");
  }
  if (SameRate(recording.sample_rate_hz, rate_hz, 0.001)) return recording;
  Recording out = recording;
  out.sample_rate_hz = rate_hz;
  out.samples.clear();
  const size_t n = recording.axes.size();
  const size_t in_count = recording.SampleCount();
  if (in_count == 0 || n == 0) return out;
  // Position of output sample k in input samples: k * in_rate / out_rate.
  const double step =
      static_cast<double>(recording.sample_rate_hz) == 0.0
          ? 0.0
          : static_cast<double>(recording.sample_rate_hz) / static_cast<double>(rate_hz);
  const double last = static_cast<double>(in_count - 1);
  const auto out_count = static_cast<size_t>(std::floor(last / step + 1e-9)) + 1;
  out.samples.reserve(out_count * n);
  for (size_t k = 0; k < out_count; ++k) {
    const double pos = std::min(static_cast<double>(k) * step, last);
    const auto i0 = static_cast<size_t>(std::floor(pos));
    const size_t i1 = std::min(i0 + 1, in_count - 1);
    const auto frac = static_cast<float>(pos - static_cast<double>(i0));
    for (size_t a = 0; a < n; ++a) {
      const float v0 = recording.samples[i0 * n + a];
      const float v1 = recording.samples[i1 * n + a];
      out.samples.push_back(v0 + (v1 - v0) * frac);
    }
  }
  return out;
}

Dataset PrepareDataset(const Dataset& dataset, const PrepareOptions& options) {
  if (dataset.recordings.empty()) throw DatasetError("the dataset has no recordings");
  const std::vector<std::string> axes =
      options.axes.empty() ? DefaultAxes(dataset.recordings.front()) : options.axes;
  Dataset out;
  out.labels = dataset.labels;
  out.recordings.reserve(dataset.recordings.size());
  const Recording* first = nullptr;
  for (const Recording& r : dataset.recordings) {
    Recording selected = SelectAxes(r, axes);
    if (options.rate_hz > 0.0f) {
      selected = Resample(selected, options.rate_hz);
    } else if (first != nullptr && !SameRate(first->sample_rate_hz, r.sample_rate_hz, 0.01)) {
      throw DatasetError(r.source + ": recorded at " + Hz(r.sample_rate_hz) + " but " +
                         first->source + " at " + Hz(first->sample_rate_hz) +
                         "; give a model rate (--rate) to resample every recording to it");
    }
    if (first == nullptr) first = &r;
    out.recordings.push_back(std::move(selected));
  }
  // Recordings within 1 % of one rate run at exactly that rate, as the model will.
  if (options.rate_hz <= 0.0f) {
    for (Recording& r : out.recordings) r.sample_rate_hz = out.recordings.front().sample_rate_hz;
  }
  const std::vector<size_t> per_class = out.RecordingsPerClass();
  for (size_t c = 0; c < per_class.size(); ++c) {
    if (per_class[c] == 0) {
      throw DatasetError("class '" + out.labels[c] + "' has no recordings");
    }
  }
  return out;
}

}  // namespace lwcl::train
