// CSV loader: recordings from comma-separated text, and datasets from a
// folder of class folders of CSV files (the layout of ST's HAR dataset and of
// most hand-made collections):
//
//   DATASET_DIR/<class>/<anything>.csv   one recording per file, label = <class>
//
// A file holds one row per sample and one column per axis, optionally with a
// header line (detected when any field of the first line is not a number).
// A header whose first column is `timestamp` (Edge Impulse's CSV) drops that
// column and, if no rate is known otherwise, yields the rate from the
// timestamps (milliseconds). Values are converted to g on load.
//
// Every error is a DatasetError whose message starts `path:line:` (or `path:`)
// so the user can go straight to the bad row.
#ifndef LWCL_TRAIN_CSV_LOADER_H_
#define LWCL_TRAIN_CSV_LOADER_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "train/dataset.h"
#include "train/units.h"

namespace lwcl::train {

enum class CsvHeader { kAuto, kPresent, kAbsent };

struct CsvLoadOptions {
  // Sample rate; 0 = take it from a `_<N>Hz_` token of the file name, else
  // from a timestamp column. A file whose rate cannot be found is an error.
  float sample_rate_hz = 0.0f;
  // Units of the values; nullopt = take them from a `_mg` / `_g` / `_ms2`
  // token of the file name. Unknown units are an error, never a guess.
  std::optional<Units> units;
  CsvHeader header = CsvHeader::kAuto;
};

// Parses one recording from CSV text. `source` names it in error messages
// (and, for rate/unit tokens, is read as a file name). The label is left
// empty.
Recording ParseCsvRecording(std::string_view text, const std::string& source,
                            const CsvLoadOptions& options);

// Reads and parses one CSV file.
Recording LoadCsvRecording(const std::filesystem::path& file, const CsvLoadOptions& options);

// Loads DATASET_DIR/<class>/*.csv. Classes and files are taken in sorted
// order so a dataset loads identically everywhere. Hidden entries and files
// beside the class folders (README, LICENSE) are ignored. Errors: missing
// directory, no class folders, a class folder with no CSV file, recordings
// whose axis counts differ, and any malformed file.
Dataset LoadCsvDataset(const std::filesystem::path& dir, const CsvLoadOptions& options);

// The rate of a `_<N>Hz_` (or `_<N>Hz.`) token in a file name, e.g.
// "walking_01_26Hz_4g_mg.csv" -> 26.
std::optional<float> RateFromFileName(std::string_view file_name);
// The units of a `_mg` / `_g` / `_ms2` token in a file name.
std::optional<Units> UnitsFromFileName(std::string_view file_name);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_CSV_LOADER_H_
