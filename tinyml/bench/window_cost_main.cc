// tinyml_window_cost: runs one stage of the per-window pipeline N times on a
// model package, for instruction counting under callgrind (repeatable, unlike
// wall time). scripts/bench.sh runs it at two window counts and reports the
// difference per window, which cancels start-up and package reading.
//
//   tinyml_window_cost PACKAGE dsp|int8|float|tune1|tune100 WINDOWS
//
// dsp: spectral features only; int8: the device's full path (features,
// normalisation, int8 network, softmax, anomaly); float: features plus the
// same network with dequantised float weights (what a float build would run);
// tune1 / tune100: one HeadTuner::Train on the package's head over one
// labelled window, 1 or 100 epochs, per count (so a step costs
// (tune100 - tune1) / 99 and a re-quantisation about tune1 - one step).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tinyml/runtime/classifier.h"
#include "tinyml/kernels/dense.h"
#include "tinyml/learn/head_tuner.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "tinyml/kernels/softmax.h"
#include "tinyml/dsp/spectral_features.h"

using namespace lwcl::tinyml;

namespace {

struct FloatLayer {
  std::vector<float> w, b;
  bool relu;
};

std::vector<FloatLayer> Dequantize(const PackageView& p) {
  std::vector<FloatLayer> layers;
  for (size_t i = 0; i < p.layer_count; ++i) {
    const LayerView& l = p.layers[i];
    FloatLayer f{std::vector<float>(l.weights.size), std::vector<float>(l.out), l.relu};
    for (size_t o = 0; o < l.out; ++o) {
      const float s = l.weight_scales[o];
      for (size_t k = 0; k < l.in; ++k) f.w[o * l.in + k] = s * static_cast<float>(l.weights[o * l.in + k]);
      f.b[o] = static_cast<float>(l.bias[o]) * s * l.input_scale;
    }
    layers.push_back(std::move(f));
  }
  return layers;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PACKAGE dsp|int8|float|tune1|tune100 WINDOWS\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  PackageView p;
  if (Status st = ReadPackage({bytes.data(), bytes.size()}, &p); st != Status::kOk) {
    std::fprintf(stderr, "%s: %s\n", argv[1], StatusName(st));
    return 1;
  }
  const std::string mode = argv[2];
  const long windows = std::strtol(argv[3], nullptr, 10);

  // A deterministic motion-like window: gravity on z plus two sinusoids.
  const size_t axes = p.dsp.axes, n = p.dsp.window_samples;
  std::vector<float> window(axes * n);
  for (size_t t = 0; t < n; ++t) {
    for (size_t a = 0; a < axes; ++a) {
      const float ft = static_cast<float>(t) / p.dsp.sample_rate_hz;
      window[t * axes + a] = (a == 2 ? 1.0f : 0.0f) + 0.4f * std::sin(6.2831853f * (1.5f + static_cast<float>(a)) * ft);
    }
  }

  std::vector<uint8_t> arena(RequiredArenaBytes(p));
  Classifier c;
  if (c.Init(p, {arena.data(), arena.size()}) != Status::kOk) return 1;
  std::vector<float> scratch(SpectralScratchFloats(p.dsp)), features(SpectralFeatureCount(p.dsp));
  const std::vector<FloatLayer> layers = Dequantize(p);
  std::vector<float> act_a(kMaxLayerWidth), act_b(kMaxLayerWidth), probs(p.label_count);

  float sink = 0.0f;
  if (mode == "tune1" || mode == "tune100") {
    const LayerView& head = p.layers[p.layer_count - 1];
    std::vector<uint32_t> tuner_arena(HeadTuner::ArenaBytes(head, 0, 1) / 4 + 1);
    HeadTuner tuner;
    Result r;
    if (tuner.Init(head, {reinterpret_cast<uint8_t*>(tuner_arena.data()), tuner_arena.size() * 4}, 0, 1) !=
            Status::kOk ||
        c.ClassifyWindow({window.data(), window.size()}, &r) != Status::kOk ||
        tuner.AddFresh(c.head_input(), (r.label + 1) % p.label_count) != Status::kOk) {
      return 1;
    }
    TuneOptions o;
    o.epochs = mode == "tune1" ? 1 : 100;
    for (long w = 0; w < windows; ++w) {
      if (tuner.Train(o) != Status::kOk) return 1;
      sink += tuner.head().weight_scales[0];
    }
    std::printf("%s %ld trains, checksum %.6g\n", mode.c_str(), windows, static_cast<double>(sink));
    return 0;
  }
  for (long w = 0; w < windows; ++w) {
    window[0] += 1e-3f;  // defeat any caching of identical work
    if (mode == "int8") {
      Result r;
      if (c.ClassifyWindow({window.data(), window.size()}, &r) != Status::kOk) return 1;
      sink += r.confidence;
    } else {
      if (ComputeSpectralFeatures(p.dsp, {window.data(), window.size()}, {scratch.data(), scratch.size()},
                                  {features.data(), features.size()}) != Status::kOk) {
        return 1;
      }
      if (mode == "float") {
        for (size_t i = 0; i < features.size(); ++i) act_a[i] = (features[i] - p.feature_mean[i]) / p.feature_std[i];
        for (size_t i = 0; i < layers.size(); ++i) {
          const LayerView& l = p.layers[i];
          DenseFloat({layers[i].w.data(), layers[i].w.size()}, {layers[i].b.data(), layers[i].b.size()},
                     {act_a.data(), l.in}, layers[i].relu, {act_b.data(), l.out});
          act_a.swap(act_b);
        }
        Softmax({act_a.data(), p.label_count}, {probs.data(), probs.size()});
        sink += probs[0];
      } else {
        sink += features[0];
      }
    }
  }
  std::printf("%s %ld windows, checksum %.6g\n", mode.c_str(), windows, static_cast<double>(sink));
  return 0;
}
