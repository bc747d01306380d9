// The dense layer's backward pass against central finite differences of the
// forward kernels (DenseFloat + Softmax + cross-entropy), in double-checked
// float: the oracle is the forward pass itself.
#include "tinyml/learn/dense_gradient.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tinyml/kernels/dense.h"
#include "tinyml/kernels/softmax.h"

namespace lwcl::tinyml {
namespace {

template <typename T>
Span<const T> C(const std::vector<T>& v) {
  return Span<const T>(v.data(), v.size());
}
template <typename T>
Span<T> M(std::vector<T>& v) {
  return Span<T>(v.data(), v.size());
}

constexpr size_t kIn = 5;
constexpr size_t kOut = 4;

struct Layer {
  std::vector<float> w, b;
};

Layer RandomLayer(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Layer l{std::vector<float>(kIn * kOut), std::vector<float>(kOut)};
  for (float& v : l.w) v = u(rng);
  for (float& v : l.b) v = u(rng);
  return l;
}

// weight * cross-entropy of softmax(W x + b) at `label`.
double Loss(const Layer& l, const std::vector<float>& x, size_t label, float weight) {
  std::vector<float> z(kOut);
  DenseFloat(C(l.w), C(l.b), C(x), false, M(z));
  Softmax(C(z), M(z));
  return -static_cast<double>(weight) * std::log(static_cast<double>(z[label]));
}

std::vector<float> Probabilities(const Layer& l, const std::vector<float>& x) {
  std::vector<float> p(kOut);
  DenseFloat(C(l.w), C(l.b), C(x), false, M(p));
  Softmax(C(p), M(p));
  return p;
}

TEST(SoftmaxCrossEntropyDelta, IsWeightedProbabilitiesMinusOneHot) {
  const std::vector<float> p = {0.1f, 0.6f, 0.3f};
  std::vector<float> d(3);
  SoftmaxCrossEntropyDelta(C(p), 1, 2.0f, M(d));
  EXPECT_FLOAT_EQ(d[0], 0.2f);
  EXPECT_FLOAT_EQ(d[1], -0.8f);
  EXPECT_FLOAT_EQ(d[2], 0.6f);
}

TEST(DenseGradient, WeightBiasAndInputGradientsMatchFiniteDifferences) {
  const Layer layer = RandomLayer(7);
  const std::vector<float> x = {0.5f, -0.25f, 1.0f, 0.75f, -1.5f};
  const size_t label = 2;
  const float weight = 1.5f;

  std::vector<float> delta(kOut), gw(kIn * kOut, 0.0f), gb(kOut, 0.0f), gx(kIn);
  SoftmaxCrossEntropyDelta(C(Probabilities(layer, x)), label, weight, M(delta));
  AccumulateDenseGradient(C(x), C(delta), M(gw), M(gb));
  DenseInputDelta(C(layer.w), C(delta), C(x), /*input_relu=*/false, M(gx));

  const float h = 1e-3f;
  const auto numeric = [&](auto perturb) {
    Layer up = layer, down = layer;
    std::vector<float> xu = x, xd = x;
    perturb(up, xu, h);
    perturb(down, xd, -h);
    return (Loss(up, xu, label, weight) - Loss(down, xd, label, weight)) / (2.0 * static_cast<double>(h));
  };
  for (size_t i = 0; i < gw.size(); ++i) {
    EXPECT_NEAR(gw[i], numeric([&](Layer& l, std::vector<float>&, float e) { l.w[i] += e; }), 2e-3)
        << "weight " << i;
  }
  for (size_t o = 0; o < kOut; ++o) {
    EXPECT_NEAR(gb[o], numeric([&](Layer& l, std::vector<float>&, float e) { l.b[o] += e; }), 2e-3)
        << "bias " << o;
  }
  for (size_t i = 0; i < kIn; ++i) {
    EXPECT_NEAR(gx[i], numeric([&](Layer&, std::vector<float>& xi, float e) { xi[i] += e; }), 2e-3)
        << "input " << i;
  }
}

TEST(DenseGradient, AccumulatesAcrossSamples) {
  const std::vector<float> x = {1.0f, 2.0f};
  const std::vector<float> delta = {0.5f, 0.0f, -1.0f};
  std::vector<float> gw(6, 1.0f), gb(3, 1.0f);
  AccumulateDenseGradient(C(x), C(delta), M(gw), M(gb));
  AccumulateDenseGradient(C(x), C(delta), M(gw), M(gb));
  EXPECT_EQ(gb, (std::vector<float>{2.0f, 1.0f, -1.0f}));
  EXPECT_EQ(gw, (std::vector<float>{2.0f, 3.0f, 1.0f, 1.0f, -1.0f, -3.0f}));
}

TEST(DenseInputDelta, ReluOutputGatesTheDelta) {
  // 2 outputs, 3 inputs; the second input came out of a ReLU at 0.
  const std::vector<float> w = {1.0f, 2.0f, 3.0f, -1.0f, 0.5f, 4.0f};
  const std::vector<float> delta = {1.0f, 2.0f};
  const std::vector<float> input = {0.3f, 0.0f, -0.0f};
  std::vector<float> gx(3, 99.0f);
  DenseInputDelta(C(w), C(delta), C(input), /*input_relu=*/true, M(gx));
  EXPECT_EQ(gx, (std::vector<float>{-1.0f, 0.0f, 0.0f}));
  DenseInputDelta(C(w), C(delta), C(input), /*input_relu=*/false, M(gx));
  EXPECT_EQ(gx, (std::vector<float>{-1.0f, 3.0f, 11.0f}));
}

}  // namespace
}  // namespace lwcl::tinyml
