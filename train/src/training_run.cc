#include "train/training_run.h"

#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "train/float_forward.h"
#include "train/predictors.h"
#include "train/quantizer.h"

namespace lwcl::train {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void CheckDatasetFits(const Dataset& dataset, const TrainingOptions& options) {
  if (dataset.labels.size() < 2) throw DatasetError("a classifier needs at least two classes");
  const double rate = static_cast<double>(options.dsp.sample_rate_hz);
  for (const Recording& r : dataset.recordings) {
    if (r.axes.size() != options.dsp.axes) {
      throw DatasetError(r.source + ": has " + std::to_string(r.axes.size()) +
                         " axes, the model expects " + std::to_string(options.dsp.axes));
    }
    if (std::abs(static_cast<double>(r.sample_rate_hz) - rate) > 0.01 * rate) {
      throw DatasetError(r.source + ": recorded at " + std::to_string(r.sample_rate_hz) +
                         " Hz, the model expects " + std::to_string(options.dsp.sample_rate_hz) +
                         " Hz (resampling is not supported)");
    }
  }
}

SplitResult Features(const Dataset& dataset, std::vector<size_t> recordings,
                     const TrainingOptions& options, FeatureMatrix& out) {
  SplitResult s;
  s.recordings = std::move(recordings);
  const std::vector<WindowRef> windows =
      MakeWindows(dataset, s.recordings, options.dsp.window_samples, options.stride_samples);
  out = ExtractFeatures(dataset, windows, options.dsp);
  s.dropped_windows = out.DropNonFiniteRows();
  s.windows = out.windows;
  s.truth = out.labels;
  return s;
}

void Evaluate(const TrainingRun& run, const Dataset& dataset, const FeatureMatrix& features,
              Int8Predictor* int8, SplitResult& s) {
  const size_t classes = run.model.labels.size();
  s.float_predicted = PredictFloat(run.model, features);
  s.float_metrics = ComputeMetrics(Confuse(s.truth, s.float_predicted, classes));
  if (int8 != nullptr) {
    s.int8_predicted = int8->Classify(dataset, s.windows);
    s.int8_metrics = ComputeMetrics(Confuse(s.truth, s.int8_predicted, classes));
    s.agreement = Agreement(s.float_predicted, s.int8_predicted);
  }
}

}  // namespace

TrainingRun RunTraining(const Dataset& dataset, const TrainingOptions& options) {
  const auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  CheckDatasetFits(dataset, options);
  TrainingRun run;

  // Split by recording, then windows and features per split.
  Clock::time_point t = Clock::now();
  const RecordingSplit split = SplitByRecording(dataset, options.split);
  FeatureMatrix train, validation, test;
  run.train = Features(dataset, split.train, options, train);
  run.validation = Features(dataset, split.validation, options, validation);
  run.test = Features(dataset, split.test, options, test);
  run.seconds_features = SecondsSince(t);
  say("split by recording (seed " + std::to_string(options.split.seed) + "): train " +
      std::to_string(split.train.size()) + " recordings / " + std::to_string(train.rows()) +
      " windows, validation " + std::to_string(split.validation.size()) + " / " +
      std::to_string(validation.rows()) + ", test " + std::to_string(split.test.size()) + " / " +
      std::to_string(test.rows()) + "; " + std::to_string(train.dim) + " features per window");
  const size_t dropped =
      run.train.dropped_windows + run.validation.dropped_windows + run.test.dropped_windows;
  if (dropped > 0) {
    say("warning: " + std::to_string(dropped) +
        " windows had non-finite features (NaN/inf from the DSP) and were left out");
  }
  std::vector<size_t> per_class(dataset.labels.size(), 0);
  for (int label : train.labels) ++per_class[static_cast<size_t>(label)];
  for (size_t c = 0; c < per_class.size(); ++c) {
    if (per_class[c] == 0) {
      throw DatasetError("class '" + dataset.labels[c] +
                         "' has no training windows (recordings too short or too few)");
    }
  }

  // Train.
  t = Clock::now();
  MlpTrainOptions mlp = options.mlp;
  if (options.mlp_seed_from_split) mlp.seed = options.split.seed;
  MlpTrainResult trained = TrainMlp(train, validation, dataset.labels.size(), mlp);
  run.seconds_training = SecondsSince(t);
  run.model = std::move(trained.model);
  run.model.name = options.model_name;
  run.model.version = options.model_version;
  run.model.labels = dataset.labels;
  run.model.dsp = options.dsp;
  run.model.stride_samples = options.stride_samples;
  run.epochs_run = trained.epochs_run;
  run.best_epoch = trained.best_epoch;
  run.best_validation_loss = trained.best_validation_loss;
  run.best_validation_accuracy = trained.best_validation_accuracy;
  for (const FloatLayer& l : run.model.layers)
    run.parameter_count += l.weights.size() + l.bias.size();
  say("trained " + std::to_string(run.epochs_run) + " epochs (best " +
      std::to_string(run.best_epoch) + ", validation loss " +
      std::to_string(run.best_validation_loss) + ")");

  // Quantise on the training features and write the package.
  t = Clock::now();
  std::vector<std::vector<float>> calibration;
  calibration.reserve(train.rows());
  for (size_t r = 0; r < train.rows(); ++r) {
    const std::span<const float> row = train.row(r);
    calibration.emplace_back(row.begin(), row.end());
  }
  const QuantizedModel quantized = QuantizeModel(run.model, calibration);
  run.package = WritePackage(run.model, quantized, options.package);
  run.seconds_packaging = SecondsSince(t);
  say("package: " + std::to_string(run.package.size()) + " bytes");

  // Evaluate every split, float and (through the core) int8.
  t = Clock::now();
  std::unique_ptr<Int8Predictor> int8;
  if (options.evaluate_int8) {
    int8 = std::make_unique<Int8Predictor>(run.package);
    run.arena_bytes = int8->arena_bytes();
  }
  Evaluate(run, dataset, train, int8.get(), run.train);
  Evaluate(run, dataset, validation, int8.get(), run.validation);
  Evaluate(run, dataset, test, int8.get(), run.test);
  run.seconds_evaluation = SecondsSince(t);
  return run;
}

}  // namespace lwcl::train
