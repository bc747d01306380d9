#include "train/training_report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace lwcl::train {
namespace {

using nlohmann::json;

json ConfusionJson(const ConfusionMatrix& m) {
  json rows = json::array();
  for (size_t t = 0; t < m.classes; ++t) {
    json row = json::array();
    for (size_t p = 0; p < m.classes; ++p) row.push_back(m.at(t, p));
    rows.push_back(row);
  }
  return rows;
}

json MetricsJson(const Metrics& m, const std::vector<std::string>& labels) {
  json per_class = json::array();
  for (size_t c = 0; c < m.per_class.size(); ++c) {
    const ClassMetrics& cm = m.per_class[c];
    per_class.push_back({{"label", c < labels.size() ? labels[c] : std::to_string(c)},
                         {"precision", cm.precision},
                         {"recall", cm.recall},
                         {"f1", cm.f1},
                         {"support", cm.support}});
  }
  return {{"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1},
          {"per_class", per_class},
          {"confusion", ConfusionJson(m.confusion)}};
}

json RecordingScoresJson(const RecordingScores& r, const std::vector<std::string>& labels) {
  const auto name = [&](int c) { return c >= 0 ? json(labels[static_cast<size_t>(c)]) : json(nullptr); };
  json rows = json::array();
  for (size_t i = 0; i < r.recordings.size(); ++i) {
    json row = {{"recording", r.recordings[i]}, {"truth", name(r.truth[i])}, {"windows", r.windows[i]},
                {"float", name(r.float_predicted[i])}};
    if (!r.int8_predicted.empty()) row["int8"] = name(r.int8_predicted[i]);
    rows.push_back(std::move(row));
  }
  json j = {{"recordings", r.recordings.size()},
            {"unscored", r.unscored},
            {"float_accuracy", r.float_accuracy},
            {"rule", "float: arg-max of the windows' mean probability; int8: majority of the window "
                     "decisions; a recording without a scored window counts as a miss"},
            {"per_recording", rows}};
  if (!r.int8_predicted.empty()) j["int8_accuracy"] = r.int8_accuracy;
  return j;
}

json SplitJson(const SplitResult& s, const std::vector<std::string>& labels) {
  json j = {{"windows", s.windows.size()}, {"float", MetricsJson(s.float_metrics, labels)}};
  if (!s.int8_predicted.empty()) {
    j["int8"] = MetricsJson(s.int8_metrics, labels);
    j["agreement"] = s.agreement;
  }
  j["by_recording"] = RecordingScoresJson(s.per_recording, labels);
  return j;
}

json SplitSizesJson(const SplitResult& s, const Dataset& dataset) {
  json files = json::array();
  for (size_t r : s.recordings) files.push_back(dataset.recordings[r].source);
  return {{"recordings", s.recordings.size()},
          {"windows", s.windows.size()},
          {"dropped_windows", s.dropped_windows},
          {"files", files}};
}

json ShortRecordingsJson(const Dataset& dataset, const TrainingOptions& options, const TrainingRun& run) {
  json list = json::array();
  for (const ShortRecording& r : run.short_recordings) {
    list.push_back({{"file", dataset.recordings[r.recording].source},
                    {"label", dataset.recordings[r.recording].label},
                    {"samples", r.samples},
                    {"padded", r.padded}});
  }
  return {{"policy", ShortRecordingPolicyName(options.short_recordings)},
          {"window_samples", options.dsp.window_samples},
          {"count", run.short_recordings.size()},
          {"recordings", list}};
}

json BaselineJson(const TrainingRun& run) {
  json j = {{"method", "1-NN on raw windows resampled to 32 points per axis (Euclidean)"},
            {"reference_windows", run.baseline.reference_windows},
            {"window_accuracy", run.baseline.window_accuracy},
            {"recording_accuracy", run.baseline.per_recording.float_accuracy}};
  j["dtw"] = run.dtw_baseline.computed
                 ? json{{"method", "1-NN by DTW of whole recordings (all axes, band a tenth of the longer)"},
                        {"reference_recordings", run.dtw_baseline.reference},
                        {"recording_accuracy", run.dtw_baseline.accuracy}}
                 : json{{"not_computed", run.dtw_baseline.why_not}};
  return j;
}

std::string Percent(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", x * 100.0);
  return buffer;
}

}  // namespace

json TrainingReportJson(const Dataset& dataset, const TrainingOptions& options,
                        const TrainingRun& run) {
  const FloatModel& m = run.model;
  json layers = json::array();
  size_t int8_weight_bytes = 0;
  for (const FloatLayer& l : m.layers) {
    layers.push_back({{"in", l.in},
                      {"out", l.out},
                      {"activation", l.activation == Activation::kRelu      ? "relu"
                                     : l.activation == Activation::kSoftmax ? "softmax"
                                                                            : "none"}});
    int8_weight_bytes += l.weights.size();
  }
  const tinyml::SpectralConfig& d = m.dsp;
  json report = {
      {"labels", m.labels},
      {"model",
       {{"name", m.name},
        {"version", m.version},
        {"layers", layers},
        {"parameters", run.parameter_count}}},
      {"dsp",
       {{"axes", d.axes},
        {"sample_rate_hz", d.sample_rate_hz},
        {"window_samples", d.window_samples},
        {"stride_samples", m.stride_samples},
        {"scale", d.scale},
        {"decimation", d.decimation},
        {"filter", d.filter == tinyml::FilterType::kLowPass    ? "low"
                   : d.filter == tinyml::FilterType::kHighPass ? "high"
                                                               : "none"},
        {"filter_cutoff_hz", d.filter_cutoff_hz},
        {"filter_order", d.filter_order},
        {"fft_length", d.fft_length},
        {"overlap", d.overlap},
        {"log_spectrum", d.log_spectrum},
        {"features", m.feature_mean.size()}}},
      {"split",
       {{"method", run.split_by_category ? "by-category" : "by-recording"},
        {"note", run.split_by_category
                     ? "test = the dataset's own testing category; validation taken from its "
                       "training category by recording"
                     : "stratified by class, by recording: no recording is in two splits"},
        {"seed", options.split.seed},
        {"fractions",
         {options.split.train_fraction, options.split.validation_fraction,
          options.split.test_fraction}},
        {"train", SplitSizesJson(run.train, dataset)},
        {"validation", SplitSizesJson(run.validation, dataset)},
        {"test", SplitSizesJson(run.test, dataset)}}},
      {"training",
       {{"epochs_run", run.epochs_run},
        {"best_epoch", run.best_epoch},
        {"best_validation_loss", run.best_validation_loss},
        {"best_validation_accuracy", run.best_validation_accuracy},
        {"max_epochs", options.mlp.max_epochs},
        {"batch_size", options.mlp.batch_size},
        {"learning_rate", options.mlp.learning_rate},
        {"l2", options.mlp.l2},
        {"patience", options.mlp.patience},
        {"class_weights", options.mlp.class_weights}}},
      {"train", SplitJson(run.train, m.labels)},
      {"validation", SplitJson(run.validation, m.labels)},
      {"test", SplitJson(run.test, m.labels)},
      {"confusion", {{"float", ConfusionJson(run.test.float_metrics.confusion)}}},
      {"agreement", run.test.agreement},
      {"sizes",
       {{"package_bytes", run.package.size()},
        {"parameters", run.parameter_count},
        {"int8_weight_bytes", int8_weight_bytes},
        {"arena_bytes", run.arena_bytes}}},
      {"seconds",
       {{"features", run.seconds_features},
        {"training", run.seconds_training},
        {"packaging", run.seconds_packaging},
        {"evaluation", run.seconds_evaluation}}},
  };
  if (!run.test.int8_predicted.empty()) {
    report["confusion"]["int8"] = ConfusionJson(run.test.int8_metrics.confusion);
  }
  report["augmentation"] = {{"copies", options.augment.copies},
                            {"noise_g", options.augment.noise_g},
                            {"gain", options.augment.gain},
                            {"rotate_deg", options.augment.rotate_deg},
                            {"shift_samples", options.augment.shift_samples},
                            {"extra_training_windows", run.augmented_windows}};
  json clips = json::array();
  for (const UnlabelledResult& u : run.unlabelled) {
    const Recording& r = dataset.recordings[u.recording];
    json clip = {{"file", r.source},
                 {"given_label", r.label},
                 {"category", r.category},
                 {"windows", u.windows}};
    if (u.float_predicted >= 0) {
      clip["predicted"] = m.labels[static_cast<size_t>(u.float_predicted)];
      clip["confidence"] = u.float_confidence;
    } else {
      clip["predicted"] = nullptr;
      clip["confidence"] = nullptr;
    }
    clip["int8_predicted"] = u.int8_predicted >= 0
                                 ? json(m.labels[static_cast<size_t>(u.int8_predicted)])
                                 : json(nullptr);
    clips.push_back(std::move(clip));
  }
  report["short_recordings"] = ShortRecordingsJson(dataset, options, run);
  if (!run.baseline.predicted.empty() || options.baseline) report["baseline"] = BaselineJson(run);
  report["unlabelled"] = {
      {"note",
       "recordings whose label is no class of the model: classified and listed, not scored"},
      {"count", run.unlabelled.size()},
      {"clips", clips}};
  return report;
}

std::string TrainingReportText(const Dataset& dataset, const TrainingRun& run) {
  const FloatModel& m = run.model;
  std::ostringstream out;
  out << m.name << " " << m.version << ": " << m.labels.size() << " classes, "
      << dataset.recordings.size() << " recordings (train " << run.train.recordings.size()
      << ", validation " << run.validation.recordings.size() << ", test "
      << run.test.recordings.size()
      << (run.split_by_category ? ", test = the dataset's testing category"
                                : ", split by recording")
      << ")\n";
  out << "network: " << (m.layers.empty() ? 0 : m.layers.front().in);
  for (const FloatLayer& l : m.layers) out << " -> " << l.out;
  out << ", " << run.parameter_count << " parameters, package " << run.package.size()
      << " bytes, arena " << run.arena_bytes << " bytes; " << run.epochs_run << " epochs (best "
      << run.best_epoch << ")\n";
  const bool int8 = !run.test.int8_predicted.empty();
  out << "test accuracy (" << run.test.windows.size() << " windows): float "
      << Percent(run.test.float_metrics.accuracy);
  if (int8) {
    out << ", int8 " << Percent(run.test.int8_metrics.accuracy) << ", agreement "
        << Percent(run.test.agreement);
  }
  out << "\n";
  const RecordingScores& by_recording = run.test.per_recording;
  out << "test accuracy per recording (" << by_recording.recordings.size()
      << " recordings; mean probability / majority vote";
  if (by_recording.unscored > 0) out << "; " << by_recording.unscored << " without a window, counted as misses";
  out << "): float " << Percent(by_recording.float_accuracy);
  if (int8) out << ", int8 " << Percent(by_recording.int8_accuracy);
  out << "\n";
  const double model = int8 ? by_recording.int8_accuracy : by_recording.float_accuracy;
  if (run.baseline.reference_windows > 0) {
    out << "baseline, 1-NN on raw windows: " << Percent(run.baseline.window_accuracy) << " per window, "
        << Percent(run.baseline.per_recording.float_accuracy) << " per recording"
        << (model < run.baseline.per_recording.float_accuracy ? " (above the model: it learned less than a lookup)"
                                                              : "")
        << "\n";
  }
  if (run.dtw_baseline.computed) {
    out << "baseline, 1-NN by DTW of whole recordings: " << Percent(run.dtw_baseline.accuracy) << " per recording"
        << (model < run.dtw_baseline.accuracy ? " (above the model)" : "") << "\n";
  }
  if (!run.short_recordings.empty()) {
    out << run.short_recordings.size() << " recordings shorter than one window, "
        << (run.short_recordings.front().padded ? "padded to one" : "skipped") << "\n";
  }

  const Metrics& shown = int8 ? run.test.int8_metrics : run.test.float_metrics;
  out << "test confusion (" << (int8 ? "int8" : "float")
      << "; rows = true, columns = predicted):\n";
  size_t width = 6;
  for (const std::string& l : m.labels) width = std::max(width, l.size());
  const auto pad = [&](const std::string& s) {
    return s + std::string(width + 2 > s.size() ? width + 2 - s.size() : 1, ' ');
  };
  out << "  " << pad("");
  for (const std::string& l : m.labels) out << pad(l);
  out << "recall\n";
  for (size_t t = 0; t < m.labels.size(); ++t) {
    out << "  " << pad(m.labels[t]);
    for (size_t p = 0; p < m.labels.size(); ++p)
      out << pad(std::to_string(shown.confusion.at(t, p)));
    out << Percent(shown.per_class[t].recall) << "\n";
  }
  out << "  " << pad("precision");
  for (size_t p = 0; p < m.labels.size(); ++p) out << pad(Percent(shown.per_class[p].precision));
  out << "\n";
  if (!run.unlabelled.empty()) {
    out << run.unlabelled.size()
        << " unlabelled recordings (no known class; classified, not scored):\n";
    for (const UnlabelledResult& u : run.unlabelled) {
      const Recording& r = dataset.recordings[u.recording];
      out << "  " << std::filesystem::path(r.source).filename().string() << ": ";
      if (u.float_predicted < 0) {
        out << "shorter than one window, not classified\n";
        continue;
      }
      out << m.labels[static_cast<size_t>(u.float_predicted)] << " ("
          << Percent(static_cast<double>(u.float_confidence)) << " confidence, " << u.windows << " window"
          << (u.windows == 1 ? "" : "s");
      if (u.int8_predicted >= 0) out << "; int8 " << m.labels[static_cast<size_t>(u.int8_predicted)];
      out << ")\n";
    }
  }
  return out.str();
}

}  // namespace lwcl::train
