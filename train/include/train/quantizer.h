// Quantizer: turns a trained FloatModel into the int8 layers a device runs.
//
// Post-training quantisation, TFLite style: weights symmetric int8 per output
// channel (scale = max|w| / 127, zero point 0); activations affine int8 with
// ranges calibrated by running the float model over calibration vectors (the
// range always includes 0, so real 0 is exact); biases int32 at scale
// in_scale * w_scale[o]; the rescale in_scale * w_scale[o] / out_scale as a
// Q31 multiplier and shift. Each layer's input quantisation is the previous
// layer's output quantisation; layer 0's input is the normalised features.
#ifndef LWCL_TRAIN_QUANTIZER_H_
#define LWCL_TRAIN_QUANTIZER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "train/float_model.h"

namespace lwcl::train {

struct QuantizedLayer {
  int in = 0;
  int out = 0;
  bool relu = false;
  float input_scale = 1.0f;
  int32_t input_zero_point = 0;
  float output_scale = 1.0f;
  int32_t output_zero_point = 0;
  std::vector<int8_t> weights;       // out * in, row-major [out][in]
  std::vector<float> weight_scales;  // out
  std::vector<int32_t> bias;         // out
  std::vector<int32_t> multiplier;   // out, Q31 in [2^30, 2^31) or 0
  std::vector<int32_t> shift;        // out, in [-31, 30]
};

struct QuantizedModel {
  std::vector<QuantizedLayer> layers;
};

// Calibrates on raw (unnormalised) feature vectors, each of the model's
// feature count. Throws std::invalid_argument for an inconsistent model, an
// empty calibration set or a vector of the wrong size.
QuantizedModel QuantizeModel(const FloatModel& model,
                             std::span<const std::vector<float>> calibration_raw_features);

// tinyml::QuantizeMultiplier (real = multiplier * 2^(shift - 31)), throwing
// std::invalid_argument where the core returns kInvalidArgument.
void QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift);

// The int8 forward pass exactly as the device's Classifier runs it (the
// core's kernels): probabilities for one raw feature vector. `logits`, when
// given, receives the dequantised logits.
std::vector<float> QuantizedForward(const FloatModel& model, const QuantizedModel& quantized,
                                    std::span<const float> raw_features,
                                    std::vector<float>* logits = nullptr);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_QUANTIZER_H_
