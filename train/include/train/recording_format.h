// Recording format: LwCL's own file format for one labelled (or unlabelled)
// capture, as JSON or as the same structure in CBOR. Devices upload windows
// in it, the server stores them in it, and a folder of such files is a
// dataset. Specified in docs/recording-format.md:
//
//   {"format": "lwcl-recording", "version": 1,
//    "label": "walking",                  // optional; absent/empty = unlabelled
//    "category": "training",              // optional: training | testing
//    "rate_hz": 26.0,
//    "axes": [{"name": "x", "units": "g"}, ...],
//    "values": [[x, y, z], ...],          // one row per sample
//    "device": "urn:dev:...", "time": "2025-01-01T00:00:00Z"}  // optional
//
// The reader refuses other formats, newer versions, and rows that do not
// match the axes, naming the file. Accelerometer values may be in g, mg or
// m/s2 and are read as g; other axes keep their units.
#ifndef LWCL_TRAIN_RECORDING_FORMAT_H_
#define LWCL_TRAIN_RECORDING_FORMAT_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

inline constexpr std::string_view kRecordingFormatName = "lwcl-recording";
inline constexpr int kRecordingFormatVersion = 1;

// Optional provenance written beside the data.
struct RecordingMeta {
  std::string device;  // endpoint name or other device id
  std::string time;    // ISO 8601 start time
};

enum class RecordingEncoding { kJson, kCbor };

// True when `doc` declares itself an LwCL recording.
bool IsLwclRecording(const nlohmann::json& doc);

nlohmann::json RecordingToJson(const Recording& recording, const RecordingMeta& meta = {});
// Parses a document; `source` names it in errors. Fills `meta` when given.
Recording RecordingFromJson(const nlohmann::json& doc, const std::string& source,
                            RecordingMeta* meta = nullptr);

std::vector<uint8_t> EncodeRecording(const Recording& recording, RecordingEncoding encoding,
                                     const RecordingMeta& meta = {});
// Writes one file: CBOR when its extension is .cbor, JSON otherwise.
void WriteRecordingFile(const std::filesystem::path& file, const Recording& recording,
                        const RecordingMeta& meta = {});
Recording LoadRecordingFile(const std::filesystem::path& file, RecordingMeta* meta = nullptr);

// Every *.json / *.cbor LwCL recording under `dir` (recursively, sorted
// paths); other JSON files are skipped. Labels and categories come from the
// files. `progress` is called after each file with (done, total).
std::vector<Recording> LoadRecordingFolder(const std::filesystem::path& dir,
                                           const std::function<void(size_t, size_t)>& progress = {});

// True when `dir` (or a folder below it) holds at least one LwCL recording.
bool HoldsLwclRecordings(const std::filesystem::path& dir);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_RECORDING_FORMAT_H_
