#include "train/html_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <utility>

#include "html_charts.h"
#include "tinyml/dsp/spectral_features.h"

namespace lwcl::train {
namespace {

using html::BoxPlotSvg;
using html::ClassColor;
using html::Fmt;
using html::LearningCurveSvg;
using html::Percent;
using html::Series;


std::string ConfusionTable(const std::vector<std::string>& labels, const ConfusionMatrix& m,
                           const std::string& caption) {
  std::string s = "<table class=\"confusion\"><caption>" + HtmlEscape(caption) +
                  "</caption><thead><tr><th class=\"corner\">true \\ predicted</th>";
  for (size_t p = 0; p < m.classes; ++p) {
    s += "<th>" + HtmlEscape(p < labels.size() ? labels[p] : std::to_string(p)) + "</th>";
  }
  s += "<th>windows</th><th>recall</th></tr></thead><tbody>";
  for (size_t t = 0; t < m.classes; ++t) {
    uint64_t total = 0;
    for (size_t p = 0; p < m.classes; ++p) total += m.at(t, p);
    s += "<tr><th>" + HtmlEscape(t < labels.size() ? labels[t] : std::to_string(t)) + "</th>";
    for (size_t p = 0; p < m.classes; ++p) {
      const uint32_t n = m.at(t, p);
      const double frac = total ? static_cast<double>(n) / static_cast<double>(total) : 0.0;
      std::string style;
      if (t == p) {
        style = Fmt("background:rgba(0,158,115,%.2f)", 0.08 + 0.72 * frac);
      } else if (n > 0) {
        style = Fmt("background:rgba(213,94,0,%.2f)", std::min(0.85, 0.15 + 1.5 * frac));
      }
      s += "<td class=\"cell\" style=\"" + style + "\"><b>" + std::to_string(n) + "</b><small>" +
           Percent(frac) + "</small></td>";
    }
    const double recall =
        total ? static_cast<double>(m.at(t, t)) / static_cast<double>(total) : 0.0;
    s += "<td>" + std::to_string(total) + "</td><td>" + Percent(recall) + "</td></tr>";
  }
  return s + "</tbody></table>";
}

std::string Row(std::initializer_list<std::string> cells, const char* tag = "td") {
  std::string s = "<tr>";
  for (const std::string& c : cells) s += std::string("<") + tag + ">" + c + "</" + tag + ">";
  return s + "</tr>";
}

std::string FilterName(tinyml::FilterType f) {
  switch (f) {
    case tinyml::FilterType::kLowPass:
      return "low-pass";
    case tinyml::FilterType::kHighPass:
      return "high-pass";
    case tinyml::FilterType::kNone:
      break;
  }
  return "none";
}

std::vector<size_t> WindowsPerClass(const SplitResult& s, size_t classes) {
  std::vector<size_t> n(classes, 0);
  for (int t : s.truth) {
    if (t >= 0 && static_cast<size_t>(t) < classes) ++n[static_cast<size_t>(t)];
  }
  return n;
}

// Fisher score per feature: between-class over within-class variance of the
// training rows. High means the classes separate well along that feature.
std::vector<double> FisherScores(const FeatureMatrix& m, size_t classes) {
  const size_t rows = m.rows();
  std::vector<double> scores(m.dim, 0.0);
  if (rows == 0) return scores;
  std::vector<size_t> count(classes, 0);
  for (int l : m.labels) ++count[static_cast<size_t>(l)];
  for (size_t j = 0; j < m.dim; ++j) {
    std::vector<double> sum(classes, 0.0);
    double total = 0.0;
    for (size_t r = 0; r < rows; ++r) {
      const double v = static_cast<double>(m.values[r * m.dim + j]);
      sum[static_cast<size_t>(m.labels[r])] += v;
      total += v;
    }
    const double mean = total / static_cast<double>(rows);
    double between = 0.0, within = 0.0;
    for (size_t c = 0; c < classes; ++c) {
      if (count[c] == 0) continue;
      const double mc = sum[c] / static_cast<double>(count[c]);
      between += static_cast<double>(count[c]) * (mc - mean) * (mc - mean);
      sum[c] = mc;
    }
    for (size_t r = 0; r < rows; ++r) {
      const double d =
          static_cast<double>(m.values[r * m.dim + j]) - sum[static_cast<size_t>(m.labels[r])];
      within += d * d;
    }
    scores[j] = between / std::max(within, 1e-12);
  }
  return scores;
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
       margin: 0 auto; max-width: 1100px; padding: 24px; background: #fafbfc; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px;
     border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.sub { color: #57606a; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 16px;
        min-width: 150px; }
.card .v { font-size: 24px; font-weight: 600; } .card .k { color: #57606a; font-size: 12px; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
table { border-collapse: collapse; background: #fff; margin: 8px 0 16px; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: right; }
th { background: #f6f8fa; } td.l, th.l { text-align: left; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.confusion td.cell { text-align: center; min-width: 64px; }
table.confusion td.cell b { display: block; font-size: 15px; }
table.confusion td.cell small { color: #24292f; }
.grid-2 { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
svg.chart { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0;
            max-width: 100%; height: auto; }
svg .title { font-size: 14px; font-weight: 600; fill: #1b1f24; }
svg .tick { font-size: 11px; fill: #57606a; } svg .axis-title { font-size: 12px; fill: #1b1f24; }
svg .axis { stroke: #57606a; stroke-width: 1; } svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .best { stroke: #8250df; stroke-width: 1; stroke-dasharray: 4 3; }
.note { color: #57606a; font-size: 13px; }
)css";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::vector<std::string> SpectralFeatureNames(const tinyml::SpectralConfig& config,
                                              const std::vector<std::string>& axis_names) {
  const size_t total = tinyml::SpectralFeatureCount(config);
  if (total == 0 || config.axes == 0) return {};
  const size_t per_axis = total / config.axes;
  const size_t bins =
      per_axis > tinyml::kSpectralStatsPerAxis ? per_axis - tinyml::kSpectralStatsPerAxis : 0;
  const double rate =
      static_cast<double>(config.sample_rate_hz) / std::max<double>(config.decimation, 1);
  const double n = static_cast<double>(config.fft_length);
  // First kept bin: the core's integer rule (DC is always dropped).
  size_t first_bin = 1;
  if (config.filter == tinyml::FilterType::kHighPass) {
    const double b = static_cast<double>(config.filter_cutoff_hz) * n / rate;
    first_bin = std::max<size_t>(1, static_cast<size_t>(std::max(0.0, b - 0.5)) + 1);
  }
  static const char* const kStats[] = {"rms", "skewness", "kurtosis", "spectral skewness",
                                       "spectral kurtosis"};
  std::vector<std::string> names;
  names.reserve(total);
  for (size_t a = 0; a < config.axes; ++a) {
    const std::string axis = a < axis_names.size() ? axis_names[a] : "axis" + std::to_string(a);
    for (const char* stat : kStats) names.push_back(axis + " " + stat);
    for (size_t k = 0; k < bins; ++k) {
      const double hz = static_cast<double>(first_bin + k) * rate / n;
      names.push_back(axis + Fmt(" %.3g Hz", hz));
    }
  }
  return names;
}

namespace {

// What every section of the report reads.
struct ReportInputs {
  const Dataset& dataset;
  const TrainingOptions& options;
  const TrainingRun& run;
  const std::vector<std::string>& labels;
  size_t classes;
  const FloatModel& model;
  bool has_int8;  // the int8 test metrics exist
};

// Headline numbers.
void AppendHeadline(std::string& h, const ReportInputs& in) {
  const auto& [dataset, options, run, labels, classes, model, has_int8] = in;
  const double acc_float = run.test.float_metrics.accuracy;
  const double acc_int8 = run.test.int8_metrics.accuracy;
  const auto card = [](const std::string& value, const std::string& key) {
    return "<div class=\"card\"><div class=\"v\">" + value + "</div><div class=\"k\">" + key +
           "</div></div>";
  };
  h += "<div class=\"cards\">";
  if (has_int8) h += card(Percent(acc_int8), "test accuracy, int8 (device)");
  h += card(Percent(acc_float), "test accuracy, float");
  h += card(Percent(has_int8 ? run.test.per_recording.int8_accuracy : run.test.per_recording.float_accuracy),
            std::string("test accuracy per recording, ") + (has_int8 ? "int8 vote" : "float"));
  if (run.baseline.reference_windows > 0) {
    h += card(Percent(run.baseline.per_recording.float_accuracy), "baseline per recording, 1-NN raw");
  }
  if (run.dtw_baseline.computed) h += card(Percent(run.dtw_baseline.accuracy), "baseline per recording, 1-NN DTW");
  if (has_int8) h += card(Percent(run.test.agreement), "float / int8 agreement");
  h += card(Percent(has_int8 ? run.test.int8_metrics.macro_f1 : run.test.float_metrics.macro_f1),
            "test macro F1");
  h += card(std::to_string(run.package.size()) + " B", "package");
  if (run.arena_bytes) h += card(std::to_string(run.arena_bytes) + " B", "device arena");
  h += "</div>\n";
  if (has_int8 && acc_float - acc_int8 > 0.01) {
    h += "<p class=\"warn\">int8 accuracy is " + Fmt("%.1f", (acc_float - acc_int8) * 100.0) +
         " points below float (the bar is one point): check the quantisation calibration.</p>";
  }
  const double model_recordings =
      has_int8 ? run.test.per_recording.int8_accuracy : run.test.per_recording.float_accuracy;
  if (run.baseline.reference_windows > 0 && model_recordings < run.baseline.per_recording.float_accuracy) {
    h += "<p class=\"warn\">A 1-nearest-neighbour lookup on the raw windows (" +
         Percent(run.baseline.per_recording.float_accuracy) + " per recording, " +
         Percent(run.baseline.window_accuracy) +
         " per window) beats the model: try other window lengths or feature blocks.</p>";
  }
  if (run.dtw_baseline.computed && model_recordings < run.dtw_baseline.accuracy) {
    h += "<p class=\"warn\">1-nearest-neighbour by DTW of the whole recordings (" +
         Percent(run.dtw_baseline.accuracy) + " per recording) beats the model.</p>";
  }
  if (run.test.windows.empty()) {
    h += "<p class=\"warn\">The test split has no windows: the accuracies above mean "
         "nothing. Add recordings.</p>";
  }
}

// Summary.
void AppendSummary(std::string& h, const ReportInputs& in) {
  const auto& [dataset, options, run, labels, classes, model, has_int8] = in;
  h += "<h2>Summary</h2><div class=\"grid-2\">";
  {
    std::string shape = std::to_string(model.layers.empty() ? 0 : model.layers.front().in);
    size_t int8_weights = 0;
    for (const FloatLayer& l : model.layers) {
      shape += " &rarr; " + std::to_string(l.out);
      int8_weights += l.weights.size();
    }
    const tinyml::SpectralConfig& d = options.dsp;
    const double rate = static_cast<double>(d.sample_rate_hz);
    h += "<table><caption>Model</caption>";
    h += Row({"name", HtmlEscape(model.name) + " " + HtmlEscape(model.version)}, "td");
    h += Row({"network", shape + " (dense, ReLU, softmax)"});
    h += Row({"parameters", std::to_string(run.parameter_count)});
    h += Row({"int8 weights", std::to_string(int8_weights) + " B"});
    h += Row({"package", std::to_string(run.package.size()) + " B"});
    h += Row({"device arena", std::to_string(run.arena_bytes) + " B"});
    h += Row({"input", std::to_string(d.axes) + " axes at " + Fmt("%.4g", rate) + " Hz"});
    h += Row({"window / stride", std::to_string(d.window_samples) + " / " +
                                     std::to_string(options.stride_samples) + " samples (" +
                                     Fmt("%.0f / %.0f ms", 1000.0 * d.window_samples / rate,
                                         1000.0 * options.stride_samples / rate) +
                                     ")"});
    h += Row({"spectral block",
              "filter " + FilterName(d.filter) +
                  (d.filter != tinyml::FilterType::kNone
                       ? Fmt(" %.3g Hz order %d", static_cast<double>(d.filter_cutoff_hz),
                             d.filter_order)
                       : std::string()) +
                  ", FFT " + std::to_string(d.fft_length) + (d.overlap ? ", overlap" : "") +
                  (d.log_spectrum ? ", log" : "") + ", decimation " + std::to_string(d.decimation) +
                  " &rarr; " + std::to_string(model.feature_mean.size()) + " features"});
    h += Row({"epochs", std::to_string(run.epochs_run) + " (best " +
                            std::to_string(run.best_epoch) + ", validation loss " +
                            Fmt("%.4f", static_cast<double>(run.best_validation_loss)) + ")"});
    h += Row({"time", Fmt("features %.1f s, training %.1f s, evaluation %.1f s",
                          run.seconds_features, run.seconds_training, run.seconds_evaluation)});
    h += "</table>";
  }
  {
    const std::vector<size_t> recs = dataset.RecordingsPerClass();
    const std::vector<size_t> tr = WindowsPerClass(run.train, classes);
    const std::vector<size_t> va = WindowsPerClass(run.validation, classes);
    const std::vector<size_t> te = WindowsPerClass(run.test, classes);
    h += "<table><caption>Labels and windows per split</caption>";
    h += Row({"<span class=\"l\">label</span>", "recordings", "train", "validation", "test"}, "th");
    for (size_t c = 0; c < classes; ++c) {
      h += "<tr><td class=\"l\"><span style=\"color:" + std::string(ClassColor(c)) +
           "\">&#9632;</span> " + HtmlEscape(labels[c]) + "</td><td>" +
           std::to_string(c < recs.size() ? recs[c] : 0) + "</td><td>" + std::to_string(tr[c]) +
           "</td><td>" + std::to_string(va[c]) + "</td><td>" + std::to_string(te[c]) + "</td></tr>";
    }
    h += "<tr><th class=\"l\">recordings</th><td>" + std::to_string(dataset.recordings.size()) +
         "</td><td>" + std::to_string(run.train.recordings.size()) + "</td><td>" +
         std::to_string(run.validation.recordings.size()) + "</td><td>" +
         std::to_string(run.test.recordings.size()) + "</td></tr>";
    h += "<tr><th class=\"l\">dropped windows</th><td></td><td>" +
         std::to_string(run.train.dropped_windows) + "</td><td>" +
         std::to_string(run.validation.dropped_windows) + "</td><td>" +
         std::to_string(run.test.dropped_windows) + "</td></tr></table>";

    h += "<table><caption>Accuracy per split (per window; per recording: mean probability for float, "
         "majority vote for int8, a recording without a window counts as a miss)</caption>";
    h += Row({"split", "float", "int8", "float macro F1", "int8 macro F1", "agreement", "float per recording",
              "int8 per recording"},
             "th");
    const std::pair<const char*, const SplitResult*> splits[] = {
        {"train", &run.train}, {"validation", &run.validation}, {"test", &run.test}};
    for (const auto& [name, s] : splits) {
      const bool i8 = !s->int8_predicted.empty();
      h += Row({std::string(name), Percent(s->float_metrics.accuracy),
                i8 ? Percent(s->int8_metrics.accuracy) : "&ndash;",
                Fmt("%.3f", s->float_metrics.macro_f1),
                i8 ? Fmt("%.3f", s->int8_metrics.macro_f1) : "&ndash;",
                i8 ? Percent(s->agreement) : "&ndash;", Percent(s->per_recording.float_accuracy),
                i8 ? Percent(s->per_recording.int8_accuracy) : "&ndash;"});
    }
    h += "</table>";
    if (!run.short_recordings.empty()) {
      h += "<p>" + std::to_string(run.short_recordings.size()) + " recordings are shorter than one window (" +
           std::to_string(options.dsp.window_samples) + " samples): " +
           (run.short_recordings.front().padded
                ? "each was padded to one window (" +
                      std::string(ShortRecordingPolicyName(options.short_recordings)) + ")."
                : std::string("they were skipped, and count as misses per recording.")) +
           "</p>";
    }
  }
  h += "</div>\n";
}

// Confusion matrices (test split) and per-class metrics.
void AppendConfusion(std::string& h, const ReportInputs& in) {
  const auto& [dataset, options, run, labels, classes, model, has_int8] = in;
  h += "<h2>Confusion matrices (test split)</h2><p class=\"note\">Rows are the true class, "
       "columns the prediction; each cell gives the window count and its share of the row.</p>"
       "<div class=\"grid-2\">";
  if (has_int8) {
    h += ConfusionTable(labels, run.test.int8_metrics.confusion, "int8 (as the device runs it)");
  }
  h += ConfusionTable(labels, run.test.float_metrics.confusion, "float (reference)");
  h += "</div>";
  {
    const Metrics& m = has_int8 ? run.test.int8_metrics : run.test.float_metrics;
    h += std::string("<table><caption>Per class, test split, ") + (has_int8 ? "int8" : "float") +
         "</caption>";
    h += Row({"label", "precision", "recall", "F1", "support"}, "th");
    for (size_t c = 0; c < m.per_class.size() && c < classes; ++c) {
      const ClassMetrics& cm = m.per_class[c];
      h += "<tr><td class=\"l\">" + HtmlEscape(labels[c]) + "</td><td>" +
           Fmt("%.3f", cm.precision) + "</td><td>" + Fmt("%.3f", cm.recall) + "</td><td>" +
           Fmt("%.3f", cm.f1) + "</td><td>" + std::to_string(cm.support) + "</td></tr>";
    }
    h += "</table>\n";
  }
}

// Learning curves.
void AppendLearningCurves(std::string& h, const ReportInputs& in) {
  const auto& [dataset, options, run, labels, classes, model, has_int8] = in;
  {
    Series train_loss{"train loss", "#0072B2", {}, false};
    Series val_loss{"validation loss", "#D55E00", {}, true};
    Series val_acc{"validation accuracy", "#D55E00", {}, true};
    Series train_acc{"train accuracy", "#0072B2", {}, false};
    for (const EpochStats& e : run.history) {
      train_acc.values.push_back(static_cast<double>(e.train_accuracy));
      train_loss.values.push_back(static_cast<double>(e.train_loss));
      val_loss.values.push_back(static_cast<double>(e.validation_loss));
      val_acc.values.push_back(static_cast<double>(e.validation_accuracy));
    }
    h += "<h2>Learning curves</h2><p class=\"note\">Class-weighted cross-entropy per epoch "
         "(train loss is the mean over the epoch's batches) and accuracy. The kept "
         "weights are the best epoch's (early stopping";
    h += options.mlp.stop_on == StopOn::kValidationLoss ? " on validation loss"
                                                        : " on validation accuracy";
    h += ").</p><div class=\"grid-2\">";
    h += LearningCurveSvg("Loss", "cross-entropy", {train_loss, val_loss}, run.best_epoch, false);
    h += LearningCurveSvg("Accuracy", "accuracy", {train_acc, val_acc}, run.best_epoch, true);
    h += "</div>\n";
  }
}

// Feature distributions.
void AppendFeatures(std::string& h, const ReportInputs& in) {
  const auto& [dataset, options, run, labels, classes, model, has_int8] = in;
  {
    const FeatureMatrix& fm = run.train_features;
    std::vector<std::string> axis_names;
    if (!dataset.recordings.empty()) axis_names = dataset.recordings.front().axes;
    std::vector<std::string> names = SpectralFeatureNames(options.dsp, axis_names);
    if (names.size() != fm.dim) {
      names.clear();
      for (size_t j = 0; j < fm.dim; ++j) names.push_back("feature " + std::to_string(j));
    }
    const std::vector<double> scores = FisherScores(fm, classes);
    std::vector<size_t> order(fm.dim);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    order.resize(std::min(order.size(), kHtmlReportMaxFeatures));
    h += "<h2>Feature distributions (training split)</h2>";
    if (fm.rows() == 0) {
      h += "<p class=\"note\">No training features were kept with this run.</p>";
    } else {
      h += "<p class=\"note\">Raw feature values (before normalisation) of the " +
           std::to_string(fm.rows()) +
           " training windows, per class: box from the first to the "
           "third quartile, bar at the median, whiskers at the 5th and 95th percentiles. " +
           (order.size() < fm.dim
                ? "Shown: the " + std::to_string(order.size()) + " of " + std::to_string(fm.dim) +
                      " features that separate the classes best (Fisher score, between- over "
                      "within-class variance)."
                : std::string("All features, best-separating (Fisher score) first.")) +
           "</p><div class=\"grid-2\">";
      for (size_t j : order) {
        std::vector<std::vector<double>> per_class(classes);
        for (size_t r = 0; r < fm.rows(); ++r) {
          const int l = fm.labels[r];
          if (l >= 0 && static_cast<size_t>(l) < classes) {
            per_class[static_cast<size_t>(l)].push_back(
                static_cast<double>(fm.values[r * fm.dim + j]));
          }
        }
        h += BoxPlotSvg(names[j] + Fmt("  (Fisher %.3g)", scores[j]), labels, per_class);
      }
      h += "</div>\n";
    }
  }
}

// Per-recording test accuracy: which recordings the model gets wrong.
void AppendRecordings(std::string& h, const ReportInputs& in) {
  const auto& [dataset, options, run, labels, classes, model, has_int8] = in;
  {
    const SplitResult& s = run.test;
    const std::vector<int>& predicted = has_int8 ? s.int8_predicted : s.float_predicted;
    std::map<size_t, std::pair<size_t, size_t>> per_recording;  // recording -> (correct, total)
    for (size_t i = 0; i < s.windows.size() && i < predicted.size() && i < s.truth.size(); ++i) {
      auto& [correct, total] = per_recording[s.windows[i].recording];
      ++total;
      if (predicted[i] == s.truth[i]) ++correct;
    }
    h += std::string("<h2>Test recordings</h2><table><caption>Accuracy per recording (") +
         (has_int8 ? "int8" : "float") + ")</caption>";
    h += Row({"<span class=\"l\">recording</span>", "label", "windows", "correct", "recording's class"}, "th");
    const RecordingScores& scores = s.per_recording;
    const std::vector<int>& voted = has_int8 ? scores.int8_predicted : scores.float_predicted;
    for (size_t i = 0; i < s.recordings.size(); ++i) {
      const size_t r = s.recordings[i];
      const int v = i < voted.size() ? voted[i] : -1;
      const std::string verdict = v < 0 ? std::string("none (no window: a miss)")
                                        : HtmlEscape(labels[static_cast<size_t>(v)]);
      const auto it = per_recording.find(r);
      const size_t correct = it == per_recording.end() ? 0 : it->second.first;
      const size_t total = it == per_recording.end() ? 0 : it->second.second;
      const Recording& rec = dataset.recordings.at(r);
      h += "<tr><td class=\"l\">" + HtmlEscape(rec.source) + "</td><td class=\"l\">" +
           HtmlEscape(rec.label) + "</td><td>" + std::to_string(total) + "</td><td>" +
           (total ? Percent(static_cast<double>(correct) / static_cast<double>(total))
                  : std::string("&ndash;")) +
           "</td><td class=\"l\">" + verdict + "</td></tr>";
    }
    h += "</table>\n";
  }
}

}  // namespace

std::string TrainingReportHtml(const Dataset& dataset, const TrainingOptions& options,
                               const TrainingRun& run) {
  const ReportInputs in{dataset, options, run, dataset.labels, dataset.labels.size(), run.model,
                        !run.test.int8_predicted.empty()};
  const std::string title = "LwCL training report: " + run.model.name + " " + run.model.version;
  std::string h;
  h.reserve(64 * 1024);
  h += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>" +
       HtmlEscape(title) + "</title><style>" + kStyle + "</style></head><body>\n";
  h += "<h1>" + HtmlEscape(title) + "</h1>";
  h += "<p class=\"sub\">" + std::to_string(in.classes) + " classes, " +
       std::to_string(dataset.recordings.size()) + " recordings, split by recording (seed " +
       std::to_string(options.split.seed) +
       "). Accuracy is on the test split, whose recordings the model never saw; int8 is "
       "measured by the device's own classifier on the raw windows.</p>\n";
  AppendHeadline(h, in);
  AppendSummary(h, in);
  AppendConfusion(h, in);
  AppendLearningCurves(h, in);
  AppendFeatures(h, in);
  AppendRecordings(h, in);
  h += "<p class=\"note\">Generated by lwcl train.</p></body></html>\n";
  return h;
}

}  // namespace lwcl::train
