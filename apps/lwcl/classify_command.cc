// `lwcl classify PACKAGE RECORDING`: runs a model package over one recording
// exactly as a device would (the core's Classifier, int8, DSP included) and
// prints one line per window: start time, label, confidence, anomaly score;
// then how many windows went to each label. `--json` prints the same as JSON.
//
// Recordings are CSV (train::LoadCsvRecording: optional header, an optional
// Edge Impulse `timestamp` column; units and rate from the file name, the
// timestamps or the flags), or .json/.cbor files: Edge Impulse acquisition
// files or LwCL recordings (accelerometer axes selected). The recording must
// match the package's input: the same axis count and rate (within 1 %);
// nothing is resampled behind the user's back, only with --resample.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "file_bytes.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "train/csv_loader.h"
#include "train/dataset_preparation.h"
#include "train/document_file.h"
#include "train/edge_impulse_loader.h"
#include "train/recording_format.h"
#include "train/units.h"

namespace lwcl::apps {
namespace {

struct ClassifyOptions {
  std::string package;
  std::string recording;
  float rate_hz = 0.0f;
  std::string units = "auto";
  bool json = false;
  bool resample = false;
};

std::string Str(tinyml::Span<const char> s) { return std::string(s.data, s.size); }

// A package read in place by the core, with its own aligned storage and arena.
struct LoadedModel {
  std::vector<uint32_t> package_words;  // 4-byte alignment for the reader
  std::vector<uint32_t> arena_words;
  tinyml::PackageView view;
  tinyml::Classifier classifier;
};

void LoadModel(const std::string& path, LoadedModel& m) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  m.package_words.assign((bytes.size() + 3) / 4, 0);
  if (!bytes.empty()) std::memcpy(m.package_words.data(), bytes.data(), bytes.size());
  const tinyml::Span<const uint8_t> span(reinterpret_cast<const uint8_t*>(m.package_words.data()),
                                         bytes.size());
  tinyml::Status st = tinyml::ReadPackage(span, &m.view);
  if (st != tinyml::Status::kOk) {
    throw std::runtime_error(path +
                             ": not a package a device would accept: " + tinyml::StatusName(st));
  }
  if (m.view.is_delta) {
    throw std::runtime_error(path +
                             ": is a delta package; it only runs applied to its base package");
  }
  const size_t arena = tinyml::RequiredArenaBytes(m.view);
  m.arena_words.assign((arena + 3) / 4, 0);
  st = m.classifier.Init(
      m.view, tinyml::Span<uint8_t>(reinterpret_cast<uint8_t*>(m.arena_words.data()), arena));
  if (st != tinyml::Status::kOk) {
    throw std::runtime_error(path + ": the classifier cannot run it: " + tinyml::StatusName(st));
  }
}

train::Recording LoadRecording(const ClassifyOptions& o, float package_rate) {
  const std::filesystem::path file(o.recording);
  const std::string ext = file.extension().string();
  if (ext == ".json" || ext == ".cbor") {
    // Structured files carry their own rate and units.
    const nlohmann::json doc = train::ReadDocumentFile(file);
    train::Recording r = train::IsLwclRecording(doc)
                             ? train::RecordingFromJson(doc, o.recording)
                             : train::ParseEdgeImpulseAcquisition(doc, o.recording);
    // Edge Impulse files may carry a gyroscope too: keep the accelerometer.
    return train::SelectAxes(r, train::DefaultAxes(r));
  }
  train::CsvLoadOptions csv;
  csv.sample_rate_hz = o.rate_hz;
  if (o.units != "auto") {
    csv.units = train::ParseUnits(o.units);
    if (!csv.units) throw CLI::ValidationError("--units", "expected auto, g, mg or m/s2");
  }
  try {
    return train::LoadCsvRecording(file, csv);
  } catch (const train::DatasetError&) {
    // No rate anywhere (flag, file name, timestamps): assume the package's,
    // which is what a device fed by this sensor would do. Any other problem
    // fails again below with the loader's own message.
    if (o.rate_hz > 0.0f || train::RateFromFileName(file.filename().string())) throw;
    csv.sample_rate_hz = package_rate;
    train::Recording r = train::LoadCsvRecording(file, csv);
    spdlog::info("{}: no rate in the file name or timestamps; assuming the package's {} Hz",
                 o.recording, package_rate);
    return r;
  }
}

struct WindowResult {
  double start_s = 0.0;
  size_t label = 0;
  float confidence = 0.0f;
  float anomaly = 0.0f;
  std::vector<float> probabilities;
};

int Run(const ClassifyOptions& o) {
  auto model = std::make_unique<LoadedModel>();
  LoadModel(o.package, *model);
  const tinyml::PackageView& p = model->view;
  const tinyml::SpectralConfig& dsp = p.dsp;
  train::Recording rec = LoadRecording(o, dsp.sample_rate_hz);

  if (rec.axes.size() != dsp.axes) {
    throw std::runtime_error(o.recording + ": has " + std::to_string(rec.axes.size()) +
                             " axes, the model expects " + std::to_string(dsp.axes) +
                             " (give a CSV with one column per axis, plus an optional timestamp)");
  }
  const double rate = static_cast<double>(dsp.sample_rate_hz);
  const double file_rate = static_cast<double>(rec.sample_rate_hz);
  if (std::abs(file_rate - rate) > 0.01 * rate) {
    if (!o.resample) {
      char msg[256];
      std::snprintf(msg, sizeof msg,
                    ": recorded at %.4g Hz, the model expects %.4g Hz; pass --resample to "
                    "resample it to %.4g Hz (or --rate if the file's rate is wrong)",
                    file_rate, rate, rate);
      throw std::runtime_error(o.recording + msg);
    }
    rec = train::Resample(rec, dsp.sample_rate_hz);
    spdlog::info("{}: resampled from {} Hz to {} Hz", o.recording, file_rate, rate);
  }
  const double rec_rate = static_cast<double>(rec.sample_rate_hz);

  const size_t window = dsp.window_samples;
  const size_t stride = p.stride_samples;
  const size_t samples = rec.SampleCount();
  std::vector<WindowResult> results;
  for (size_t start = 0; stride > 0 && start + window <= samples; start += stride) {
    tinyml::Result r;
    const tinyml::Status st = model->classifier.ClassifyWindow(
        tinyml::Span<const float>(rec.samples.data() + start * dsp.axes, window * dsp.axes), &r);
    if (st != tinyml::Status::kOk) {
      throw std::runtime_error(o.recording + ": window at sample " + std::to_string(start) +
                               " failed: " + tinyml::StatusName(st));
    }
    WindowResult w;
    w.start_s = static_cast<double>(start) / rate;
    w.label = r.label;
    w.confidence = r.confidence;
    w.anomaly = r.anomaly;
    w.probabilities.assign(r.probabilities.data, r.probabilities.data + r.probabilities.size);
    results.push_back(std::move(w));
  }

  std::vector<std::string> labels;
  for (size_t i = 0; i < p.label_count; ++i) labels.push_back(Str(p.labels[i]));
  std::vector<size_t> counts(labels.size(), 0);
  for (const WindowResult& w : results) ++counts.at(w.label);

  if (o.json) {
    nlohmann::json j;
    j["recording"] = o.recording;
    j["model"] = {{"name", Str(p.name)}, {"version", Str(p.version)}, {"labels", labels}};
    j["rate_hz"] = rec.sample_rate_hz;
    j["samples"] = samples;
    j["window_samples"] = window;
    j["stride_samples"] = stride;
    nlohmann::json windows = nlohmann::json::array();
    for (const WindowResult& w : results) {
      windows.push_back({{"start_s", w.start_s},
                         {"label", labels[w.label]},
                         {"label_index", w.label},
                         {"confidence", w.confidence},
                         {"anomaly", w.anomaly},
                         {"probabilities", w.probabilities}});
    }
    j["windows"] = windows;
    nlohmann::json summary = nlohmann::json::object();
    for (size_t c = 0; c < labels.size(); ++c) summary[labels[c]] = counts[c];
    j["summary"] = {{"windows", results.size()}, {"counts", summary}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("recording  %s: %zu axes, %zu samples at %.4g Hz (%.1f s)\n", o.recording.c_str(),
                rec.axes.size(), samples, rec_rate, static_cast<double>(samples) / rate);
    std::printf("model      %s %s: window %zu samples (%.2f s), stride %zu (%.2f s)\n",
                Str(p.name).c_str(), Str(p.version).c_str(), window,
                static_cast<double>(window) / rate, stride, static_cast<double>(stride) / rate);
    size_t width = 5;
    for (const std::string& l : labels) width = std::max(width, l.size());
    std::printf("%9s  %-*s  %10s  %7s\n", "start_s", static_cast<int>(width), "label", "confidence",
                "anomaly");
    for (const WindowResult& w : results) {
      std::printf("%9.3f  %-*s  %10.3f  %7.3f\n", w.start_s, static_cast<int>(width),
                  labels[w.label].c_str(), static_cast<double>(w.confidence),
                  static_cast<double>(w.anomaly));
    }
    std::string summary;
    for (size_t c = 0; c < labels.size(); ++c) {
      char part[64];
      std::snprintf(part, sizeof part, " %zu (%.1f%%)", counts[c],
                    results.empty() ? 0.0
                                    : 100.0 * static_cast<double>(counts[c]) /
                                          static_cast<double>(results.size()));
      summary += (c ? ", " : " ") + labels[c] + part;
    }
    std::printf("summary    %zu windows:%s\n", results.size(), summary.c_str());
  }
  if (results.empty()) {
    spdlog::error("{}: {} samples, shorter than one window of {} samples: nothing to classify",
                  o.recording, samples, window);
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterClassifyCommand(CLI::App& app) {
  auto opts = std::make_shared<ClassifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "classify",
      "Classify a recording with a model package, window by window, as a device would.\n\n"
      "RECORDING is a CSV file (one column per axis, optional header and Edge Impulse\n"
      "timestamp column), an Edge Impulse acquisition file (.json/.cbor) or an LwCL\n"
      "recording (.json/.cbor). CSV units and rate come from the file name's\n"
      "_mg/_g/_ms2 and _26Hz_ tokens, the timestamps, or --units/--rate; without any\n"
      "rate the package's rate is assumed. Axes and rate must match the package\n"
      "(--resample converts the rate).\n\n"
      "Examples:\n"
      "  lwcl classify motion.lwpkg walk_26Hz_mg.csv\n"
      "  lwcl classify motion.lwpkg capture.csv --units g --json\n"
      "  lwcl classify motion.lwpkg walking.1.json --resample");
  cmd->add_option("PACKAGE", opts->package, "Model package file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("RECORDING", opts->recording, "Recording (CSV, Edge Impulse or LwCL JSON/CBOR)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--rate", opts->rate_hz, "Sample rate of the recording in Hz")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--units", opts->units,
                  "Units of the values: auto (from the file name), g, mg, m/s2")
      ->capture_default_str();
  cmd->add_flag("--resample", opts->resample,
                "Resample (linear interpolation) a recording at another rate to the package's");
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  cmd->callback([opts] {
    int rc = 1;
    try {
      rc = Run(*opts);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
    }
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace lwcl::apps
