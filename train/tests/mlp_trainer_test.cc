#include "train/mlp_trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "train/rng.h"

namespace lwcl::train {
namespace {

// Three Gaussian-ish blobs in 8 dimensions, offset per class, with features
// on very different scales (so normalisation matters).
FeatureMatrix Blobs(size_t per_class, uint32_t seed) {
  Rng rng(seed);
  FeatureMatrix m;
  m.dim = 8;
  std::vector<float> row(m.dim);
  for (size_t i = 0; i < per_class; ++i) {
    for (int c = 0; c < 3; ++c) {
      for (size_t j = 0; j < m.dim; ++j) {
        // Sum of 4 uniforms: roughly normal, sd ~0.58.
        float noise = 0.0f;
        for (int k = 0; k < 4; ++k) noise += rng.Uniform(-0.5f, 0.5f);
        const float centre = (j % 3 == static_cast<size_t>(c)) ? 1.5f : 0.0f;
        const float scale = j < 4 ? 100.0f : 0.01f;
        row[j] = (centre + noise) * scale + 7.0f;
      }
      m.AddRow(row, c);
    }
  }
  return m;
}

// Reference forward pass of the trained model (normalise, dense, ReLU, argmax).
int Predict(const FloatModel& model, std::span<const float> raw) {
  std::vector<float> x(raw.size());
  for (size_t j = 0; j < raw.size(); ++j)
    x[j] = (raw[j] - model.feature_mean[j]) / model.feature_std[j];
  for (const FloatLayer& layer : model.layers) {
    std::vector<float> y(static_cast<size_t>(layer.out));
    for (size_t o = 0; o < y.size(); ++o) {
      float sum = layer.bias[o];
      for (size_t i = 0; i < x.size(); ++i) sum += layer.weights[o * x.size() + i] * x[i];
      y[o] = layer.activation == Activation::kRelu ? std::max(sum, 0.0f) : sum;
    }
    x = y;
  }
  return static_cast<int>(std::max_element(x.begin(), x.end()) - x.begin());
}

double Accuracy(const FloatModel& model, const FeatureMatrix& m) {
  size_t correct = 0;
  for (size_t r = 0; r < m.rows(); ++r) correct += Predict(model, m.row(r)) == m.labels[r] ? 1 : 0;
  return static_cast<double>(correct) / static_cast<double>(m.rows());
}

MlpTrainOptions FastOptions() {
  MlpTrainOptions o;
  o.max_epochs = 60;
  o.patience = 10;
  o.seed = 3;
  return o;
}

TEST(MlpTrainerTest, LearnsASeparableThreeClassProblem) {
  const FeatureMatrix train = Blobs(200, 1);
  const FeatureMatrix validation = Blobs(40, 2);
  const FeatureMatrix test = Blobs(100, 3);
  const MlpTrainResult r = TrainMlp(train, validation, 3, FastOptions());
  EXPECT_GT(Accuracy(r.model, test), 0.95);
  EXPECT_GE(r.best_epoch, 1);
  EXPECT_LE(r.best_epoch, r.epochs_run);

  // Shape: 8 -> 32 -> 16 -> 3, ReLU hidden, softmax out.
  ASSERT_EQ(r.model.layers.size(), 3u);
  EXPECT_EQ(r.model.layers[0].in, 8);
  EXPECT_EQ(r.model.layers[0].out, 32);
  EXPECT_EQ(r.model.layers[1].out, 16);
  EXPECT_EQ(r.model.layers[2].out, 3);
  EXPECT_EQ(r.model.layers[0].activation, Activation::kRelu);
  EXPECT_EQ(r.model.layers[2].activation, Activation::kSoftmax);
  EXPECT_EQ(r.model.layers[0].weights.size(), 8u * 32u);

  // Normalisation comes from the training split; std is floored.
  ASSERT_EQ(r.model.feature_mean.size(), 8u);
  EXPECT_NEAR(r.model.feature_mean[0], 7.0f + 50.0f, 10.0f);
  for (float s : r.model.feature_std) EXPECT_GE(s, 1e-3f);

  // Centroids: one per class in normalised space; a positive radius.
  EXPECT_EQ(r.model.centroids.size(), 3u * 8u);
  EXPECT_GT(r.model.anomaly_radius, 0.0f);
}

TEST(MlpTrainerTest, DeterministicForASeed) {
  const FeatureMatrix train = Blobs(60, 1);
  const FeatureMatrix validation = Blobs(20, 2);
  MlpTrainOptions o = FastOptions();
  o.max_epochs = 15;
  const MlpTrainResult a = TrainMlp(train, validation, 3, o);
  const MlpTrainResult b = TrainMlp(train, validation, 3, o);
  ASSERT_EQ(a.model.layers.size(), b.model.layers.size());
  for (size_t l = 0; l < a.model.layers.size(); ++l) {
    EXPECT_EQ(a.model.layers[l].weights, b.model.layers[l].weights);
    EXPECT_EQ(a.model.layers[l].bias, b.model.layers[l].bias);
  }
  EXPECT_EQ(a.epochs_run, b.epochs_run);
  o.seed = 4;
  const MlpTrainResult c = TrainMlp(train, validation, 3, o);
  EXPECT_NE(a.model.layers[0].weights, c.model.layers[0].weights);
}

TEST(MlpTrainerTest, EarlyStopsAndReportsEveryEpoch) {
  const FeatureMatrix train = Blobs(60, 1);
  const FeatureMatrix validation = Blobs(20, 2);
  MlpTrainOptions o = FastOptions();
  o.max_epochs = 500;
  o.patience = 3;
  int calls = 0;
  o.on_epoch = [&](const EpochStats& s) {
    ++calls;
    EXPECT_EQ(s.epoch, calls);
  };
  const MlpTrainResult r = TrainMlp(train, validation, 3, o);
  EXPECT_EQ(calls, r.epochs_run);
  EXPECT_LT(r.epochs_run, 500);
  EXPECT_EQ(r.epochs_run - r.best_epoch, 3);
}

TEST(MlpTrainerTest, HiddenSizesAreConfigurableAndCapped) {
  const FeatureMatrix train = Blobs(30, 1);
  MlpTrainOptions o = FastOptions();
  o.max_epochs = 2;
  o.hidden = {8};
  const MlpTrainResult r = TrainMlp(train, {}, 3, o);
  ASSERT_EQ(r.model.layers.size(), 2u);
  EXPECT_EQ(r.model.layers[0].out, 8);
  o.hidden = {33};
  EXPECT_THROW(TrainMlp(train, {}, 3, o), std::invalid_argument);
  o.hidden = {16};
  EXPECT_THROW(TrainMlp(train, {}, 2, o), std::invalid_argument);  // label 2 out of range
}

TEST(MlpTrainerTest, CentroidsAndQuantileRadius) {
  // Class 0 at distances 1..4 from its centroid (0,0); class 1 at (10, 0).
  const std::vector<float> x = {1, 0, -1, 0, 0, 3, 0, -3, 10, 0, 10, 0};
  const std::vector<int> labels = {0, 0, 0, 0, 1, 1};
  std::vector<float> centroids;
  float radius = 0.0f;
  ComputeCentroids(x, 2, labels, 2, 0.5f, centroids, radius);
  EXPECT_EQ(centroids, (std::vector<float>{0, 0, 10, 0}));
  // Distances {1,1,3,3,0,0}: the 50% nearest-rank quantile is 1.
  EXPECT_FLOAT_EQ(radius, 1.0f);
  ComputeCentroids(x, 2, labels, 2, 1.0f, centroids, radius);
  EXPECT_FLOAT_EQ(radius, 3.0f);
  // Pooled within-class variance: feature 0 (1+1+0+0+0+0)/6, feature 1
  // (0+0+9+9+0+0)/6; a feature that never varies is floored at 1e-4.
  const std::vector<float> v = WithinClassVariance(x, 2, labels, centroids);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_FLOAT_EQ(v[0], 2.0f / 6.0f);
  EXPECT_FLOAT_EQ(v[1], 18.0f / 6.0f);
  const std::vector<float> flat = {5, 5, 5, 5};
  EXPECT_FLOAT_EQ(WithinClassVariance(flat, 1, std::vector<int>{0, 0, 1, 1}, std::vector<float>{5, 5})[0], 1e-4f);
}

}  // namespace
}  // namespace lwcl::train
