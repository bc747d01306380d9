#include "train/dataset_loader.h"

namespace lwcl::train {

Dataset LoadDataset(const std::filesystem::path& path, const DatasetLoadOptions& options) {
  switch (options.format) {
    case DatasetFormat::kAuto:
    case DatasetFormat::kCsvFolders:
      // The only format so far; Edge Impulse JSON detection (an info.labels
      // file or *.json payloads) goes in front of this when it lands.
      return LoadCsvDataset(path, options.csv);
  }
  throw DatasetError(path.string() + ": unknown dataset format");
}

}  // namespace lwcl::train
