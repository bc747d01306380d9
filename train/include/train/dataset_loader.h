// Dataset loader: one entry point that turns a path into a Dataset, whatever
// format the recordings are in.
//
// Today it reads folders of CSV class folders (csv_loader.h). Edge Impulse
// acquisition JSON/CBOR is the next format: it plugs in here as another
// DatasetFormat, so the CLI and the server never change when it lands.
#ifndef LWCL_TRAIN_DATASET_LOADER_H_
#define LWCL_TRAIN_DATASET_LOADER_H_

#include <filesystem>

#include "train/csv_loader.h"
#include "train/dataset.h"

namespace lwcl::train {

enum class DatasetFormat { kAuto, kCsvFolders };

struct DatasetLoadOptions {
  DatasetFormat format = DatasetFormat::kAuto;
  CsvLoadOptions csv;
};

// Loads the dataset at `path`; throws DatasetError naming what is wrong.
Dataset LoadDataset(const std::filesystem::path& path, const DatasetLoadOptions& options);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DATASET_LOADER_H_
