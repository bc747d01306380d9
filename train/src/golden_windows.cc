#include "train/golden_windows.h"

#include <stdexcept>
#include <string>

#include "tinyml/package/model_package.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/memory_plan.h"

namespace lwcl::train {

std::vector<GoldenWindowRecord> PickGoldenWindows(std::span<const uint8_t> package,
                                                  const FeatureMatrix& rows) {
  // ReadPackage needs a 4-byte aligned buffer; a vector's storage is.
  const std::vector<uint8_t> bytes(package.begin(), package.end());
  tinyml::PackageView view;
  tinyml::Status s =
      tinyml::ReadPackage(tinyml::Span<const uint8_t>(bytes.data(), bytes.size()), &view);
  if (s != tinyml::Status::kOk) {
    throw std::invalid_argument(std::string("golden windows: package refused: ") +
                                tinyml::StatusName(s));
  }
  if (rows.rows() > 0 && rows.dim != view.feature_count) {
    throw std::invalid_argument("golden windows: rows have " + std::to_string(rows.dim) +
                                " features, the package " + std::to_string(view.feature_count));
  }
  std::vector<uint8_t> arena(tinyml::RequiredArenaBytes(view));
  tinyml::Classifier classifier;
  s = classifier.Init(view, tinyml::Span<uint8_t>(arena.data(), arena.size()));
  if (s != tinyml::Status::kOk) {
    throw std::invalid_argument(std::string("golden windows: package does not run: ") +
                                tinyml::StatusName(s));
  }

  const size_t classes = view.label_count;
  std::vector<GoldenWindowRecord> found(classes);
  std::vector<bool> have(classes, false);
  size_t missing = classes;
  for (size_t r = 0; r < rows.rows() && missing > 0; ++r) {
    const int truth = rows.labels[r];
    if (truth < 0 || static_cast<size_t>(truth) >= classes || have[static_cast<size_t>(truth)]) {
      continue;
    }
    const std::span<const float> row = rows.row(r);
    tinyml::Result result;
    if (classifier.ClassifyFeatures(tinyml::Span<const float>(row.data(), row.size()), &result) !=
            tinyml::Status::kOk ||
        result.label != static_cast<size_t>(truth)) {
      continue;
    }
    GoldenWindowRecord& g = found[static_cast<size_t>(truth)];
    g.features.assign(row.begin(), row.end());
    g.expected_class = truth;
    g.expected_output.assign(classifier.output().begin(), classifier.output().end());
    have[static_cast<size_t>(truth)] = true;
    --missing;
  }
  std::vector<GoldenWindowRecord> out;
  for (size_t c = 0; c < classes && out.size() < tinyml::kMaxGoldenWindows; ++c) {
    if (have[c]) out.push_back(std::move(found[c]));
  }
  return out;
}

}  // namespace lwcl::train
