#include "train/csv_loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

namespace lwcl::train {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// Splits on ',' ';' or tab and trims each field; "1, 2 ,3" -> {"1","2","3"}.
std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t begin = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',' || line[i] == ';' || line[i] == '\t') {
      fields.push_back(Trim(line.substr(begin, i - begin)));
      begin = i + 1;
    }
  }
  return fields;
}

std::optional<float> ParseNumber(std::string_view field) {
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  if (field.empty()) return std::nullopt;
  float value = 0.0f;
  const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || ptr != field.data() + field.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> ParseDouble(std::string_view field) {
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || ec != std::errc() || ptr != field.data() + field.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool IsTimestampName(std::string_view name) {
  const std::string n = Lower(name);
  return n == "timestamp" || n == "time" || n == "t" || n == "time_ms" || n == "timestamp_ms" ||
         n == "ms";
}

std::string FileNameOf(const std::string& source) {
  return std::filesystem::path(source).filename().string();
}

// The stem's '_'-separated tokens; "walking_01_26Hz_4g_mg.csv" ->
// {"walking","01","26Hz","4g","mg"}.
std::vector<std::string> NameTokens(std::string_view file_name) {
  std::string stem(file_name);
  const size_t dot = stem.rfind('.');
  if (dot != std::string::npos) stem.resize(dot);
  std::vector<std::string> tokens;
  std::string current;
  for (char c : stem) {
    if (c == '_' || c == '-' || c == ' ') {
      if (!current.empty()) tokens.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) tokens.push_back(current);
  return tokens;
}

std::vector<std::string> DefaultAxisNames(size_t n) {
  static const char* const kXyz[] = {"x", "y", "z"};
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back(n <= 3 ? kXyz[i] : "axis" + std::to_string(i));
  return names;
}

}  // namespace

std::optional<float> RateFromFileName(std::string_view file_name) {
  for (const std::string& token : NameTokens(file_name)) {
    const std::string t = Lower(token);
    if (t.size() > 2 && t.compare(t.size() - 2, 2, "hz") == 0) {
      const std::optional<float> rate = ParseNumber(std::string_view(t).substr(0, t.size() - 2));
      if (rate && *rate > 0.0f) return rate;
    }
  }
  return std::nullopt;
}

std::optional<Units> UnitsFromFileName(std::string_view file_name) {
  std::optional<Units> found;
  for (const std::string& token : NameTokens(file_name)) {
    const std::string t = Lower(token);
    // Only whole tokens: "4g" is the sensor's range, not its unit.
    if (t == "mg" || t == "g" || t == "ms2" || t == "mps2") found = ParseUnits(t);
  }
  return found;
}

Recording ParseCsvRecording(std::string_view text, const std::string& source,
                            const CsvLoadOptions& options) {
  const auto fail = [&](size_t line, const std::string& what) -> DatasetError {
    return DatasetError(source + ":" + std::to_string(line) + ": " + what);
  };

  const std::string file_name = FileNameOf(source);
  std::optional<Units> units = options.units ? options.units : UnitsFromFileName(file_name);
  if (!units) {
    throw DatasetError(source +
                       ": units unknown (no _mg/_g/_ms2 token in the file name); "
                       "pass the units explicitly (g, mg or m/s2)");
  }
  const float to_g = ToGFactor(*units);

  Recording rec;
  rec.source = source;
  size_t columns = 0;          // fields per row, timestamp included
  bool has_timestamp = false;  // column 0 is a timestamp (header said so)
  bool seen_first = false;
  std::vector<double> timestamps;

  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) {
      if (end == text.size()) break;
      continue;
    }
    const std::vector<std::string_view> fields = SplitFields(line);

    if (!seen_first) {
      seen_first = true;
      bool all_numeric = true;
      for (std::string_view f : fields) all_numeric = all_numeric && ParseNumber(f).has_value();
      const bool is_header = options.header == CsvHeader::kPresent ||
                             (options.header == CsvHeader::kAuto && !all_numeric);
      if (is_header) {
        columns = fields.size();
        size_t first_axis = 0;
        if (!fields.empty() && IsTimestampName(fields[0])) {
          has_timestamp = true;
          first_axis = 1;
        }
        for (size_t i = first_axis; i < fields.size(); ++i) {
          if (fields[i].empty()) throw fail(line_no, "empty column name in header");
          rec.axes.emplace_back(fields[i]);
        }
        if (rec.axes.empty()) throw fail(line_no, "header names no value column");
        if (end == text.size()) break;
        continue;
      }
      columns = fields.size();
      rec.axes = DefaultAxisNames(columns);
    }

    if (fields.size() != columns) {
      throw fail(line_no, "expected " + std::to_string(columns) + " columns, found " +
                              std::to_string(fields.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (has_timestamp && i == 0) {
        const std::optional<double> t = ParseDouble(fields[0]);
        if (!t) throw fail(line_no, "timestamp '" + std::string(fields[0]) + "' is not a number");
        timestamps.push_back(*t);
        continue;
      }
      const std::optional<float> v = ParseNumber(fields[i]);
      if (!v) {
        throw fail(line_no, "column " + std::to_string(i + 1) + " ('" + std::string(fields[i]) +
                                "') is not a number");
      }
      rec.samples.push_back(*v * to_g);
    }
    if (end == text.size()) break;
  }

  if (rec.SampleCount() == 0) throw DatasetError(source + ": no samples");

  if (options.sample_rate_hz > 0.0f) {
    rec.sample_rate_hz = options.sample_rate_hz;
  } else if (const std::optional<float> r = RateFromFileName(file_name)) {
    rec.sample_rate_hz = *r;
  } else if (timestamps.size() >= 2 && timestamps.back() > timestamps.front()) {
    const double interval_ms =
        (timestamps.back() - timestamps.front()) / static_cast<double>(timestamps.size() - 1);
    rec.sample_rate_hz = static_cast<float>(1000.0 / interval_ms);
  } else {
    throw DatasetError(source +
                       ": sample rate unknown (no _<N>Hz_ token in the file name and no "
                       "timestamp column); pass the rate explicitly");
  }
  return rec;
}

Recording LoadCsvRecording(const std::filesystem::path& file, const CsvLoadOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DatasetError(file.string() + ": cannot open");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseCsvRecording(buffer.str(), file.string(), options);
}

Dataset LoadCsvDataset(const std::filesystem::path& dir, const CsvLoadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw DatasetError(dir.string() + ": not a directory");

  std::vector<fs::path> class_dirs;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && name[0] != '.' && e.is_directory()) class_dirs.push_back(e.path());
  }
  std::sort(class_dirs.begin(), class_dirs.end());
  if (class_dirs.empty()) {
    throw DatasetError(dir.string() + ": no class folders (expected DIR/<class>/*.csv)");
  }

  Dataset dataset;
  for (const fs::path& class_dir : class_dirs) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(class_dir)) {
      const std::string name = e.path().filename().string();
      if (name.empty() || name[0] == '.' || !e.is_regular_file()) continue;
      if (Lower(e.path().extension().string()) == ".csv") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    const std::string label = class_dir.filename().string();
    if (files.empty()) {
      throw DatasetError(class_dir.string() + ": class '" + label + "' has no CSV files");
    }
    dataset.labels.push_back(label);
    for (const fs::path& file : files) {
      Recording rec = LoadCsvRecording(file, options);
      rec.label = label;
      if (!dataset.recordings.empty() &&
          rec.axes.size() != dataset.recordings.front().axes.size()) {
        throw DatasetError(file.string() + ": has " + std::to_string(rec.axes.size()) +
                           " axes but " + dataset.recordings.front().source + " has " +
                           std::to_string(dataset.recordings.front().axes.size()));
      }
      dataset.recordings.push_back(std::move(rec));
    }
  }
  return dataset;
}

}  // namespace lwcl::train
