// Neural-network benchmarks: the default motion network (39 -> 32 -> 16 -> 3)
// in float and int8 (the core's kernels, buffers preallocated as on the
// device), and one full Classifier window (DSP + normalise + int8 + softmax).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/kernels/dense.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/kernels/softmax.h"

namespace {

using namespace lwcl;  // NOLINT: a benchmark main

// The int8 test model, plus the float layers it stands for (its weights and
// biases dequantised) for the float benchmark, and one raw input near its
// normalisation.
struct FloatLayer {
  std::vector<float> weights, bias;
};

struct Motion {
  Motion() {
    for (const testing::Int8TestLayer& l : model.layers) {
      FloatLayer f;
      for (size_t k = 0; k < l.weights.size(); ++k) {
        f.weights.push_back(static_cast<float>(l.weights[k]) * l.weight_scales[k / l.in]);
      }
      for (size_t o = 0; o < l.bias.size(); ++o) {
        f.bias.push_back(static_cast<float>(l.bias[o]) * l.input_scale * l.weight_scales[o]);
      }
      float_layers.push_back(std::move(f));
    }
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (size_t i = 0; i < model.feature_mean.size(); ++i) {
      input.push_back(model.feature_mean[i] + model.feature_std[i] * normal(rng));
    }
  }
  testing::Int8TestModel model = testing::RandomInt8Model(1, testing::MotionDsp(), {32, 16}, 3);
  std::vector<FloatLayer> float_layers;
  std::vector<float> input;
};

const Motion& TheModel() {
  static const Motion m;
  return m;
}

template <typename T>
tinyml::Span<const T> C(const std::vector<T>& v) {
  return tinyml::Span<const T>(v.data(), v.size());
}

void BM_FloatForward(benchmark::State& state) {
  const Motion& m = TheModel();
  std::vector<float> a(39), b(32), c(16), logits(3), p(3);
  for (auto _ : state) {
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = (m.input[i] - m.model.feature_mean[i]) / m.model.feature_std[i];
    }
    const auto& L = m.float_layers;
    tinyml::DenseFloat(C(L[0].weights), C(L[0].bias), C(a), true,
                       tinyml::Span<float>(b.data(), 32));
    tinyml::DenseFloat(C(L[1].weights), C(L[1].bias), C(b), true,
                       tinyml::Span<float>(c.data(), 16));
    tinyml::DenseFloat(C(L[2].weights), C(L[2].bias), C(c), false,
                       tinyml::Span<float>(logits.data(), 3));
    tinyml::Softmax(C(logits), tinyml::Span<float>(p.data(), 3));
    benchmark::DoNotOptimize(p.data());
  }
}
BENCHMARK(BM_FloatForward);

void BM_Int8Forward(benchmark::State& state) {
  const Motion& m = TheModel();
  std::vector<int8_t> a(39), b(32), c(16), out(3);
  std::vector<float> logits(3), p(3);
  const auto& Q = m.model.layers;
  auto run = [](const testing::Int8TestLayer& l, const std::vector<int8_t>& x,
                std::vector<int8_t>& y) {
    tinyml::Int8DenseParams params;
    params.input_zero_point = l.input_zero_point;
    params.output_zero_point = l.output_zero_point;
    params.multiplier = C(l.multiplier);
    params.shift = C(l.shift);
    params.relu = l.relu;
    tinyml::DenseInt8(C(l.weights), C(l.bias), params, C(x),
                      tinyml::Span<int8_t>(y.data(), y.size()));
  };
  for (auto _ : state) {
    for (size_t i = 0; i < a.size(); ++i) {
      const float n = (m.input[i] - m.model.feature_mean[i]) / m.model.feature_std[i];
      a[i] = tinyml::QuantizeToInt8(n, Q[0].input_scale, Q[0].input_zero_point);
    }
    run(Q[0], a, b);
    run(Q[1], b, c);
    run(Q[2], c, out);
    for (size_t k = 0; k < 3; ++k) {
      logits[k] = tinyml::DequantizeInt8(out[k], Q[2].output_scale, Q[2].output_zero_point);
    }
    tinyml::Softmax(C(logits), tinyml::Span<float>(p.data(), 3));
    benchmark::DoNotOptimize(p.data());
  }
}
BENCHMARK(BM_Int8Forward);

void BM_ClassifierWindow(benchmark::State& state) {
  const Motion& m = TheModel();
  const std::vector<uint8_t> bytes = m.model.Bytes();
  tinyml::PackageView view;
  if (tinyml::ReadPackage(C(bytes), &view) != tinyml::Status::kOk) {
    state.SkipWithError("package does not read");
    return;
  }
  const size_t need = tinyml::RequiredArenaBytes(view);
  std::vector<uint32_t> arena(need / 4 + 1);
  tinyml::Classifier c;
  if (c.Init(view, tinyml::Span<uint8_t>(reinterpret_cast<uint8_t*>(arena.data()), need)) !=
      tinyml::Status::kOk) {
    state.SkipWithError("classifier init failed");
    return;
  }
  std::vector<float> window(52 * 3);
  for (size_t i = 0; i < window.size(); ++i) {
    window[i] = std::sin(0.3f * static_cast<float>(i)) + 0.1f * static_cast<float>(i % 3);
  }
  tinyml::Result r;
  for (auto _ : state) {
    c.ClassifyWindow(C(window), &r);
    benchmark::DoNotOptimize(r.confidence);
  }
  state.counters["arena_bytes"] = static_cast<double>(need);
  state.counters["package_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_ClassifierWindow);

}  // namespace
