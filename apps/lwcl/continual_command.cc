// `lwcl continual`: the continual-learning benchmark. Trains a model on part
// of a dataset folder (RunTraining, as `lwcl train` does), plays the held-out
// recordings as a drifted stream (continual_stream.h) and runs each method on
// it prequentially (continual_run.h); reports as text, JSON and HTML
// (continual_report.h). This file maps flags to those parts and nothing more.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "continual_report.h"
#include "continual_run.h"
#include "continual_stream.h"
#include "train/dataset_loader.h"
#include "train/dataset_preparation.h"
#include "train/dsp_defaults.h"
#include "train/training_run.h"
#include "train/units.h"
#include "train/windowing.h"

namespace lwcl::apps {
namespace {

// `lwcl train`'s defaults: 2 s windows every 0.5 s, augmented twice with up
// to 250 ms of start jitter.
constexpr float kWindowMs = 2000.0f;
constexpr float kStrideMs = 500.0f;
constexpr float kShiftMs = 250.0f;

struct ContinualFlags {
  std::string dataset_dir;
  std::vector<std::string> drifts;
  std::vector<std::string> methods = {"static", "renorm", "finetune"};
  double stream_fraction = 0.3;
  std::string stream_match;
  std::string new_class;
  uint32_t seed = 1;
  float input_rate_hz = 0.0f;
  std::string units = "auto";
  std::string json;
  std::string html;
  ContinualOptions run;
};

struct Parsed {
  std::vector<device::DriftSchedule> drifts;
  std::vector<ContinualMethod> methods;
};

Parsed ParseFlags(const ContinualFlags& f) {
  Parsed p;
  for (const std::string& spec : f.drifts) {
    device::DriftSchedule schedule;
    std::string error;
    if (spec != "none" && !device::ParseDriftSpec(spec, &schedule, &error)) {
      throw CLI::ValidationError("--drift", error);
    }
    if (const std::string why = ValidateRecordingDrift(schedule); !why.empty()) {
      throw CLI::ValidationError("--drift", spec + ": " + why);
    }
    p.drifts.push_back(std::move(schedule));
  }
  for (const std::string& name : f.methods) {
    const std::optional<ContinualMethod> m = ParseContinualMethod(name);
    if (!m) throw CLI::ValidationError("--methods", "expected static, renorm or finetune, got " + name);
    p.methods.push_back(*m);
  }
  if (f.run.labels_per_class > 0 && f.run.adapt_every == 0) {
    throw CLI::ValidationError("--adapt-every", "must be at least 1");
  }
  return p;
}

train::Dataset Load(const ContinualFlags& f) {
  train::DatasetLoadOptions load;
  load.csv.sample_rate_hz = f.input_rate_hz;
  if (f.units != "auto") {
    const std::optional<train::Units> units = train::ParseUnits(f.units);
    if (!units) throw CLI::ValidationError("--units", "expected auto, g, mg or m/s2, got " + f.units);
    load.csv.units = units;
  }
  spdlog::info("loading {}", f.dataset_dir);
  train::Dataset dataset = train::PrepareDataset(train::LoadDataset(f.dataset_dir, load), {});
  if (dataset.recordings.empty()) throw std::runtime_error(f.dataset_dir + ": no recordings");
  if (dataset.recordings.front().axes.size() != 3) {
    throw std::runtime_error(f.dataset_dir + ": the benchmark needs three accelerometer axes; the recordings have " +
                             std::to_string(dataset.recordings.front().axes.size()));
  }
  return dataset;
}

train::TrainingOptions TrainingOptionsFor(const train::Dataset& dataset, const ContinualFlags& f) {
  train::TrainingOptions o;
  const float rate = dataset.recordings.front().sample_rate_hz;
  o.dsp = train::SpectralConfigFor(rate, 3, train::SamplesForDuration(rate, kWindowMs), 0);
  o.stride_samples = static_cast<uint16_t>(train::SamplesForDuration(rate, kStrideMs));
  o.augment.copies = 2;
  o.augment.shift_samples = train::SamplesForDuration(rate, kShiftMs);
  o.split.seed = f.seed;
  o.baseline = false;  // the benchmark compares learning methods, not the trainer with a lookup
  if (f.stream_match.empty()) {
    o.split.test_fraction = f.stream_fraction;
    o.split.validation_fraction = 0.15;
    o.split.train_fraction = 1.0 - f.stream_fraction - 0.15;
  }
  o.model_name = "continual";
  return o;
}

bool Labelled(const train::Dataset& d, size_t i) { return d.LabelIndex(d.recordings[i].label) >= 0; }

// Trains the model and says which recordings form the stream: the training
// run's test split, or (--stream-match, a new user) the recordings whose path
// holds the text, trained without them; and (--new-class) every recording
// of the class the model is never trained on.
train::TrainingRun TrainModel(const train::Dataset& dataset, const ContinualFlags& f, std::vector<size_t>* stream,
                              ContinualReport* report) {
  train::Dataset train_set;
  std::vector<size_t> original;  // train_set's recordings in `dataset`
  for (const std::string& label : dataset.labels) {
    if (label != f.new_class) train_set.labels.push_back(label);
  }
  for (size_t i = 0; i < dataset.recordings.size(); ++i) {
    const train::Recording& rec = dataset.recordings[i];
    const bool matched = !f.stream_match.empty() && rec.source.find(f.stream_match) != std::string::npos;
    const bool novel = !f.new_class.empty() && rec.label == f.new_class;
    if ((matched || novel) && Labelled(dataset, i)) stream->push_back(i);
    if (!matched && !novel) {
      train_set.recordings.push_back(rec);
      original.push_back(i);
    }
  }
  if (!f.stream_match.empty() && stream->empty()) {
    throw std::runtime_error("--stream-match " + f.stream_match + ": no labelled recording's path holds it");
  }
  report->stream_from = f.stream_match.empty() ? "the training run's test split"
                                               : "recordings whose path holds '" + f.stream_match + "'";
  if (!f.new_class.empty()) report->stream_from += ", and every recording of the new pattern " + f.new_class;
  train::TrainingRun run = train::RunTraining(train_set, TrainingOptionsFor(train_set, f));
  if (f.stream_match.empty()) {
    for (size_t i : run.test.recordings) stream->push_back(original[i]);
    report->train_recordings = run.train.recordings.size() + run.validation.recordings.size();
  } else {
    report->train_recordings = train_set.recordings.size();
  }
  std::sort(stream->begin(), stream->end());
  return run;
}

void RunContinualCommand(const ContinualFlags& f) {
  const Parsed parsed = ParseFlags(f);
  ContinualOptions options = f.run;
  options.detector.tune_windows = options.buffer_windows;  // one fine-tuning takes what the buffer holds
  const train::Dataset dataset = Load(f);
  if (!f.new_class.empty() && dataset.LabelIndex(f.new_class) < 0) {
    throw CLI::ValidationError("--new-class", f.new_class + " is not a class of " + f.dataset_dir);
  }
  if (!f.new_class.empty() && dataset.labels.size() < 3) {
    throw CLI::ValidationError("--new-class", "the model needs two classes besides the new one");
  }
  ContinualReport report;
  report.dataset = f.dataset_dir;
  report.new_class = f.new_class;
  report.classes = dataset.labels;
  report.options = options;
  report.seed = f.seed;
  std::vector<size_t> stream_recordings;
  spdlog::info("training the model");
  const train::TrainingRun trained = TrainModel(dataset, f, &stream_recordings, &report);
  report.train_test_accuracy = trained.test.int8_metrics.accuracy;
  report.package_bytes = trained.package.size();
  const size_t window = train::SamplesForDuration(dataset.recordings.front().sample_rate_hz, kWindowMs);
  for (size_t s = 0; s < parsed.drifts.size(); ++s) {
    const ContinualStream stream =
        BuildContinualStream(dataset, stream_recordings, parsed.drifts[s], window, f.seed, f.new_class);
    report.stream_recordings = stream.phases[0].size();
    report.too_short = stream.too_short.size();
    if (stream.phases[0].empty()) throw std::runtime_error("no stream recording is three windows long");
    ContinualScenario scenario;
    scenario.drift = f.drifts[s];
    scenario.judged_clean =
        ScoreStatic(trained.package, stream.judged_clean, options.detector, &scenario.judged_clean_per_class);
    for (ContinualMethod m : parsed.methods) {
      spdlog::info("drift {}: {}", f.drifts[s], ContinualMethodName(m));
      scenario.methods.push_back(RunContinual(trained.package, stream, m, options));
    }
    report.scenarios.push_back(std::move(scenario));
  }
  if (!f.json.empty()) {
    std::ofstream(f.json) << ContinualReportJson(report).dump(2) << "\n";
    spdlog::info("wrote {}", f.json);
  }
  if (!f.html.empty()) {
    std::ofstream(f.html) << ContinualReportHtml(report);
    spdlog::info("wrote {}", f.html);
  }
  std::cout << ContinualReportText(report);
}

}  // namespace

void RegisterContinualCommand(CLI::App& app) {
  auto flags = std::make_shared<ContinualFlags>();
  CLI::App* cmd = app.add_subcommand(
      "continual",
      "The continual-learning benchmark: how much accuracy each way of learning on the\n"
      "device wins back after a drift, and for how many labels, bytes and microseconds.\n\n"
      "Trains a model on part of DATASET_DIR (any folder `lwcl train` reads, or one\n"
      "`lwcl simulate` wrote), then plays the other recordings as a stream, each cut in\n"
      "time into thirds: before the drift; drifted while a method adapts; drifted while\n"
      "it is judged. Every window is classified before anything learns from it.\n"
      "Methods: static (the model as shipped), renorm (learning mode 1: the drift\n"
      "monitor triggers a re-normalisation, no labels), finetune (learning mode 2: an\n"
      "oracle labels up to --labels-per-class windows per class, the head is fine-tuned\n"
      "with replay). Drifts: bias, gain, rotate, noise, rate (device/drift.h), times in\n"
      "seconds from the start of the drifted phases.\n\n"
      "Examples:\n"
      "  lwcl continual ../shared/datasets/stm32-har --drift rotate:y=90@0 --drift gain:all=0.5@0\n"
      "  lwcl continual sim --drift bias:x=0.3:y=-0.2@0 --methods static,renorm --json cl.json\n"
      "  lwcl continual data --stream-match user7 --drift noise:sigma=0.05@0 --html cl.html\n"
      "  lwcl continual sim6 --new-class figure8 --drift none");
  cmd->add_option("DATASET_DIR", flags->dataset_dir, "A dataset folder lwcl train reads")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--drift", flags->drifts, "A drift scenario (repeatable): injector[,injector...], or none")->required();
  cmd->add_option("--methods", flags->methods, "Methods to compare, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--labels-per-class", flags->run.labels_per_class, "finetune: oracle labels per class at most")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--label-gap", flags->run.label_gap, "finetune: windows of a class between two of its labels")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--adapt-every", flags->run.adapt_every, "finetune: labels between two fine-tunings")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--buffer-windows", flags->run.buffer_windows,
                  "finetune: labelled windows the device holds and one fine-tuning takes (/33652 capacity)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--replay-windows", flags->run.detector.replay_windows,
                  "finetune: replay windows of the original classes (/33651/0/11)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--learning-rate", flags->run.tune.learning_rate, "finetune: SGD learning rate (0, 10]")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 10.0));
  cmd->add_option("--epochs", flags->run.tune.epochs, "finetune: passes per fine-tuning, 1..100")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--drift-threshold", flags->run.drift_threshold,
                  "renorm: the settled drift score that triggers a re-normalisation (/33651/0/13)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--stream-fraction", flags->stream_fraction,
                  "Share of each class's recordings held out as the stream")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 0.8));
  cmd->add_option("--stream-match", flags->stream_match,
                  "A new user: the recordings whose path holds this text are the stream, the rest train");
  cmd->add_option("--new-class", flags->new_class,
                  "A new pattern: this class is left out of training and appears from the drifted phases "
                  "on; finetune teaches it (Teach Label)");
  cmd->add_option("--seed", flags->seed, "Seed for the split, the training and the stream order")
      ->capture_default_str();
  cmd->add_option("--input-rate", flags->input_rate_hz, "Rate of CSV files that do not state theirs (Hz)");
  cmd->add_option("--units", flags->units, "Units of CSV values: auto, g, mg, m/s2")->capture_default_str();
  cmd->add_option("--json", flags->json, "Write the results as JSON here");
  cmd->add_option("--html", flags->html, "Write a self-contained HTML report with plots here");
  cmd->callback([flags] { RunContinualCommand(*flags); });
}

}  // namespace lwcl::apps
