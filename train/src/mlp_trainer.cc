#include "train/mlp_trainer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "tinyml/kernels/dense.h"
#include "tinyml/kernels/softmax.h"
#include "tinyml/learn/dense_gradient.h"
#include "train/rng.h"

namespace lwcl::train {
namespace {

tinyml::Span<const float> View(const std::vector<float>& v) { return {v.data(), v.size()}; }
tinyml::Span<float> View(std::vector<float>& v) { return {v.data(), v.size()}; }

// Adam moments of one layer, shaped like its weights and bias.
struct AdamState {
  std::vector<float> mw, vw, mb, vb;
};

// Per-sample activations of every layer: acts[0] is the input, acts[l + 1]
// the output of layer l (after its activation; softmax for the last).
struct Activations {
  std::vector<std::vector<float>> acts;
};

// The core's own kernels, so training optimises the arithmetic the float
// reference (FloatForward) and the device's head learner run.
void Forward(const std::vector<FloatLayer>& layers, std::span<const float> input, Activations& a) {
  a.acts.resize(layers.size() + 1);
  a.acts[0].assign(input.begin(), input.end());
  for (size_t l = 0; l < layers.size(); ++l) {
    const FloatLayer& layer = layers[l];
    std::vector<float>& y = a.acts[l + 1];
    y.resize(static_cast<size_t>(layer.out));
    tinyml::DenseFloat(View(layer.weights), View(layer.bias), View(a.acts[l]),
                       layer.activation == Activation::kRelu, View(y));
    if (layer.activation == Activation::kSoftmax) tinyml::Softmax(View(y), View(y));
  }
}

size_t ArgMax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

float CrossEntropy(const std::vector<float>& probs, int label) {
  return -std::log(std::max(probs[static_cast<size_t>(label)], 1e-12f));
}

// Mean cross-entropy and accuracy of `layers` on normalised rows.
void Score(const std::vector<FloatLayer>& layers, const std::vector<float>& x, size_t dim,
           std::span<const int> labels, float& loss, float& accuracy) {
  Activations a;
  double total = 0.0;
  size_t correct = 0;
  for (size_t r = 0; r < labels.size(); ++r) {
    Forward(layers, std::span<const float>(x).subspan(r * dim, dim), a);
    total += static_cast<double>(CrossEntropy(a.acts.back(), labels[r]));
    if (ArgMax(a.acts.back()) == static_cast<size_t>(labels[r])) ++correct;
  }
  const double n = static_cast<double>(std::max<size_t>(labels.size(), 1));
  loss = static_cast<float>(total / n);
  accuracy = static_cast<float>(static_cast<double>(correct) / n);
}

std::vector<float> Normalise(const FeatureMatrix& m, const std::vector<float>& mean,
                             const std::vector<float>& std_dev) {
  std::vector<float> out(m.values.size());
  for (size_t r = 0; r < m.rows(); ++r) {
    for (size_t j = 0; j < m.dim; ++j) {
      out[r * m.dim + j] = (m.values[r * m.dim + j] - mean[j]) / std_dev[j];
    }
  }
  return out;
}

void CheckLabels(const FeatureMatrix& m, size_t classes, const char* what) {
  if (m.labels.size() != m.rows()) {
    throw std::invalid_argument(std::string(what) + ": label count differs from row count");
  }
  for (int label : m.labels) {
    if (label < 0 || static_cast<size_t>(label) >= classes) {
      throw std::invalid_argument(std::string(what) + ": label " + std::to_string(label) +
                                  " outside [0, " + std::to_string(classes) + ")");
    }
  }
}

void CheckTrainInputs(const FeatureMatrix& train, const FeatureMatrix& validation, size_t classes,
                      const MlpTrainOptions& options) {
  if (classes < 2) throw std::invalid_argument("need at least two classes");
  if (train.rows() == 0 || train.dim == 0) throw std::invalid_argument("empty training set");
  if (validation.rows() > 0 && validation.dim != train.dim) {
    throw std::invalid_argument("validation features differ in width from training features");
  }
  CheckLabels(train, classes, "train");
  CheckLabels(validation, classes, "validation");
  for (int h : options.hidden) {
    if (h < 1 || h > kMaxHiddenUnits) {
      throw std::invalid_argument("hidden layer size " + std::to_string(h) + " outside 1.." +
                                  std::to_string(kMaxHiddenUnits));
    }
  }
  if (options.batch_size < 1 || options.max_epochs < 1 || options.patience < 1) {
    throw std::invalid_argument("batch size, epochs and patience must be positive");
  }
}

// Normalisation from the training split only.
void FitNormalisation(const FeatureMatrix& train, float std_floor, FloatModel& model) {
  const size_t dim = train.dim;
  const size_t n = train.rows();
  model.feature_mean.assign(dim, 0.0f);
  model.feature_std.assign(dim, 0.0f);
  for (size_t j = 0; j < dim; ++j) {
    double sum = 0.0;
    for (size_t r = 0; r < n; ++r) sum += static_cast<double>(train.values[r * dim + j]);
    const double mean = sum / static_cast<double>(n);
    double var = 0.0;
    for (size_t r = 0; r < n; ++r) {
      const double d = static_cast<double>(train.values[r * dim + j]) - mean;
      var += d * d;
    }
    model.feature_mean[j] = static_cast<float>(mean);
    model.feature_std[j] =
        std::max(static_cast<float>(std::sqrt(var / static_cast<double>(n))), std_floor);
  }
}

// n / (classes * n_c), so a balanced set has all weights 1; all 1 when off.
std::vector<float> ClassWeights(const FeatureMatrix& train, size_t classes, bool enabled) {
  std::vector<float> weight(classes, 1.0f);
  if (!enabled) return weight;
  std::vector<size_t> counts(classes, 0);
  for (int label : train.labels) ++counts[static_cast<size_t>(label)];
  for (size_t c = 0; c < classes; ++c) {
    if (counts[c] > 0) {
      weight[c] = static_cast<float>(static_cast<double>(train.rows()) /
                                     (static_cast<double>(classes * counts[c])));
    }
  }
  return weight;
}

// He-uniform (ReLU) / Glorot-uniform (softmax) initialisation.
std::vector<FloatLayer> InitialLayers(size_t dim, const std::vector<int>& hidden, size_t classes,
                                      Rng& rng) {
  std::vector<int> widths;
  widths.push_back(static_cast<int>(dim));
  widths.insert(widths.end(), hidden.begin(), hidden.end());
  widths.push_back(static_cast<int>(classes));
  std::vector<FloatLayer> layers;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    FloatLayer layer;
    layer.in = widths[l];
    layer.out = widths[l + 1];
    const bool last = l + 2 == widths.size();
    layer.activation = last ? Activation::kSoftmax : Activation::kRelu;
    const float fan_in = static_cast<float>(layer.in);
    const float limit = last ? std::sqrt(6.0f / (fan_in + static_cast<float>(layer.out)))
                             : std::sqrt(6.0f / fan_in);
    layer.weights.resize(static_cast<size_t>(layer.in) * static_cast<size_t>(layer.out));
    for (float& w : layer.weights) w = rng.Uniform(-limit, limit);
    layer.bias.assign(static_cast<size_t>(layer.out), 0.0f);
    layers.push_back(std::move(layer));
  }
  return layers;
}

// Mini-batch Adam over every layer: gradient sums per batch, one step per
// batch with bias correction and L2 on the weights.
class AdamOptimiser {
 public:
  AdamOptimiser(const std::vector<FloatLayer>& layers, const MlpTrainOptions& options)
      : options_(options), adam_(layers.size()), grads_(layers.size()), delta_(layers.size()) {
    for (size_t l = 0; l < layers.size(); ++l) {
      adam_[l].mw.assign(layers[l].weights.size(), 0.0f);
      adam_[l].vw.assign(layers[l].weights.size(), 0.0f);
      adam_[l].mb.assign(layers[l].bias.size(), 0.0f);
      adam_[l].vb.assign(layers[l].bias.size(), 0.0f);
      grads_[l].weights.assign(layers[l].weights.size(), 0.0f);
      grads_[l].bias.assign(layers[l].bias.size(), 0.0f);
    }
  }

  void StartBatch() {
    for (FloatLayer& g : grads_) {
      std::fill(g.weights.begin(), g.weights.end(), 0.0f);
      std::fill(g.bias.begin(), g.bias.end(), 0.0f);
    }
  }

  // Backpropagates one sample of weighted softmax cross-entropy.
  void AddSample(const std::vector<FloatLayer>& layers, const Activations& a, int label,
                 float weight) {
    const size_t last = layers.size() - 1;
    delta_[last].resize(a.acts.back().size());
    tinyml::SoftmaxCrossEntropyDelta(View(a.acts.back()), static_cast<size_t>(label), weight,
                                     View(delta_[last]));
    for (size_t l = last + 1; l-- > 0;) {
      tinyml::AccumulateDenseGradient(View(a.acts[l]), View(delta_[l]), View(grads_[l].weights),
                                      View(grads_[l].bias));
      if (l == 0) break;
      // Every hidden layer is a ReLU, so its output gates the delta.
      delta_[l - 1].resize(a.acts[l].size());
      tinyml::DenseInputDelta(View(layers[l].weights), View(delta_[l]), View(a.acts[l]),
                              /*input_relu=*/true, View(delta_[l - 1]));
    }
  }

  // One Adam step with the mean of the batch's `samples` gradients.
  void Step(std::vector<FloatLayer>& layers, size_t samples) {
    const float scale = 1.0f / static_cast<float>(samples);
    ++step_;
    const float correction1 = 1.0f - std::pow(options_.beta1, static_cast<float>(step_));
    const float correction2 = 1.0f - std::pow(options_.beta2, static_cast<float>(step_));
    const auto update = [&](std::vector<float>& param, const std::vector<float>& grad,
                            std::vector<float>& m, std::vector<float>& v, float l2) {
      for (size_t i = 0; i < param.size(); ++i) {
        const float gi = grad[i] * scale + l2 * param[i];
        m[i] = options_.beta1 * m[i] + (1.0f - options_.beta1) * gi;
        v[i] = options_.beta2 * v[i] + (1.0f - options_.beta2) * gi * gi;
        const float m_hat = m[i] / correction1;
        const float v_hat = v[i] / correction2;
        param[i] -= options_.learning_rate * m_hat / (std::sqrt(v_hat) + options_.epsilon);
      }
    };
    for (size_t l = 0; l < layers.size(); ++l) {
      update(layers[l].weights, grads_[l].weights, adam_[l].mw, adam_[l].vw, options_.l2);
      update(layers[l].bias, grads_[l].bias, adam_[l].mb, adam_[l].vb, 0.0f);
    }
  }

 private:
  const MlpTrainOptions& options_;
  std::vector<AdamState> adam_;
  std::vector<FloatLayer> grads_;
  std::vector<std::vector<float>> delta_;  // dLoss/dz per layer
  int step_ = 0;
};

// One pass over the shuffled training rows; returns the mean of the batches'
// mean class-weighted loss.
double TrainEpoch(std::vector<FloatLayer>& layers, AdamOptimiser& adam,
                  const std::vector<float>& x_train, const FeatureMatrix& train,
                  const std::vector<float>& class_weight, std::vector<size_t>& order,
                  size_t batch_size, Rng& rng) {
  const size_t n = train.rows();
  const size_t dim = train.dim;
  rng.Shuffle(std::span<size_t>(order));
  Activations a;
  double epoch_loss = 0.0;
  size_t batches = 0;
  for (size_t begin = 0; begin < n; begin += batch_size) {
    const size_t end = std::min(n, begin + batch_size);
    adam.StartBatch();
    double batch_loss = 0.0;
    for (size_t k = begin; k < end; ++k) {
      const size_t r = order[k];
      const int label = train.labels[r];
      const float weight = class_weight[static_cast<size_t>(label)];
      Forward(layers, std::span<const float>(x_train).subspan(r * dim, dim), a);
      batch_loss += static_cast<double>(weight * CrossEntropy(a.acts.back(), label));
      adam.AddSample(layers, a, label, weight);
    }
    epoch_loss += batch_loss / static_cast<double>(end - begin);
    ++batches;
    adam.Step(layers, end - begin);
  }
  return epoch_loss / static_cast<double>(std::max<size_t>(batches, 1));
}

}  // namespace

std::vector<float> WithinClassVariance(std::span<const float> normalised, size_t dim, std::span<const int> labels,
                                       std::span<const float> centroids) {
  std::vector<double> sums(dim, 0.0);
  for (size_t r = 0; r < labels.size(); ++r) {
    const size_t c = static_cast<size_t>(labels[r]);
    for (size_t j = 0; j < dim; ++j) {
      const double d = static_cast<double>(normalised[r * dim + j]) - static_cast<double>(centroids[c * dim + j]);
      sums[j] += d * d;
    }
  }
  std::vector<float> variance(dim, 1.0f);
  if (labels.empty()) return variance;
  for (size_t j = 0; j < dim; ++j) {
    variance[j] = std::max(1e-4f, static_cast<float>(sums[j] / static_cast<double>(labels.size())));
  }
  return variance;
}

void ComputeCentroids(std::span<const float> normalised, size_t dim, std::span<const int> labels,
                      size_t classes, float quantile, std::vector<float>& centroids,
                      float& radius) {
  centroids.assign(classes * dim, 0.0f);
  std::vector<double> sums(classes * dim, 0.0);
  std::vector<size_t> counts(classes, 0);
  for (size_t r = 0; r < labels.size(); ++r) {
    const size_t c = static_cast<size_t>(labels[r]);
    ++counts[c];
    for (size_t j = 0; j < dim; ++j)
      sums[c * dim + j] += static_cast<double>(normalised[r * dim + j]);
  }
  for (size_t c = 0; c < classes; ++c) {
    if (counts[c] == 0) continue;
    for (size_t j = 0; j < dim; ++j) {
      centroids[c * dim + j] =
          static_cast<float>(sums[c * dim + j] / static_cast<double>(counts[c]));
    }
  }
  std::vector<float> distances;
  distances.reserve(labels.size());
  for (size_t r = 0; r < labels.size(); ++r) {
    const size_t c = static_cast<size_t>(labels[r]);
    float d2 = 0.0f;
    for (size_t j = 0; j < dim; ++j) {
      const float d = normalised[r * dim + j] - centroids[c * dim + j];
      d2 += d * d;
    }
    distances.push_back(std::sqrt(d2));
  }
  radius = 1.0f;
  if (!distances.empty()) {
    std::sort(distances.begin(), distances.end());
    // Nearest-rank quantile.
    const double rank =
        std::ceil(static_cast<double>(quantile) * static_cast<double>(distances.size()));
    const size_t index =
        std::min(distances.size() - 1, static_cast<size_t>(std::max(rank, 1.0)) - 1);
    radius = std::max(distances[index], 1e-6f);
  }
}

MlpTrainResult TrainMlp(const FeatureMatrix& train, const FeatureMatrix& validation, size_t classes,
                        const MlpTrainOptions& options) {
  CheckTrainInputs(train, validation, classes, options);
  const size_t dim = train.dim;
  const size_t n = train.rows();

  MlpTrainResult result;
  FloatModel& model = result.model;
  FitNormalisation(train, options.std_floor, model);
  const std::vector<float> x_train = Normalise(train, model.feature_mean, model.feature_std);
  const std::vector<float> x_val = Normalise(validation, model.feature_mean, model.feature_std);
  const std::vector<float> class_weight = ClassWeights(train, classes, options.class_weights);

  Rng rng(options.seed);
  std::vector<FloatLayer>& layers = model.layers;
  layers = InitialLayers(dim, options.hidden, classes, rng);
  AdamOptimiser adam(layers, options);

  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::vector<FloatLayer> best_layers = layers;
  float best_loss = std::numeric_limits<float>::infinity();
  float best_accuracy = -1.0f;
  int since_best = 0;
  const size_t batch_size = static_cast<size_t>(options.batch_size);

  for (int epoch = 1; epoch <= options.max_epochs; ++epoch) {
    EpochStats stats;
    stats.epoch = epoch;
    stats.train_loss = static_cast<float>(
        TrainEpoch(layers, adam, x_train, train, class_weight, order, batch_size, rng));
    {
      float end_of_epoch_loss = 0.0f;  // the learning curve keeps the batch mean instead
      Score(layers, x_train, dim, train.labels, end_of_epoch_loss, stats.train_accuracy);
    }
    if (validation.rows() > 0) {
      Score(layers, x_val, dim, validation.labels, stats.validation_loss,
            stats.validation_accuracy);
    } else {
      Score(layers, x_train, dim, train.labels, stats.validation_loss, stats.validation_accuracy);
    }
    const bool improved =
        options.stop_on == StopOn::kValidationLoss
            ? stats.validation_loss < best_loss - 1e-5f
            : (stats.validation_accuracy > best_accuracy ||
               (stats.validation_accuracy == best_accuracy && stats.validation_loss < best_loss));
    stats.improved = improved;
    result.epochs_run = epoch;
    if (improved) {
      best_loss = stats.validation_loss;
      best_accuracy = stats.validation_accuracy;
      best_layers = layers;
      result.best_epoch = epoch;
      since_best = 0;
    } else {
      ++since_best;
    }
    if (options.on_epoch) options.on_epoch(stats);
    if (since_best >= options.patience) break;
  }

  layers = best_layers;
  result.best_validation_loss = best_loss;
  result.best_validation_accuracy = best_accuracy;
  ComputeCentroids(x_train, dim, train.labels, classes, options.anomaly_quantile, model.centroids,
                   model.anomaly_radius);
  model.within_class_variance = WithinClassVariance(x_train, dim, train.labels, model.centroids);
  return result;
}

}  // namespace lwcl::train
