#include "train/sensor_table.h"

#include <cmath>
#include <optional>
#include <set>

#include "train/units.h"

namespace lwcl::train {

Recording RecordingFromSensorTable(const nlohmann::json& axes, const nlohmann::json& values,
                                   const std::string& source, const std::string& axes_key,
                                   const std::string& values_key) {
  const auto fail = [&](const std::string& what) { return DatasetError(source + ": " + what); };
  if (!axes.is_array() || axes.empty()) throw fail(axes_key + " is missing or empty");
  if (!values.is_array()) throw fail(values_key + " is missing or not an array");

  Recording rec;
  rec.source = source;
  std::vector<float> factor;  // per axis: to g, or 1 for non-accelerometer axes
  std::set<std::string> seen;
  for (size_t i = 0; i < axes.size(); ++i) {
    const nlohmann::json& a = axes[i];
    const std::string where = axes_key + "[" + std::to_string(i) + "]";
    if (!a.is_object() || !a.contains("name") || !a["name"].is_string()) {
      throw fail(where + " has no name");
    }
    const std::string name = a["name"].get<std::string>();
    if (name.empty()) throw fail(where + " has an empty name");
    if (!seen.insert(name).second) throw fail(where + ": axis '" + name + "' appears twice");
    std::string units = "g";
    if (a.contains("units")) {
      if (!a["units"].is_string()) throw fail(where + ".units is not a string");
      units = a["units"].get<std::string>();
    }
    const std::optional<Units> u = ParseUnits(units);
    rec.axes.push_back(name);
    rec.axis_units.push_back(u ? "g" : units);
    factor.push_back(u ? ToGFactor(*u) : 1.0f);
  }

  const size_t n = rec.axes.size();
  rec.samples.reserve(values.size() * n);
  for (size_t row = 0; row < values.size(); ++row) {
    const nlohmann::json& r = values[row];
    const std::string where = values_key + "[" + std::to_string(row) + "]";
    // Edge Impulse writes a single-axis file's rows as bare numbers.
    if (n == 1 && r.is_number()) {
      rec.samples.push_back(r.get<float>() * factor[0]);
      continue;
    }
    if (!r.is_array()) throw fail(where + " is not an array");
    if (r.size() != n) {
      throw fail(where + " has " + std::to_string(r.size()) + " values, but " + axes_key +
                 " lists " + std::to_string(n) + " axes");
    }
    for (size_t a = 0; a < n; ++a) {
      if (!r[a].is_number()) {
        throw fail(where + "[" + std::to_string(a) + "] (" + rec.axes[a] + ") is not a number");
      }
      const float v = r[a].get<float>();
      if (!std::isfinite(v)) {
        throw fail(where + "[" + std::to_string(a) + "] (" + rec.axes[a] + ") is not finite");
      }
      rec.samples.push_back(v * factor[a]);
    }
  }
  if (rec.SampleCount() == 0) throw fail(values_key + " holds no samples");
  return rec;
}

}  // namespace lwcl::train
