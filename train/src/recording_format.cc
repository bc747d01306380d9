#include "train/recording_format.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <system_error>

#include "train/document_file.h"
#include "train/sensor_table.h"

namespace lwcl::train {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> DocumentFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    std::string ext = e.path().extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!name.empty() && name[0] != '.' && (ext == ".json" || ext == ".cbor")) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string OptionalString(const nlohmann::json& doc, const char* key, const std::string& source) {
  if (!doc.contains(key) || doc[key].is_null()) return "";
  if (!doc[key].is_string()) throw DatasetError(source + ": '" + key + "' is not a string");
  return doc[key].get<std::string>();
}

}  // namespace

bool IsLwclRecording(const nlohmann::json& doc) {
  return doc.is_object() && doc.contains("format") && doc["format"].is_string() &&
         doc["format"].get<std::string>() == kRecordingFormatName;
}

nlohmann::json RecordingToJson(const Recording& recording, const RecordingMeta& meta) {
  const size_t n = recording.axes.size();
  nlohmann::json axes = nlohmann::json::array();
  for (size_t a = 0; a < n; ++a) {
    const std::string units =
        a < recording.axis_units.size() && !recording.axis_units[a].empty()
            ? recording.axis_units[a]
            : "g";
    axes.push_back({{"name", recording.axes[a]}, {"units", units}});
  }
  nlohmann::json values = nlohmann::json::array();
  for (size_t s = 0; s < recording.SampleCount(); ++s) {
    nlohmann::json row = nlohmann::json::array();
    for (size_t a = 0; a < n; ++a) row.push_back(recording.samples[s * n + a]);
    values.push_back(std::move(row));
  }
  nlohmann::json doc = {{"format", kRecordingFormatName},
                        {"version", kRecordingFormatVersion},
                        {"rate_hz", recording.sample_rate_hz},
                        {"axes", axes},
                        {"values", values}};
  if (!recording.label.empty()) doc["label"] = recording.label;
  if (!recording.category.empty()) doc["category"] = recording.category;
  if (!meta.device.empty()) doc["device"] = meta.device;
  if (!meta.time.empty()) doc["time"] = meta.time;
  return doc;
}

Recording RecordingFromJson(const nlohmann::json& doc, const std::string& source,
                            RecordingMeta* meta) {
  if (!IsLwclRecording(doc)) {
    throw DatasetError(source + ": not an LwCL recording (\"format\" is not \"" +
                       std::string(kRecordingFormatName) + "\")");
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer()) {
    throw DatasetError(source + ": 'version' is missing");
  }
  const int version = doc["version"].get<int>();
  if (version < 1 || version > kRecordingFormatVersion) {
    throw DatasetError(source + ": recording format version " + std::to_string(version) +
                       " is not supported (this build reads up to " +
                       std::to_string(kRecordingFormatVersion) + ")");
  }
  if (!doc.contains("rate_hz") || !doc["rate_hz"].is_number() ||
      !(doc["rate_hz"].get<double>() > 0.0)) {
    throw DatasetError(source + ": 'rate_hz' is missing or not positive");
  }
  if (!doc.contains("axes")) throw DatasetError(source + ": 'axes' is missing");
  if (!doc.contains("values")) throw DatasetError(source + ": 'values' is missing");
  Recording rec = RecordingFromSensorTable(doc["axes"], doc["values"], source, "axes", "values");
  rec.sample_rate_hz = doc["rate_hz"].get<float>();
  rec.label = OptionalString(doc, "label", source);
  rec.category = OptionalString(doc, "category", source);
  if (!rec.category.empty() && rec.category != "training" && rec.category != "testing") {
    throw DatasetError(source + ": category '" + rec.category +
                       "' is neither training nor testing");
  }
  if (meta != nullptr) {
    meta->device = OptionalString(doc, "device", source);
    meta->time = OptionalString(doc, "time", source);
  }
  return rec;
}

std::vector<uint8_t> EncodeRecording(const Recording& recording, RecordingEncoding encoding,
                                     const RecordingMeta& meta) {
  const nlohmann::json doc = RecordingToJson(recording, meta);
  if (encoding == RecordingEncoding::kCbor) return nlohmann::json::to_cbor(doc);
  const std::string text = doc.dump() + "\n";
  return std::vector<uint8_t>(text.begin(), text.end());
}

void WriteRecordingFile(const fs::path& file, const Recording& recording,
                        const RecordingMeta& meta) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::vector<uint8_t> bytes = EncodeRecording(
      recording, ext == ".cbor" ? RecordingEncoding::kCbor : RecordingEncoding::kJson, meta);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw DatasetError(file.string() + ": cannot write");
}

Recording LoadRecordingFile(const fs::path& file, RecordingMeta* meta) {
  return RecordingFromJson(ReadDocumentFile(file), file.string(), meta);
}

std::vector<Recording> LoadRecordingFolder(const fs::path& dir,
                                           const std::function<void(size_t, size_t)>& progress) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw DatasetError(dir.string() + ": not a directory");
  const std::vector<fs::path> files = DocumentFiles(dir);
  std::vector<Recording> recordings;
  for (size_t i = 0; i < files.size(); ++i) {
    const nlohmann::json doc = ReadDocumentFile(files[i]);
    if (IsLwclRecording(doc)) recordings.push_back(RecordingFromJson(doc, files[i].string()));
    if (progress) progress(i + 1, files.size());
  }
  if (recordings.empty()) throw DatasetError(dir.string() + ": no LwCL recordings");
  return recordings;
}

bool HoldsLwclRecordings(const fs::path& dir) {
  for (const fs::path& f : DocumentFiles(dir)) {
    try {
      if (IsLwclRecording(ReadDocumentFile(f))) return true;
    } catch (const DatasetError&) {
      // Not a document we can read: not ours either; keep looking.
    }
  }
  return false;
}

}  // namespace lwcl::train
