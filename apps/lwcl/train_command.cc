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
#include <string>
#include <vector>

#include "commands.h"
#include "train/dataset_loader.h"
#include "train/mlp_trainer.h"
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
  float window_ms = 2000.0f;
  float stride_ms = 500.0f;
  float rate_hz = 0.0f;
  std::string units = "auto";
  std::vector<int> hidden = {32, 16};
  int epochs = 200;
  int patience = 20;
  int fft_length = 16;
  std::string name = "motion";
  std::string version = "0.1.0";
};

void WriteFile(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) throw std::runtime_error(path + ": cannot write");
}

void RunTrain(const TrainFlags& f) {
  using namespace lwcl::train;
  const auto started = std::chrono::steady_clock::now();
  if (f.split != "by-recording") {
    throw CLI::ValidationError("--split",
                               "only 'by-recording' is supported: splitting by window puts "
                               "overlapping windows of one recording in both train and test");
  }

  for (int h : f.hidden) {
    if (h < 1 || h > kMaxHiddenUnits) {
      throw CLI::ValidationError("--hidden", "each hidden layer needs 1.." +
                                                 std::to_string(kMaxHiddenUnits) + " units, got " +
                                                 std::to_string(h));
    }
  }

  DatasetLoadOptions load;
  load.csv.sample_rate_hz = f.rate_hz;
  if (f.units != "auto") {
    const std::optional<Units> units = ParseUnits(f.units);
    if (!units)
      throw CLI::ValidationError("--units", "expected auto, g, mg or m/s2, got " + f.units);
    load.csv.units = units;
  }
  spdlog::info("loading {}", f.dataset_dir);
  const Dataset dataset = LoadDataset(f.dataset_dir, load);
  {
    std::string classes;
    const std::vector<size_t> per_class = dataset.RecordingsPerClass();
    for (size_t c = 0; c < dataset.labels.size(); ++c) {
      classes += (c ? ", " : "") + dataset.labels[c] + " " + std::to_string(per_class[c]);
    }
    spdlog::info("{} recordings in {} classes ({})", dataset.recordings.size(),
                 dataset.labels.size(), classes);
  }

  TrainingOptions options;
  const float rate = f.rate_hz > 0.0f ? f.rate_hz : dataset.recordings.front().sample_rate_hz;
  const size_t window = SamplesForDuration(rate, f.window_ms);
  const size_t stride = SamplesForDuration(rate, f.stride_ms);
  if (window < 2 || window > 65535 || stride < 1 || stride > 65535) {
    throw CLI::ValidationError("--window-ms/--stride-ms",
                               "give a window of 2..65535 samples and a stride of at least one");
  }
  options.dsp.axes = static_cast<uint8_t>(dataset.recordings.front().axes.size());
  options.dsp.sample_rate_hz = rate;
  options.dsp.window_samples = static_cast<uint16_t>(window);
  options.dsp.fft_length = static_cast<uint16_t>(f.fft_length);
  options.stride_samples = static_cast<uint16_t>(stride);
  options.split.seed = f.seed;
  options.mlp.hidden = f.hidden;
  options.mlp.max_epochs = f.epochs;
  options.mlp.patience = f.patience;
  options.mlp.on_epoch = [](const EpochStats& e) {
    spdlog::debug("epoch {:3}: train loss {:.4f}, validation loss {:.4f}, accuracy {:.4f}{}",
                  e.epoch, e.train_loss, e.validation_loss, e.validation_accuracy,
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
  spdlog::info("window {} samples, stride {} at {} Hz, {} axes", window, stride, rate,
               static_cast<int>(options.dsp.axes));

  const TrainingRun run = RunTraining(dataset, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (!f.out.empty()) {
    WriteFile(f.out, run.package.data(), run.package.size());
    spdlog::info("wrote {} ({} bytes)", f.out, run.package.size());
  } else {
    spdlog::warn("no --out given: the package was not written");
  }
  if (!f.report.empty()) {
    nlohmann::json report = TrainingReportJson(dataset, options, run);
    report["dataset"] = f.dataset_dir;
    report["seconds"]["total"] = seconds;
    const std::string text = report.dump(2) + "\n";
    WriteFile(f.report, text.data(), text.size());
    spdlog::info("wrote {}", f.report);
  }
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
      "DATASET_DIR holds one folder per class of CSV recordings (x, y, z per line,\n"
      "optional header; rate and units from the file name's _26Hz_ and _mg tokens\n"
      "or from --rate/--units). Recordings are split into train/validation/test by\n"
      "recording, stratified per class, so no recording is in two splits. The\n"
      "report gives float and int8 accuracy, int8 measured by the device's own code.\n\n"
      "Examples:\n"
      "  lwcl train ../shared/datasets/stm32-har --seed 1 --out motion.lwpkg --report r.json\n"
      "  lwcl train my-data --rate 50 --units m/s2 --window-ms 1000 --stride-ms 250 -v\n"
      "  lwcl train my-data --hidden 16 --epochs 100 --out small.lwpkg");
  cmd->add_option("DATASET_DIR", flags->dataset_dir, "Folder of class folders of CSV files")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--split", flags->split, "How to split: by-recording (the only honest one)")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Seed for the split and the training")
      ->capture_default_str();
  cmd->add_option("-o,--out", flags->out, "Write the model package here");
  cmd->add_option("--report", flags->report, "Write the evaluation report (JSON) here");
  cmd->add_option("--window-ms", flags->window_ms, "Window length in milliseconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stride-ms", flags->stride_ms, "Stride between windows in milliseconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rate", flags->rate_hz, "Sample rate in Hz (default: from file names)");
  cmd->add_option("--units", flags->units,
                  "Units of the values: auto (from file names), g, mg, m/s2")
      ->capture_default_str();
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
                  "FFT length of the spectral block (power of two)")
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
