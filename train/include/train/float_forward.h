// FloatForward: the float reference forward pass of a FloatModel.
//
// Normalise ((x - mean) / std), run the dense layers with the core's own
// DenseFloat kernel (the code the device would run for a float model), then
// softmax. The output layer's activation may be kNone or kSoftmax: either way
// its output is the logits and the softmax is applied once, at the end, as on
// the device. kSoftmax anywhere else is refused.
#ifndef LWCL_TRAIN_FLOAT_FORWARD_H_
#define LWCL_TRAIN_FLOAT_FORWARD_H_

#include <span>
#include <vector>

#include "train/float_model.h"

namespace lwcl::train {

// Every tensor of one forward pass: [0] the normalised input, [l + 1] the
// output of layer l after its activation (the last one is the logits).
// Throws std::invalid_argument when the model or the input size is
// inconsistent.
std::vector<std::vector<float>> FloatActivations(const FloatModel& model,
                                                 std::span<const float> raw_features);

// Class probabilities for one raw (unnormalised) feature vector.
std::vector<float> FloatForward(const FloatModel& model, std::span<const float> raw_features);

// Throws std::invalid_argument unless the layer chain, normalisation and
// labels fit together (shared by the forward pass, quantiser and writer).
void CheckFloatModel(const FloatModel& model);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_FLOAT_FORWARD_H_
