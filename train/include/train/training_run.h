// Training run: the whole `lwcl train` pipeline as one call, from a loaded
// dataset to a model package and its evaluation.
//
//   split by recording -> windows -> spectral features (the core's DSP)
//   -> MLP -> int8 quantisation -> package (with golden self-test windows:
//   one correctly classified training window per class) -> read back by the core and
//   evaluated per split as float (FloatForward) and int8 (Classifier on the
//   raw windows, exactly as a device runs it).
//
// The CLI, the server's retraining and the dataset tests all go through here,
// so they measure the same thing the same way. Deterministic for a seed.
#ifndef LWCL_TRAIN_TRAINING_RUN_H_
#define LWCL_TRAIN_TRAINING_RUN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tinyml/dsp/spectral_config.h"
#include "train/augmentation.h"
#include "train/dataset.h"
#include "train/dtw_nearest_neighbour.h"
#include "train/evaluation.h"
#include "train/feature_extraction.h"
#include "train/feature_matrix.h"
#include "train/float_model.h"
#include "train/mlp_trainer.h"
#include "train/package_writer.h"
#include "train/raw_nearest_neighbour.h"
#include "train/recording_scores.h"
#include "train/short_recordings.h"
#include "train/split.h"
#include "train/windowing.h"

namespace lwcl::train {

struct TrainingOptions {
  // Input and feature block; window_samples and sample_rate_hz must match the
  // dataset (recordings at another rate are refused here: resample them
  // first with PrepareDataset, dataset_preparation.h).
  tinyml::SpectralConfig dsp = DefaultMotionConfig();
  uint16_t stride_samples = kDefaultMotionStrideSamples;
  // Recordings shorter than one window (short_recordings.h).
  ShortRecordingPolicy short_recordings = ShortRecordingPolicy::kPadEdge;
  SplitOptions split;
  // Keep the source's own training/testing categories as the split when it
  // has them (split.h, SplitDataset).
  bool split_by_category = true;
  // Extra augmented copies of the training windows (off by default).
  AugmentOptions augment;
  MlpTrainOptions mlp;  // its seed is set from split.seed unless overridden
  bool mlp_seed_from_split = true;
  std::string model_name = "motion";
  std::string model_version = "0.1.0";
  PackageWriteOptions package;
  // Record one golden self-test window per class in the package (GOLD, see
  // golden_windows.h); never for a delta (package.base_digest set).
  bool golden_windows = true;
  bool evaluate_int8 = true;
  // Score the test split with the raw nearest-neighbour reference too
  // (raw_nearest_neighbour.h), for the reports.
  bool baseline = true;
  // Progress lines (stage starts and results); may be empty.
  std::function<void(std::string_view)> progress;
};

// One split's windows and how both predictors did on them.
struct SplitResult {
  std::vector<size_t> recordings;
  std::vector<WindowRef> windows;  // evaluated windows (finite features)
  size_t dropped_windows = 0;      // windows whose features were not finite
  std::vector<int> truth;
  std::vector<int> float_predicted;
  std::vector<int> int8_predicted;  // empty when int8 was not evaluated
  Metrics float_metrics;
  Metrics int8_metrics;
  double agreement = 1.0;  // float vs int8 class agreement
  RecordingScores per_recording;  // the same predictions, one per recording
};

// An unlabelled recording (no known class): what the model says about it.
struct UnlabelledResult {
  size_t recording = 0;  // index into Dataset::recordings
  size_t windows = 0;    // 0 when the clip is shorter than one window
  int float_predicted = -1;      // class id, arg-max of the mean probabilities
  float float_confidence = 0.0f;  // that class's mean probability over windows
  int int8_predicted = -1;       // majority of the device's window decisions
};

struct TrainingRun {
  FloatModel model;
  std::vector<uint8_t> package;
  int epochs_run = 0;
  int best_epoch = 0;
  float best_validation_loss = 0.0f;
  float best_validation_accuracy = 0.0f;
  SplitResult train;
  SplitResult validation;
  SplitResult test;
  bool split_by_category = false;  // test = the source's testing category
  std::vector<UnlabelledResult> unlabelled;
  // Recordings shorter than one window, padded or skipped by the policy.
  std::vector<ShortRecording> short_recordings;
  // The test split by the raw nearest-neighbour reference (empty
  // `predicted` when TrainingOptions::baseline is off).
  NearestNeighbourResult baseline;
  // And per recording by DTW 1-NN on the original (unpadded) recordings,
  // when they are clips (dtw_nearest_neighbour.h).
  DtwResult dtw_baseline;
  size_t augmented_windows = 0;  // extra training rows from augmentation
  size_t parameter_count = 0;  // float weights + biases
  size_t arena_bytes = 0;      // device RAM the classifier needs for this package
  tinyml::GravityReference gravity;  // written as GRAV (magnitude 0: none; train/gravity_reference.h)
  double seconds_features = 0.0;
  double seconds_training = 0.0;
  double seconds_packaging = 0.0;
  double seconds_evaluation = 0.0;
  // Every epoch's statistics, in order (the learning curves of the report).
  std::vector<EpochStats> history;
  // The training split's raw (un-normalised, finite) feature rows and their
  // classes: what reports draw per-class feature distributions from.
  FeatureMatrix train_features;
};

// Runs the pipeline. Throws DatasetError when the dataset does not fit the
// options (axes, rate, a class with no training windows) and
// std::runtime_error when a later stage fails.
TrainingRun RunTraining(const Dataset& dataset, const TrainingOptions& options);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_TRAINING_RUN_H_
