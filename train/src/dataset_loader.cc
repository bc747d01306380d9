#include "train/dataset_loader.h"

#include <algorithm>
#include <set>

#include "train/edge_impulse_loader.h"
#include "train/recording_format.h"

namespace lwcl::train {

DatasetFormat DetectDatasetFormat(const std::filesystem::path& path) {
  if (IsEdgeImpulseExport(path)) return DatasetFormat::kEdgeImpulse;
  if (HoldsLwclRecordings(path)) return DatasetFormat::kLwclRecordings;
  return DatasetFormat::kCsvFolders;
}

std::string_view DatasetFormatName(DatasetFormat format) {
  switch (format) {
    case DatasetFormat::kAuto:
      return "auto";
    case DatasetFormat::kCsvFolders:
      return "csv-folders";
    case DatasetFormat::kEdgeImpulse:
      return "edge-impulse";
    case DatasetFormat::kLwclRecordings:
      return "lwcl-recordings";
  }
  return "?";
}

Dataset AssembleDataset(std::vector<Recording> recordings, const DatasetLoadOptions& options,
                        const std::string& where) {
  if (recordings.empty()) throw DatasetError(where + ": no recordings");
  std::set<std::string> training_labels;
  for (const Recording& r : recordings) {
    if (r.category == "testing" || r.label.empty()) continue;
    if (!options.labels.empty() &&
        std::find(options.labels.begin(), options.labels.end(), r.label) == options.labels.end()) {
      std::string known;
      for (const std::string& l : options.labels) known += (known.empty() ? "" : ", ") + l;
      throw DatasetError(r.source + ": label '" + r.label + "' is not one of the classes (" +
                         known + ")");
    }
    training_labels.insert(r.label);
  }
  Dataset dataset;
  if (options.labels.empty()) {
    // (A loop, not assign(): GCC 12 warns of a null dereference in the latter.)
    for (const std::string& l : training_labels) dataset.labels.push_back(l);
  } else {
    dataset.labels = options.labels;
    std::sort(dataset.labels.begin(), dataset.labels.end());
    for (const std::string& l : dataset.labels) {
      if (training_labels.count(l) == 0) {
        throw DatasetError(where + ": class '" + l + "' has no training recordings");
      }
    }
  }
  if (dataset.labels.empty()) throw DatasetError(where + ": no labelled training recordings");
  // A testing clip whose label is no class (Edge Impulse's "testing") keeps
  // its label for the report, but LabelIndex() < 0 makes it unlabelled.
  dataset.recordings = std::move(recordings);
  return dataset;
}

Dataset LoadDataset(const std::filesystem::path& path, const DatasetLoadOptions& options) {
  const DatasetFormat format =
      options.format == DatasetFormat::kAuto ? DetectDatasetFormat(path) : options.format;
  switch (format) {
    case DatasetFormat::kEdgeImpulse:
      return AssembleDataset(LoadEdgeImpulseRecordings(path, options.progress), options,
                             path.string());
    case DatasetFormat::kLwclRecordings:
      return AssembleDataset(LoadRecordingFolder(path, options.progress), options, path.string());
    case DatasetFormat::kAuto:
    case DatasetFormat::kCsvFolders: {
      Dataset csv = LoadCsvDataset(path, options.csv);
      if (options.labels.empty()) return csv;
      return AssembleDataset(std::move(csv.recordings), options, path.string());
    }
  }
  throw DatasetError(path.string() + ": unknown dataset format");
}

}  // namespace lwcl::train
