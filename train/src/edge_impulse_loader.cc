#include "train/edge_impulse_loader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

#include "train/document_file.h"
#include "train/sensor_table.h"

namespace lwcl::train {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsAcquisitionFileName(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.empty() || name[0] == '.') return false;
  const std::string ext = Lower(p.extension().string());
  return ext == ".json" || ext == ".cbor";
}

std::vector<fs::path> AcquisitionFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && IsAcquisitionFileName(e.path())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

const char* const kCategories[] = {"training", "testing"};

}  // namespace

Recording ParseEdgeImpulseAcquisition(const nlohmann::json& doc, const std::string& source) {
  if (!doc.is_object() || !doc.contains("payload") || !doc["payload"].is_object()) {
    throw DatasetError(source + ": not an Edge Impulse acquisition file (no payload object)");
  }
  const nlohmann::json& p = doc["payload"];
  if (!p.contains("interval_ms") || !p["interval_ms"].is_number()) {
    throw DatasetError(source + ": payload.interval_ms is missing");
  }
  const double interval = p["interval_ms"].get<double>();
  if (!(interval > 0.0)) {
    throw DatasetError(source + ": payload.interval_ms must be positive, got " +
                       std::to_string(interval));
  }
  if (!p.contains("sensors")) throw DatasetError(source + ": payload.sensors is missing");
  if (!p.contains("values")) throw DatasetError(source + ": payload.values is missing");
  Recording rec = RecordingFromSensorTable(p["sensors"], p["values"], source, "payload.sensors",
                                           "payload.values");
  rec.sample_rate_hz = static_cast<float>(1000.0 / interval);
  return rec;
}

Recording LoadEdgeImpulseFile(const fs::path& file) {
  return ParseEdgeImpulseAcquisition(ReadDocumentFile(file), file.string());
}

std::vector<InfoLabelsEntry> ParseInfoLabels(const nlohmann::json& doc, const std::string& source) {
  if (!doc.is_object() || !doc.contains("files") || !doc["files"].is_array()) {
    throw DatasetError(source + ": not an info.labels file (no files array)");
  }
  std::vector<InfoLabelsEntry> entries;
  const nlohmann::json& files = doc["files"];
  for (size_t i = 0; i < files.size(); ++i) {
    const nlohmann::json& f = files[i];
    const std::string where = source + ": files[" + std::to_string(i) + "]";
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) {
      throw DatasetError(where + " has no path");
    }
    InfoLabelsEntry e;
    e.path = f["path"].get<std::string>();
    if (f.contains("name") && f["name"].is_string()) e.name = f["name"].get<std::string>();
    if (f.contains("category") && f["category"].is_string()) {
      e.category = f["category"].get<std::string>();
    }
    if (e.category != "training" && e.category != "testing") {
      throw DatasetError(where + " (" + e.path + "): category '" + e.category +
                         "' is neither training nor testing");
    }
    if (!f.contains("label") || !f["label"].is_object()) {
      throw DatasetError(where + " (" + e.path + ") has no label object");
    }
    const nlohmann::json& l = f["label"];
    const std::string type = l.value("type", "");
    if (type == "label") {
      if (!l.contains("label") || !l["label"].is_string() || l["label"].get<std::string>().empty()) {
        throw DatasetError(where + " (" + e.path + "): label.label is missing or empty");
      }
      e.label = l["label"].get<std::string>();
    } else if (type != "unlabeled" && type != "unlabelled") {
      throw DatasetError(where + " (" + e.path + "): label type '" + type +
                         "' is not supported (expected 'label' or 'unlabeled')");
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

bool IsEdgeImpulseExport(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "info.labels", ec)) return true;
  for (const char* c : kCategories) {
    if (fs::is_regular_file(dir / c / "info.labels", ec)) return true;
    if (!AcquisitionFiles(dir / c).empty()) return true;
  }
  return false;
}

std::string LabelFromEdgeImpulseFileName(const std::string& file_name) {
  const size_t dot = file_name.find('.');
  return dot == std::string::npos ? file_name : file_name.substr(0, dot);
}

std::vector<Recording> LoadEdgeImpulseRecordings(
    const fs::path& dir, const std::function<void(size_t, size_t)>& progress) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw DatasetError(dir.string() + ": not a directory");

  // (file, category, label) of every sample, from info.labels where present.
  struct Sample {
    fs::path file;
    std::string category;
    std::optional<std::string> label;
  };
  std::vector<Sample> samples;
  std::map<fs::path, bool> listed;
  const auto read_labels = [&](const fs::path& labels_file) {
    const fs::path base = labels_file.parent_path();
    for (InfoLabelsEntry& e : ParseInfoLabels(ReadDocumentFile(labels_file), labels_file.string())) {
      const fs::path file = (base / e.path).lexically_normal();
      if (!fs::is_regular_file(file, ec)) {
        throw DatasetError(labels_file.string() + ": lists " + e.path + ", which does not exist");
      }
      if (listed[file]) continue;
      listed[file] = true;
      samples.push_back({file, e.category, std::move(e.label)});
    }
  };
  bool any_labels_file = false;
  if (fs::is_regular_file(dir / "info.labels", ec)) {
    read_labels(dir / "info.labels");
    any_labels_file = true;
  }
  for (const char* c : kCategories) {
    if (fs::is_regular_file(dir / c / "info.labels", ec)) {
      read_labels(dir / c / "info.labels");
      any_labels_file = true;
    }
  }
  if (!any_labels_file) {
    // No info.labels: the folder is the category, the name is the label.
    for (const char* c : kCategories) {
      for (const fs::path& f : AcquisitionFiles(dir / c)) {
        samples.push_back({f, c, LabelFromEdgeImpulseFileName(f.filename().string())});
      }
    }
    if (samples.empty()) {
      for (const fs::path& f : AcquisitionFiles(dir)) {
        samples.push_back({f, "", LabelFromEdgeImpulseFileName(f.filename().string())});
      }
    }
  }
  if (samples.empty()) throw DatasetError(dir.string() + ": no Edge Impulse acquisition files");

  std::vector<Recording> recordings;
  recordings.reserve(samples.size());
  for (Sample& s : samples) {
    Recording rec = LoadEdgeImpulseFile(s.file);
    rec.category = s.category;
    rec.label = s.label.value_or("");
    recordings.push_back(std::move(rec));
    if (progress) progress(recordings.size(), samples.size());
  }
  return recordings;
}

}  // namespace lwcl::train
