// Dataset loader: one entry point that turns a path into a Dataset, whatever
// format the recordings are in, so the CLI and the server never change when a
// format lands.
//
// Formats (kAuto picks by content, in this order):
//  - Edge Impulse export: training/ and testing/ with info.labels
//    (edge_impulse_loader.h); its categories are kept for the split.
//  - A folder of LwCL recordings (recording_format.h), labels inside.
//  - A folder of class folders of CSV files (csv_loader.h).
//
// Classes: the labels of the training recordings (all recordings when the
// source has no categories), sorted. A testing recording whose label no
// training recording has (Edge Impulse's "testing" clips) is UNLABELLED: it
// keeps its label text (Dataset::LabelIndex() is -1), and it is classified
// and listed but never scored. With an
// explicit label list, a training recording outside it is an error naming the
// file, as is a listed class with no recordings.
#ifndef LWCL_TRAIN_DATASET_LOADER_H_
#define LWCL_TRAIN_DATASET_LOADER_H_

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "train/csv_loader.h"
#include "train/dataset.h"

namespace lwcl::train {

enum class DatasetFormat { kAuto, kCsvFolders, kEdgeImpulse, kLwclRecordings };

struct DatasetLoadOptions {
  DatasetFormat format = DatasetFormat::kAuto;
  CsvLoadOptions csv;
  // The classes, when the user names them; empty = every training label.
  std::vector<std::string> labels;
  // Called after each file with (files done, files total); may be empty.
  std::function<void(size_t, size_t)> progress;
};

// Loads the dataset at `path`; throws DatasetError naming what is wrong.
Dataset LoadDataset(const std::filesystem::path& path, const DatasetLoadOptions& options);

// The format kAuto would pick for `path`.
DatasetFormat DetectDatasetFormat(const std::filesystem::path& path);
std::string_view DatasetFormatName(DatasetFormat format);

// Builds a Dataset from loaded recordings by the class rules above. `where`
// names the dataset in errors.
Dataset AssembleDataset(std::vector<Recording> recordings, const DatasetLoadOptions& options,
                        const std::string& where);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DATASET_LOADER_H_
