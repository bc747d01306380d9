// MLP trainer: fits the small dense network the device runs on features.
//
// Network: features -> hidden ReLU layers (default 32, 16) -> softmax over the
// classes. Inputs are normalised by the training split's per-feature mean and
// std (floored, so a constant feature cannot blow up). Training is mini-batch
// Adam on class-weighted cross-entropy (inverse class frequency, so a rare
// class is not ignored), optional L2 on weights, and early stopping on the
// validation split with patience; the best epoch's weights are kept.
//
// Deterministic: the same data, options and seed give bit-identical weights
// (all randomness comes from train::Rng; all loops run in a fixed order).
// Hidden layers are capped at 32 units to stay inside the device's RAM budget.
#ifndef LWCL_TRAIN_MLP_TRAINER_H_
#define LWCL_TRAIN_MLP_TRAINER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "train/feature_matrix.h"
#include "train/float_model.h"

namespace lwcl::train {

inline constexpr int kMaxHiddenUnits = 32;

struct EpochStats {
  int epoch = 0;            // 1-based
  float train_loss = 0.0f;  // class-weighted, mean over the epoch's batches
  float train_accuracy = 0.0f;  // of the weights at the end of the epoch
  float validation_loss = 0.0f;
  float validation_accuracy = 0.0f;
  bool improved = false;  // this epoch became the best so far
};

enum class StopOn { kValidationLoss, kValidationAccuracy };

struct MlpTrainOptions {
  std::vector<int> hidden = {32, 16};  // each 1..kMaxHiddenUnits
  int max_epochs = 200;
  int batch_size = 32;
  float learning_rate = 3e-3f;  // Adam step size
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float l2 = 1e-4f;  // 0 = off; applies to weights, not biases
  StopOn stop_on = StopOn::kValidationLoss;
  int patience = 20;          // epochs without improvement before stopping
  bool class_weights = true;  // inverse class frequency
  uint32_t seed = 1;
  float std_floor = 1e-3f;                          // minimum feature std for normalisation
  float anomaly_quantile = 0.99f;                   // train distance quantile -> anomaly_radius
  std::function<void(const EpochStats&)> on_epoch;  // progress; may be empty
};

struct MlpTrainResult {
  // Layers, feature_mean/std, centroids and anomaly_radius are filled; the
  // caller sets labels, dsp, stride, name and version.
  FloatModel model;
  int epochs_run = 0;
  int best_epoch = 0;
  float best_validation_loss = 0.0f;
  float best_validation_accuracy = 0.0f;
};

// Trains on `train`, early-stops on `validation` (when it has no rows, on the
// training loss). Labels must lie in [0, classes). Throws
// std::invalid_argument on bad options or inconsistent data.
MlpTrainResult TrainMlp(const FeatureMatrix& train, const FeatureMatrix& validation, size_t classes,
                        const MlpTrainOptions& options);

// Per-class centroids (classes x dim) of already-normalised rows, and the
// `quantile` of each row's Euclidean distance to its own class centroid.
// Exposed for tests and for re-normalisation after on-device drift.
void ComputeCentroids(std::span<const float> normalised, size_t dim, std::span<const int> labels,
                      size_t classes, float quantile, std::vector<float>& centroids, float& radius);
// Per feature, the pooled within-class variance of the rows around
// `centroids` (FloatModel::within_class_variance), floored at 1e-4.
std::vector<float> WithinClassVariance(std::span<const float> normalised, size_t dim, std::span<const int> labels,
                                       std::span<const float> centroids);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_MLP_TRAINER_H_
