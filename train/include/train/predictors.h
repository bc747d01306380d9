// Predictors: class decisions of a trained model on a set of windows, the two
// ways the project runs a model.
//
//  - PredictFloat: the float reference (FloatForward on the stored raw
//    features), i.e. what the network was trained to do.
//  - Int8Predictor: the model package read by the core's own reader and run
//    by tinyml::Classifier::ClassifyWindow on the raw samples, i.e. exactly
//    what a device computes, DSP included. Accuracy reported from it is the
//    accuracy a user gets on the device.
#ifndef LWCL_TRAIN_PREDICTORS_H_
#define LWCL_TRAIN_PREDICTORS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "train/dataset.h"
#include "train/feature_matrix.h"
#include "train/float_model.h"
#include "train/windowing.h"

namespace lwcl::train {

// Arg-max class of FloatForward for every row of `features`.
std::vector<int> PredictFloat(const FloatModel& model, const FeatureMatrix& features);

class Int8Predictor {
 public:
  // Copies the package (so alignment and lifetime are ours), reads it with
  // tinyml::ReadPackage and initialises a Classifier. Throws
  // std::runtime_error naming the core's status when the package is refused.
  explicit Int8Predictor(std::span<const uint8_t> package);
  ~Int8Predictor();
  Int8Predictor(const Int8Predictor&) = delete;
  Int8Predictor& operator=(const Int8Predictor&) = delete;

  // Class of one window (window_samples * axes floats, [sample][axis], in g).
  int Classify(std::span<const float> window);
  // Classes of the given windows of `dataset`.
  std::vector<int> Classify(const Dataset& dataset, std::span<const WindowRef> windows);
  // The arena the device needs for this package, in bytes.
  size_t arena_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_PREDICTORS_H_
