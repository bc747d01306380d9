// FloatModel: a trained model before quantisation, as plain host data.
//
// The trainer produces it, the quantiser turns it into int8 layers, and the
// package writer serialises both. It is also the float reference that int8
// inference is checked against. Weights are row-major [out][in].
#ifndef LWCL_TRAIN_FLOAT_MODEL_H_
#define LWCL_TRAIN_FLOAT_MODEL_H_

#include <string>
#include <vector>

#include "tinyml/dsp/spectral_config.h"

namespace lwcl::train {

enum class Activation { kNone, kRelu, kSoftmax };

struct FloatLayer {
  int in = 0;
  int out = 0;
  std::vector<float> weights;  // out * in, row-major [out][in]
  std::vector<float> bias;     // out
  Activation activation = Activation::kNone;
};

struct FloatModel {
  std::string name = "motion";
  std::string version = "0.1.0";     // semantic version
  std::vector<std::string> labels;   // class names, index = output unit
  uint16_t stride_samples = 13;      // samples between windows
  tinyml::SpectralConfig dsp;        // input spec + feature block settings
  std::vector<float> feature_mean;   // per feature, applied before layer 0
  std::vector<float> feature_std;    // per feature (never 0)
  std::vector<FloatLayer> layers;
  // Drift reference and anomaly: per-class centroids in normalised feature
  // space (labels.size() * features), and the training-set distance quantile
  // that maps to an anomaly score of 1.
  std::vector<float> centroids;
  float anomaly_radius = 1.0f;
  // Per feature, the pooled variance of the normalised training rows around
  // their own class centroid (at least 1e-4): the scale of the device's drift
  // score (the package's DRFT variance). Empty: 1 for every feature.
  std::vector<float> within_class_variance;
};

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_FLOAT_MODEL_H_
