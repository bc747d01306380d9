#include "train/training_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "train/augmentation.h"
#include "train/float_forward.h"
#include "train/golden_windows.h"
#include "train/gravity_reference.h"
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
                         " Hz (resample it first: --rate)");
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
  // One float forward pass per window: its probabilities give the window's
  // class (as PredictFloat would) and the recording's mean.
  std::vector<float> probabilities;
  probabilities.reserve(features.rows() * classes);
  s.float_predicted.clear();
  for (size_t w = 0; w < features.rows(); ++w) {
    const std::vector<float> p = FloatForward(run.model, features.row(w));
    s.float_predicted.push_back(static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()));
    probabilities.insert(probabilities.end(), p.begin(), p.end());
  }
  s.float_metrics = ComputeMetrics(Confuse(s.truth, s.float_predicted, classes));
  if (int8 != nullptr) {
    s.int8_predicted = int8->Classify(dataset, s.windows);
    s.int8_metrics = ComputeMetrics(Confuse(s.truth, s.int8_predicted, classes));
    s.agreement = Agreement(s.float_predicted, s.int8_predicted);
  }
  s.per_recording =
      ScoreRecordings(dataset, s.recordings, s.windows, probabilities, s.int8_predicted, classes);
}

// Recordings shorter than one window: padded into `padded` (then the run
// reads it instead of `dataset`) or listed as skipped, with a log line
// either way.
const Dataset& FitShortRecordings(const Dataset& dataset, const TrainingOptions& options, Dataset& padded,
                                  std::vector<ShortRecording>& found,
                                  const std::function<void(const std::string&)>& say) {
  found = FindShortRecordings(dataset, options.dsp.window_samples);
  if (found.empty()) return dataset;
  const bool pad = options.short_recordings != ShortRecordingPolicy::kSkip;
  std::string names;
  for (size_t i = 0; i < found.size(); ++i) {
    found[i].padded = pad;
    if (i < 5) {
      names += (i ? ", " : "") + dataset.recordings[found[i].recording].source + " (" +
               std::to_string(found[i].samples) + ")";
    }
  }
  if (found.size() > 5) names += ", ... (" + std::to_string(found.size() - 5) + " more)";
  const std::string what = std::to_string(found.size()) + " recordings shorter than one window (" +
                           std::to_string(options.dsp.window_samples) + " samples)";
  if (!pad) {
    say("warning: " + what + " skipped (--short-recordings skip); per-recording scores count them as misses: " +
        names);
    return dataset;
  }
  padded = dataset;
  for (const ShortRecording& s : found) {
    padded.recordings[s.recording] =
        PadRecording(dataset.recordings[s.recording], options.dsp.window_samples, options.short_recordings);
  }
  say(what + " padded to one window (" + std::string(ShortRecordingPolicyName(options.short_recordings)) +
      "): " + names);
  return padded;
}

// One line per class: recordings and windows in each split; and the
// DatasetError for a class that has no training window.
void SayClasses(const Dataset& dataset, const TrainingRun& run, const std::vector<ShortRecording>& short_recordings,
                ShortRecordingPolicy policy, const std::function<void(const std::string&)>& say) {
  const size_t classes = dataset.labels.size();
  const auto count = [&](const SplitResult& s, std::vector<size_t>& recordings, std::vector<size_t>& windows) {
    recordings.assign(classes, 0);
    windows.assign(classes, 0);
    for (size_t r : s.recordings) {
      const int c = dataset.LabelIndex(dataset.recordings[r].label);
      if (c >= 0) ++recordings[static_cast<size_t>(c)];
    }
    for (int c : s.truth) ++windows[static_cast<size_t>(c)];
  };
  std::vector<size_t> tr, tw, vr, vw, sr, sw, shorter(classes, 0);
  count(run.train, tr, tw);
  count(run.validation, vr, vw);
  count(run.test, sr, sw);
  for (const ShortRecording& s : short_recordings) {
    const int c = dataset.LabelIndex(dataset.recordings[s.recording].label);
    if (c >= 0) ++shorter[static_cast<size_t>(c)];
  }
  for (size_t c = 0; c < classes; ++c) {
    say("class '" + dataset.labels[c] + "': train " + std::to_string(tr[c]) + " recordings / " +
        std::to_string(tw[c]) + " windows, validation " + std::to_string(vr[c]) + " / " + std::to_string(vw[c]) +
        ", test " + std::to_string(sr[c]) + " / " + std::to_string(sw[c]) +
        (shorter[c] ? "; " + std::to_string(shorter[c]) + " shorter than one window, " +
                          (policy == ShortRecordingPolicy::kSkip ? "skipped" : "padded")
                    : std::string()));
  }
  for (size_t c = 0; c < classes; ++c) {
    if (tw[c] > 0) continue;
    std::string why = tr[c] == 0 ? "no recording of it in the training split"
                                 : "its training recordings give no window";
    if (shorter[c] > 0 && policy == ShortRecordingPolicy::kSkip) {
      why += "; " + std::to_string(shorter[c]) +
             " of its recordings are shorter than one window and were skipped (--short-recordings pad-edge keeps them)";
    }
    throw DatasetError("class '" + dataset.labels[c] + "' has no training windows (" + why + ")");
  }
}

// Classifies every unlabelled recording window by window: float by mean
// probability, int8 (the device's decision) by majority.
std::vector<UnlabelledResult> ClassifyUnlabelled(const TrainingRun& run, const Dataset& dataset,
                                                 std::span<const size_t> recordings,
                                                 const TrainingOptions& options,
                                                 Int8Predictor* int8) {
  std::vector<UnlabelledResult> out;
  const size_t classes = run.model.labels.size();
  for (size_t r : recordings) {
    UnlabelledResult u;
    u.recording = r;
    const size_t one[] = {r};
    const std::vector<WindowRef> windows =
        MakeWindows(dataset, one, options.dsp.window_samples, options.stride_samples);
    FeatureMatrix features = ExtractFeatures(dataset, windows, options.dsp);
    features.DropNonFiniteRows();
    u.windows = features.rows();
    if (u.windows > 0) {
      std::vector<double> mean(classes, 0.0);
      for (size_t w = 0; w < features.rows(); ++w) {
        const std::vector<float> p = FloatForward(run.model, features.row(w));
        for (size_t c = 0; c < classes; ++c) mean[c] += static_cast<double>(p[c]);
      }
      size_t best = 0;
      for (size_t c = 1; c < classes; ++c) best = mean[c] > mean[best] ? c : best;
      u.float_predicted = static_cast<int>(best);
      u.float_confidence = static_cast<float>(mean[best] / static_cast<double>(u.windows));
      if (int8 != nullptr) {
        std::vector<size_t> votes(classes, 0);
        for (int c : int8->Classify(dataset, features.windows)) {
          if (c >= 0 && static_cast<size_t>(c) < classes) ++votes[static_cast<size_t>(c)];
        }
        size_t top = 0;
        for (size_t c = 1; c < classes; ++c) top = votes[c] > votes[top] ? c : top;
        u.int8_predicted = static_cast<int>(top);
      }
    }
    out.push_back(u);
  }
  return out;
}

// The package; unless turned off (or a delta), with one golden self-test
// window per class, picked and recorded by the package's own int8 run (GOLD
// does not change what the network computes, so the rewrite classifies the
// same).
std::vector<uint8_t> Package(const FloatModel& model, const QuantizedModel& quantized,
                             const FeatureMatrix& train, const TrainingOptions& options,
                             size_t* golden) {
  std::vector<uint8_t> package = WritePackage(model, quantized, options.package);
  *golden = options.package.golden.size();
  if (!options.golden_windows || options.package.base_digest || *golden != 0) return package;
  PackageWriteOptions with_golden = options.package;
  with_golden.golden = PickGoldenWindows(package, train);
  *golden = with_golden.golden.size();
  return WritePackage(model, quantized, with_golden);
}

std::string DescribePackage(size_t bytes, size_t golden, const tinyml::GravityReference& gravity) {
  return "package: " + std::to_string(bytes) + " bytes, " + std::to_string(golden) +
         " golden self-test windows, " +
         (gravity.magnitude > 0.0f
              ? "gravity reference " + std::to_string(gravity.magnitude) + " (ln spread " +
                    std::to_string(gravity.log_spread) + ")"
              : std::string("no gravity reference (fewer than 20 still accelerometer windows)"));
}

}  // namespace

TrainingRun RunTraining(const Dataset& source, const TrainingOptions& options) {
  const std::function<void(const std::string&)> say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  CheckDatasetFits(source, options);
  TrainingRun run;
  Dataset padded;
  const Dataset& dataset = FitShortRecordings(source, options, padded, run.short_recordings, say);

  // Split by recording, then windows and features per split.
  Clock::time_point t = Clock::now();
  const RecordingSplit split = SplitDataset(dataset, options.split, options.split_by_category);
  run.split_by_category = split.by_category;
  FeatureMatrix train, validation, test;
  run.train = Features(dataset, split.train, options, train);
  run.validation = Features(dataset, split.validation, options, validation);
  run.test = Features(dataset, split.test, options, test);
  run.seconds_features = SecondsSince(t);
  say(std::string(split.by_category ? "split by the dataset's own categories (test = testing), "
                                     "validation by recording"
                                   : "split by recording") +
      " (seed " + std::to_string(options.split.seed) + "): train " +
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
  SayClasses(dataset, run, run.short_recordings, options.short_recordings, say);

  // Augment the training split only (validation and test stay real).
  FeatureMatrix augmented_fit;
  const FeatureMatrix* fit = &train;
  if (options.augment.copies > 0) {
    const FeatureMatrix extra = AugmentedFeatures(dataset, run.train.windows, options.dsp,
                                                  options.augment, options.split.seed);
    augmented_fit = train;
    augmented_fit.windows.clear();  // synthetic rows have no source window
    augmented_fit.values.insert(augmented_fit.values.end(), extra.values.begin(),
                                extra.values.end());
    augmented_fit.labels.insert(augmented_fit.labels.end(), extra.labels.begin(),
                                extra.labels.end());
    run.augmented_windows = extra.rows();
    fit = &augmented_fit;
    say("augmented: " + std::to_string(extra.rows()) + " extra training windows (" +
        std::to_string(options.augment.copies) + " per window)");
  }

  // Train.
  t = Clock::now();
  MlpTrainOptions mlp = options.mlp;
  if (options.mlp_seed_from_split) mlp.seed = options.split.seed;
  // Keep every epoch for the report's learning curves, then pass it on.
  mlp.on_epoch = [&run, user = options.mlp.on_epoch](const EpochStats& e) {
    run.history.push_back(e);
    if (user) user(e);
  };
  MlpTrainResult trained = TrainMlp(*fit, validation, dataset.labels.size(), mlp);
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
  TrainingOptions with_gravity = options;  // a delta leaves GRAV to its base
  if (!options.package.base_digest) run.gravity = MeasureGravity(dataset, run.train.windows, options.dsp);
  with_gravity.package.gravity = run.gravity;
  size_t golden = 0;
  run.package = Package(run.model, quantized, train, with_gravity, &golden);
  run.seconds_packaging = SecondsSince(t);
  say(DescribePackage(run.package.size(), golden, run.gravity));

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
  run.unlabelled = ClassifyUnlabelled(run, dataset, split.unlabelled, options, int8.get());
  if (options.baseline) {
    run.baseline = RawNearestNeighbour(dataset, run.train.windows, run.train.truth, run.test.recordings,
                                       run.test.windows, run.test.truth, options.dsp.window_samples,
                                       dataset.labels.size());
    run.dtw_baseline = DtwNearestNeighbour(source, run.train.recordings, run.test.recordings);
  }
  run.seconds_evaluation = SecondsSince(t);
  run.train_features = std::move(train);
  return run;
}

}  // namespace lwcl::train
