// Edge Impulse loader: recordings from Edge Impulse data-acquisition files
// (JSON or the same structure in CBOR) and datasets from an Edge Impulse
// export, so a user's Edge Impulse project comes over as it is.
//
// An acquisition file carries `protected`, `signature` and `payload`;
// the payload has `interval_ms`, `sensors[{name, units}]` and `values[][]`
// (one row per sample, one number per sensor). Accelerometer units (m/s2, g,
// mg) become g; other sensors (a gyroscope, units "N/A" or "dps") are kept
// as they are and are only used when the user selects them.
//
// An export is a folder with `training/` and `testing/` folders, each with an
// `info.labels` file ({"version":1,"files":[{path, name, category,
// label{type, label}}]}) that maps every file to its label and category;
// one info.labels at the top with paths into the folders works too. Without
// info.labels, the label is the file name up to its first '.', and the
// category is the folder (training/testing). The categories are kept on the
// recordings: they ARE the split (see split.h).
#ifndef LWCL_TRAIN_EDGE_IMPULSE_LOADER_H_
#define LWCL_TRAIN_EDGE_IMPULSE_LOADER_H_

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

// One acquisition document (decoded JSON/CBOR) -> recording, label empty.
// Errors (DatasetError naming `source`): no payload, interval_ms missing or
// not positive, sensors missing, rows whose width differs from sensors.
Recording ParseEdgeImpulseAcquisition(const nlohmann::json& doc, const std::string& source);

// Reads one .json or .cbor acquisition file.
Recording LoadEdgeImpulseFile(const std::filesystem::path& file);

struct InfoLabelsEntry {
  std::string path;      // relative to the info.labels file's folder
  std::string name;      // Edge Impulse's sample name
  std::string category;  // "training" or "testing"
  std::optional<std::string> label;  // nullopt: the sample is unlabelled
};

// Parses an info.labels document. Label types: "label" (one label) and
// "unlabeled"; any other (e.g. multi-label) is an error naming the entry.
std::vector<InfoLabelsEntry> ParseInfoLabels(const nlohmann::json& doc, const std::string& source);

// True when `dir` looks like an Edge Impulse export: an info.labels at its top
// or in training/ or testing/, or acquisition files in training/ or testing/.
bool IsEdgeImpulseExport(const std::filesystem::path& dir);

// Every recording of the export with its label and category (not yet a
// Dataset: dataset_loader.h decides classes and unlabelled clips).
// `progress`, when set, is called after each file with (done, total).
std::vector<Recording> LoadEdgeImpulseRecordings(
    const std::filesystem::path& dir,
    const std::function<void(size_t, size_t)>& progress = {});

// The label Edge Impulse file names start with: "Idle.json.5vn0.json" ->
// "Idle", "walk.01.cbor" -> "walk".
std::string LabelFromEdgeImpulseFileName(const std::string& file_name);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_EDGE_IMPULSE_LOADER_H_
