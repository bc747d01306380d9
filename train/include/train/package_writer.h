// PackageWriter: serialises a trained, quantised model into a model package.
//
// The output is the format docs/model-package.md specifies and the core's
// ReadPackage accepts: header, sections, SHA-256 trailer, unsigned (sign it
// afterwards with package_signer.h; signing leaves the digest unchanged).
// A delta package instead names its base by digest and carries only the
// layers it replaces: a new head is a few hundred bytes.
#ifndef LWCL_TRAIN_PACKAGE_WRITER_H_
#define LWCL_TRAIN_PACKAGE_WRITER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tinyml/package/model_package.h"

#include "train/float_model.h"
#include "train/quantizer.h"

namespace lwcl::train {

using Digest = std::array<uint8_t, 32>;

// One golden self-test window (the package's GOLD section): raw features
// (before normalisation), the class the device must answer, and the exact
// int8 output of the last layer (one byte per class). PickGoldenWindows
// (golden_windows.h) finds them.
struct GoldenWindowRecord {
  std::vector<float> features;
  int expected_class = 0;
  std::vector<int8_t> expected_output;
};

struct PackageWriteOptions {
  // Drift reference: per-feature mean and variance of the NORMALISED training
  // features. Empty means 0 and 1 (true by construction when the
  // normalisation was fitted on the same training set).
  std::vector<float> drift_mean;
  std::vector<float> drift_variance;
  // Set: write a delta package naming this base package digest.
  std::optional<Digest> base_digest;
  // Layers a delta carries (indices); empty means all of them.
  std::vector<int> delta_layers;
  // Golden self-test windows (at most tinyml::kMaxGoldenWindows) written as
  // GOLD; a full package only. The written package must pass
  // tinyml::RunGoldenSelfTest on them, or WritePackage throws.
  std::vector<GoldenWindowRecord> golden;
  // Gravity reference written as GRAV (train/gravity_reference.h); a full
  // package only; magnitude 0 writes none.
  tinyml::GravityReference gravity;
};

// Throws std::invalid_argument when the models are inconsistent with each
// other, with the DSP configuration's feature count, or with the format's
// limits (labels, layers, widths, string lengths, golden windows), or when
// golden windows are given for a delta or do not pass the self-test.
std::vector<uint8_t> WritePackage(const FloatModel& model, const QuantizedModel& quantized,
                                  const PackageWriteOptions& options = {});

// The SHA-256 digest a package carries in its trailer (what a delta names as
// its base). Throws std::invalid_argument for bytes ReadPackage refuses.
Digest PackageDigest(std::span<const uint8_t> package);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_PACKAGE_WRITER_H_
