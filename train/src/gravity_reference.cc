#include "train/gravity_reference.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tinyml/learn/gravity_gauge.h"

namespace lwcl::train {
namespace {

bool AllAccelerometer(const Recording& r) {
  if (r.axes.size() != 3) return false;
  return std::all_of(r.axis_units.begin(), r.axis_units.end(), [](const std::string& u) { return u == "g"; });
}

double Median(std::vector<double> v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  return v[mid];
}

}  // namespace

tinyml::GravityReference MeasureGravity(const Dataset& dataset, std::span<const WindowRef> windows,
                                        const tinyml::SpectralConfig& dsp, float still_limit) {
  if (dsp.axes != 3 || dsp.window_samples == 0 || !(still_limit > 0.0f)) return {};
  const size_t n = dsp.window_samples;
  std::vector<double> log_length;
  for (const WindowRef& ref : windows) {
    const Recording& rec = dataset.recordings.at(ref.recording);
    if (!AllAccelerometer(rec)) return {};
    const std::span<const float> w = WindowSamples(dataset, ref, n);
    // The core's own measure, so "still" means here what it means on the device.
    const tinyml::WindowGravity g = tinyml::MeasureWindowGravity({w.data(), w.size()}, dsp.scale);
    const double length = static_cast<double>(g.length());
    if (length > 0.0 && std::isfinite(length) && g.still(still_limit)) log_length.push_back(std::log(length));
  }
  if (log_length.size() < kMinStillWindows || 10 * log_length.size() < windows.size()) return {};
  const double centre = Median(log_length);
  std::vector<double> deviation(log_length.size());
  for (size_t i = 0; i < log_length.size(); ++i) deviation[i] = std::fabs(log_length[i] - centre);
  tinyml::GravityReference g;
  g.magnitude = static_cast<float>(std::exp(centre));
  g.log_spread = std::max(kMinGravitySpread, static_cast<float>(1.4826 * Median(deviation)));
  g.still_limit = still_limit;
  return g;
}

}  // namespace lwcl::train
