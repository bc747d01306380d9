// `lwcl train`: trains a motion model from a folder of recordings and writes
// its package and an evaluation report. Logic lives in train/ (RunTraining);
// this file only maps flags to options and results to files and stdout.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "file_bytes.h"
#include "train/dataset_loader.h"
#include "train/dataset_preparation.h"
#include "train/dsp_defaults.h"
#include "train/html_report.h"
#include "train/mlp_trainer.h"
#include "train/package_signer.h"
#include "train/training_report.h"
#include "train/training_run.h"
#include "train/units.h"
#include "train/windowing.h"

namespace lwcl::apps {
namespace {

struct TrainFlags {
  std::string dataset_dir;
  std::string split = "by-recording";
  uint32_t seed = 1;
  std::string out;
  std::string report;
  std::string html;      // self-contained HTML report
  std::string sign_key;  // Ed25519 private key (PEM) to sign the package with
  float window_ms = 2000.0f;
  float stride_ms = 500.0f;
  std::string short_recordings = "pad-edge";
  float rate_hz = 0.0f;        // model rate; 0 = the dataset's own
  float input_rate_hz = 0.0f;  // rate of CSV files that do not say theirs
  std::string units = "auto";
  std::string format = "auto";
  std::vector<std::string> axes;    // empty = accelerometer axes / all CSV columns
  std::vector<std::string> labels;  // empty = every training label
  int augment = 2;  // measured: +1.7 points mean test accuracy over 6 seeds on stm32-har (docs/benchmarks.md)
  float aug_noise = 0.01f;
  float aug_gain = 0.05f;
  float aug_rotate_deg = 10.0f;
  float aug_shift_ms = 250.0f;
  std::vector<int> hidden = {32, 16};
  int epochs = 200;
  int patience = 20;
  int fft_length = 0;  // 0 = lwcl::train::kDefaultFftLength, capped by the window
  std::string name = "motion";
  std::string version = "0.1.0";
};


// Reads the signing key before training, so a bad key fails in a second.
std::optional<lwcl::train::Ed25519PrivateKey> ReadSignKey(const TrainFlags& f) {
  using namespace lwcl::train;
  std::optional<Ed25519PrivateKey> sign_key;
  if (!f.sign_key.empty()) {
    if (f.out.empty()) throw CLI::ValidationError("--sign-key", "needs --out: nothing to sign");
    try {
      sign_key = PrivateKeyFromPem(ReadFileText(f.sign_key));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(f.sign_key + ": " + e.what());
    }
  }
  return sign_key;
}

void CheckHidden(const TrainFlags& f) {
  using lwcl::train::kMaxHiddenUnits;
  for (int h : f.hidden) {
    if (h < 1 || h > kMaxHiddenUnits) {
      throw CLI::ValidationError("--hidden", "each hidden layer needs 1.." +
                                                 std::to_string(kMaxHiddenUnits) + " units, got " +
                                                 std::to_string(h));
    }
  }
}

using ProgressClock = std::shared_ptr<std::chrono::steady_clock::time_point>;

lwcl::train::DatasetLoadOptions LoadOptionsFrom(const TrainFlags& f, const ProgressClock& last_progress) {
  using namespace lwcl::train;
  DatasetLoadOptions load;
  load.csv.sample_rate_hz = f.input_rate_hz;
  load.labels = f.labels;
  if (f.format == "csv") {
    load.format = DatasetFormat::kCsvFolders;
  } else if (f.format == "edge-impulse") {
    load.format = DatasetFormat::kEdgeImpulse;
  } else if (f.format == "lwcl") {
    load.format = DatasetFormat::kLwclRecordings;
  } else if (f.format != "auto") {
    throw CLI::ValidationError("--format", "expected auto, csv, edge-impulse or lwcl, got " +
                                               f.format);
  }
  // Long loads say how far they are, at most every two seconds.
  load.progress = [last_progress](size_t done, size_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done == total || now - *last_progress >= std::chrono::seconds(2)) {
      *last_progress = now;
      spdlog::info("loaded {}/{} files", done, total);
    }
  };
  if (f.units != "auto") {
    const std::optional<Units> units = ParseUnits(f.units);
    if (!units)
      throw CLI::ValidationError("--units", "expected auto, g, mg or m/s2, got " + f.units);
    load.csv.units = units;
  }
  return load;
}

void LogDataset(const lwcl::train::Dataset& dataset, const TrainFlags& f) {
  std::string classes;
  const std::vector<size_t> per_class = dataset.RecordingsPerClass();
  for (size_t c = 0; c < dataset.labels.size(); ++c) {
    classes += (c ? ", " : "") + dataset.labels[c] + " " + std::to_string(per_class[c]);
  }
  spdlog::info("{} recordings in {} classes ({})", dataset.recordings.size(),
               dataset.labels.size(), classes);
  std::string axes;
  for (const std::string& a : dataset.recordings.front().axes) axes += (axes.empty() ? "" : ",") + a;
  spdlog::info("axes {} at {} Hz{}", axes, dataset.recordings.front().sample_rate_hz,
               f.rate_hz > 0.0f ? " (resampled)" : "");
  const std::vector<size_t> unlabelled = dataset.UnlabelledRecordings();
  if (!unlabelled.empty()) {
    spdlog::info(
        "{} recordings have no known class (e.g. {} labelled '{}'): they are classified and "
        "listed in the report, not scored",
        unlabelled.size(), dataset.recordings[unlabelled.front()].source,
        dataset.recordings[unlabelled.front()].label);
  }
}

lwcl::train::TrainingOptions TrainingOptionsFrom(const TrainFlags& f,
                                                 const lwcl::train::Dataset& dataset,
                                                 const ProgressClock& last_progress) {
  using namespace lwcl::train;
  TrainingOptions options;
  const float rate = dataset.recordings.front().sample_rate_hz;
  const size_t window = SamplesForDuration(rate, f.window_ms);
  const size_t stride = SamplesForDuration(rate, f.stride_ms);
  if (window < 2 || window > 65535 || stride < 1 || stride > 65535) {
    throw CLI::ValidationError("--window-ms/--stride-ms",
                               "give a window of 2..65535 samples and a stride of at least one");
  }
  if (f.fft_length < 0 || f.fft_length > 65535) {
    throw CLI::ValidationError("--fft-length", "expected a power of two, got " +
                                                   std::to_string(f.fft_length));
  }
  options.dsp = SpectralConfigFor(rate, dataset.recordings.front().axes.size(), window,
                                  static_cast<uint16_t>(f.fft_length));
  options.augment.copies = f.augment;
  options.augment.noise_g = f.aug_noise;
  options.augment.gain = f.aug_gain;
  options.augment.rotate_deg = f.aug_rotate_deg;
  options.augment.shift_samples = SamplesForDuration(rate, f.aug_shift_ms);
  options.stride_samples = static_cast<uint16_t>(stride);
  const std::optional<ShortRecordingPolicy> policy = ParseShortRecordingPolicy(f.short_recordings);
  if (!policy) {
    throw CLI::ValidationError("--short-recordings", "expected pad-edge, pad-mean, pad-zero or skip, got " +
                                                         f.short_recordings);
  }
  options.short_recordings = *policy;
  options.split.seed = f.seed;
  options.mlp.hidden = f.hidden;
  options.mlp.max_epochs = f.epochs;
  options.mlp.patience = f.patience;
  // Every epoch at -v; at the default level one line every two seconds, so a
  // long run shows it is alive without flooding a short one.
  options.mlp.on_epoch = [last_progress, max_epochs = f.epochs](const EpochStats& e) {
    const auto now = std::chrono::steady_clock::now();
    const bool due = now - *last_progress >= std::chrono::seconds(2);
    if (due) *last_progress = now;
    spdlog::log(due ? spdlog::level::info : spdlog::level::debug,
                "epoch {:3}/{}: train loss {:.4f}, validation loss {:.4f}, accuracy {:.4f}{}",
                e.epoch, max_epochs, e.train_loss, e.validation_loss, e.validation_accuracy,
                e.improved ? " *" : "");
  };
  options.model_name = f.name;
  options.model_version = f.version;
  options.progress = [](std::string_view line) {
    if (line.rfind("warning: ", 0) == 0) {
      spdlog::warn("{}", line.substr(9));
    } else {
      spdlog::info("{}", line);
    }
  };
  spdlog::info("window {} samples, stride {} at {} Hz, {} axes, FFT {}{}", window, stride, rate,
               static_cast<int>(options.dsp.axes), options.dsp.fft_length,
               f.augment > 0 ? ", augmented x" + std::to_string(f.augment) : "");
  return options;
}

void WriteOutputs(const TrainFlags& f, const lwcl::train::Dataset& dataset,
                  const lwcl::train::TrainingOptions& options, const lwcl::train::TrainingRun& run,
                  lwcl::train::DatasetFormat format, bool signed_package, double seconds) {
  using namespace lwcl::train;
  if (!f.out.empty()) {
    const std::vector<uint8_t>& package = run.package;
    lwcl::apps::WriteFileBytes(f.out, package);
    spdlog::info("wrote {} ({} bytes{})", f.out, package.size(), signed_package ? ", signed" : "");
  } else {
    spdlog::warn("no --out given: the package was not written");
  }
  if (!f.report.empty()) {
    nlohmann::json report = TrainingReportJson(dataset, options, run);
    report["dataset"] = f.dataset_dir;
    report["dataset_format"] = DatasetFormatName(format);
    report["axes"] = dataset.recordings.front().axes;
    report["seconds"]["total"] = seconds;
    const std::string text = report.dump(2) + "\n";
    lwcl::apps::WriteFileText(f.report, text);
    spdlog::info("wrote {}", f.report);
  }
  if (!f.html.empty()) {
    const std::string page = TrainingReportHtml(dataset, options, run);
    lwcl::apps::WriteFileText(f.html, page);
    spdlog::info("wrote {}", f.html);
  }
}

void RunTrain(const TrainFlags& f) {
  using namespace lwcl::train;
  const auto started = std::chrono::steady_clock::now();
  if (f.split != "by-recording") {
    throw CLI::ValidationError("--split",
                               "only 'by-recording' is supported: splitting by window puts "
                               "overlapping windows of one recording in both train and test");
  }
  const std::optional<Ed25519PrivateKey> sign_key = ReadSignKey(f);
  CheckHidden(f);
  const ProgressClock last_progress =
      std::make_shared<std::chrono::steady_clock::time_point>(started);
  DatasetLoadOptions load = LoadOptionsFrom(f, last_progress);
  const DatasetFormat format =
      load.format == DatasetFormat::kAuto ? DetectDatasetFormat(f.dataset_dir) : load.format;
  load.format = format;
  spdlog::info("loading {} ({})", f.dataset_dir, DatasetFormatName(format));
  const Dataset loaded = LoadDataset(f.dataset_dir, load);
  PrepareOptions prepare;
  prepare.axes = f.axes;
  prepare.rate_hz = f.rate_hz;
  const Dataset dataset = PrepareDataset(loaded, prepare);
  LogDataset(dataset, f);
  const TrainingOptions options = TrainingOptionsFrom(f, dataset, last_progress);

  TrainingRun run = RunTraining(dataset, options);
  // Sign before reporting, so every report states the size that is shipped.
  if (sign_key) run.package = SignPackage(run.package, *sign_key);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WriteOutputs(f, dataset, options, run, format, sign_key.has_value(), seconds);
  std::cout << TrainingReportText(dataset, run);
  char took[64];
  std::snprintf(took, sizeof took, "took %.1f s\n", seconds);
  std::cout << took;
}

}  // namespace

void RegisterTrainCommand(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train a motion model from labelled recordings and write its package.\n\n"
      "DATASET_DIR is one of (detected by content):\n"
      "  - an Edge Impulse export (training/ and testing/ with info.labels; JSON or\n"
      "    CBOR acquisition files): its own training/testing categories are the\n"
      "    split, validation comes from training by recording; testing clips whose\n"
      "    label is no training class are unlabelled: classified and listed, not scored;\n"
      "  - a folder of LwCL recordings (docs/recording-format.md), labels inside;\n"
      "  - one folder per class of CSV recordings (one column per axis, optional\n"
      "    header; rate and units from the file name's _26Hz_ and _mg tokens, a\n"
      "    timestamp column, or --input-rate/--units), split into train/validation/\n"
      "    test by recording, stratified per class.\n"
      "No recording is ever in two splits. Accelerometer values are converted to g.\n"
      "The model runs at the dataset's rate unless --rate resamples every recording.\n"
      "The report gives float and int8 accuracy, int8 measured by the device's own code.\n\n"
      "Examples:\n"
      "  lwcl train ../shared/datasets/stm32-har --seed 1 --out motion.lwpkg --report r.json\n"
      "  lwcl train ../shared/datasets/nicla-motion --axes accX,accY,accZ,gyrX,gyrY,gyrZ\n"
      "  lwcl train my-csv --input-rate 50 --units m/s2 --window-ms 1000 --stride-ms 250 -v\n"
      "  lwcl train my-data --rate 26 --augment 2 --aug-rotate-deg 15 --out motion.lwpkg\n"
      "  lwcl train gestures --window-ms 1000 --stride-ms 100 --short-recordings pad-mean");
  cmd->add_option("DATASET_DIR", flags->dataset_dir,
                  "Edge Impulse export, folder of LwCL recordings, or folder of class folders "
                  "of CSV files")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--split", flags->split, "How to split: by-recording (the only honest one)")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Seed for the split and the training")
      ->capture_default_str();
  cmd->add_option("-o,--out", flags->out, "Write the model package here");
  cmd->add_option("--report", flags->report, "Write the evaluation report (JSON) here");
  cmd->add_option("--html", flags->html, "Write a self-contained HTML report (charts) here");
  cmd->add_option("--sign-key", flags->sign_key,
                  "Sign the package with this Ed25519 private key (PEM, from lwcl keygen)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--window-ms", flags->window_ms, "Window length in milliseconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stride-ms", flags->stride_ms, "Stride between windows in milliseconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--short-recordings", flags->short_recordings,
                  "Recordings shorter than one window: pad-edge (centred, first/last sample repeated), "
                  "pad-mean, pad-zero, or skip (listed, and per-recording scores count them as misses)")
      ->capture_default_str();
  cmd->add_option("--rate", flags->rate_hz,
                  "Model sample rate in Hz: every recording is resampled to it (default: the "
                  "dataset's own rate, which must then be the same for all)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--input-rate", flags->input_rate_hz,
                  "Rate of CSV files that carry none (no _<N>Hz_ token, no timestamp column)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--units", flags->units,
                  "Units of CSV values: auto (from file names), g, mg, m/s2")
      ->capture_default_str();
  cmd->add_option("--format", flags->format,
                  "Dataset format: auto, csv, edge-impulse or lwcl")
      ->capture_default_str();
  cmd->add_option("--axes", flags->axes,
                  "Axes the model reads, by name (or 0-based column for CSV files without a "
                  "header); default: the accelerometer axes (acc*) when the data names them, "
                  "else every column")
      ->delimiter(',');
  cmd->add_option("--labels", flags->labels,
                  "The classes; a training recording with any other label is an error "
                  "(default: every training label)")
      ->delimiter(',');
  cmd->add_option("--augment", flags->augment,
                  "Augmented copies of every training window (0 = off); validation and test "
                  "stay real")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->add_option("--aug-noise", flags->aug_noise, "Augmentation: gaussian noise sigma, in g")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--aug-gain", flags->aug_gain, "Augmentation: gain error, +- fraction")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 0.9f));
  cmd->add_option("--aug-rotate-deg", flags->aug_rotate_deg,
                  "Augmentation: maximum random 3-D rotation of axis triplets, in degrees")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 180.0f));
  cmd->add_option("--aug-shift", flags->aug_shift_ms,
                  "Augmentation: maximum window start jitter, in milliseconds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--hidden", flags->hidden, "Hidden layer sizes, each 1..32")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--epochs", flags->epochs, "Maximum training epochs")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--patience", flags->patience, "Stop after this many epochs without improvement")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--fft-length", flags->fft_length,
                  "FFT length of the spectral block, a power of two (0 = 16, the default "
                  "motion block: 5 + 8 features per axis)")
      ->capture_default_str();
  cmd->add_option("--name", flags->name, "Model name stored in the package")->capture_default_str();
  cmd->add_option("--model-version", flags->version, "Model semantic version")
      ->capture_default_str();
  cmd->callback([flags] {
    try {
      RunTrain(*flags);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace lwcl::apps
