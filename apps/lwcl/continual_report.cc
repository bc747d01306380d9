// The continual-learning benchmark's reports (continual_report.h).
#include "continual_report.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace lwcl::apps {
namespace {

constexpr size_t kRollingWindows = 40;  // the plot's moving average, in windows

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The dataset path goes into the page as text.
std::string Escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

double MicrosPerStep(const MethodRun& run) {
  return run.sgd_steps == 0 ? 0.0 : run.adapt_seconds * 1e6 / static_cast<double>(run.sgd_steps);
}

nlohmann::json MethodJson(const ContinualScenario& sc, const MethodRun& run, const std::string& new_class) {
  nlohmann::json spent = nlohmann::json::object();
  for (size_t c = 0; c < run.labels.size(); ++c) spent[run.labels[c]] = run.labels_spent[c];
  nlohmann::json j = {
      {"method", std::string(ContinualMethodName(run.method))},
      {"accuracy_phase1", run.phase[0].accuracy()},
      {"accuracy_adapting", run.phase[1].accuracy()},
      {"accuracy_after", run.phase[2].accuracy()},
      {"recovery", Recovery(sc, run)},
      {"windows", {run.phase[0].windows, run.phase[1].windows, run.phase[2].windows}},
      {"labels_spent", spent},
      {"labels_total", run.TotalLabels()},
      {"adaptations", run.adaptations},
      {"learner_ram_bytes", run.learner_ram_bytes},
      {"adapt_ms_total", run.adapt_seconds * 1e3},
      {"sgd_steps", run.sgd_steps},
      {"us_per_step", MicrosPerStep(run)},
      {"drift_score_max", run.drift_score_max},
      {"gravity_gain", run.gravity_gain},
  };
  if (run.validation_accuracy >= 0.0) j["validation_accuracy"] = run.validation_accuracy;
  nlohmann::json per_class = nlohmann::json::object();
  for (const auto& [label, score] : run.judged_per_class) per_class[label] = score.accuracy();
  j["accuracy_after_per_class"] = per_class;
  if (!new_class.empty()) {
    const auto it = run.judged_per_class.find(new_class);
    j["new_class_accuracy"] = it == run.judged_per_class.end() ? 0.0 : it->second.accuracy();
    j["old_classes_accuracy"] = AccuracyWithout(run.judged_per_class, new_class);
  }
  return j;
}

// Rolling accuracy of `run` as an SVG polyline's points.
std::string Polyline(const MethodRun& run, double width, double height) {
  std::string points;
  const size_t n = run.correct.size();
  size_t right = 0;
  for (size_t i = 0; i < n; ++i) {
    right += run.correct[i];
    if (i >= kRollingWindows) right -= run.correct[i - kRollingWindows];
    const double acc = static_cast<double>(right) / static_cast<double>(std::min(i + 1, kRollingWindows));
    const double x = width * static_cast<double>(i) / static_cast<double>(std::max<size_t>(n - 1, 1));
    points += Fixed(x, 1) + "," + Fixed(height * (1.0 - acc), 1) + " ";
  }
  return points;
}

std::string_view Colour(ContinualMethod m) {
  switch (m) {
    case ContinualMethod::kStatic:
      return "#888";
    case ContinualMethod::kRenormalization:
      return "#1f77b4";
    case ContinualMethod::kFineTuning:
      return "#e6550d";
  }
  return "#000";
}

std::string Plot(const ContinualScenario& sc) {
  if (sc.methods.empty() || sc.methods.front().correct.empty()) return "<p>No window was classified.</p>";
  constexpr double kW = 760, kH = 220;
  std::string svg = "<svg viewBox='-40 -10 " + Fixed(kW + 60, 0) + " " + Fixed(kH + 40, 0) +
                    "' width='820' role='img'><rect x='0' y='0' width='" + Fixed(kW, 0) + "' height='" +
                    Fixed(kH, 0) + "' fill='#fafafa' stroke='#ccc'/>";
  for (int pct : {0, 50, 90, 100}) {
    const std::string y = Fixed(kH * (1.0 - pct / 100.0), 1);
    svg += "<line x1='0' x2='" + Fixed(kW, 0) + "' y1='" + y + "' y2='" + y + "' stroke='#eee'/><text x='-36' y='" +
           y + "' font-size='11'>" + std::to_string(pct) + "%</text>";
  }
  const MethodRun& first = sc.methods.front();
  const double n = static_cast<double>(std::max<size_t>(first.correct.size() - 1, 1));
  const char* names[3] = {"before drift", "drifted: adapting", "drifted: judged"};
  for (size_t p = 0; p < 3; ++p) {
    const std::string x = Fixed(kW * static_cast<double>(first.phase_start[p]) / n, 1);
    svg += "<line x1='" + x + "' x2='" + x + "' y1='0' y2='" + Fixed(kH, 0) +
           "' stroke='#444' stroke-dasharray='4 3'/><text x='" + x + "' y='" + Fixed(kH + 16, 0) +
           "' font-size='11'>&#160;" + names[p] + "</text>";
  }
  for (const MethodRun& run : sc.methods) {
    svg += "<polyline fill='none' stroke-width='1.5' stroke='" + std::string(Colour(run.method)) + "' points='" +
           Polyline(run, kW, kH) + "'/>";
  }
  return svg + "</svg>";
}

}  // namespace

double AccuracyWithout(const std::map<std::string, PhaseScore>& per_class, const std::string& left_out) {
  PhaseScore all;
  for (const auto& [label, score] : per_class) {
    if (label == left_out) continue;
    all.windows += score.windows;
    all.right += score.right;
  }
  return all.accuracy();
}

double Recovery(const ContinualScenario& scenario, const MethodRun& run) {
  const double before = scenario.judged_clean.accuracy();
  return before == 0.0 ? 0.0 : run.phase[2].accuracy() / before;
}

nlohmann::json ContinualReportJson(const ContinualReport& r) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (const ContinualScenario& sc : r.scenarios) {
    nlohmann::json methods = nlohmann::json::array();
    for (const MethodRun& run : sc.methods) methods.push_back(MethodJson(sc, run, r.new_class));
    nlohmann::json j = {{"drift", sc.drift},
                        {"pre_drift_accuracy", sc.judged_clean.accuracy()},
                        {"judged_windows", sc.judged_clean.windows},
                        {"methods", methods}};
    if (!r.new_class.empty()) {
      j["new_class"] = r.new_class;
      j["old_classes_pre_drift_accuracy"] = AccuracyWithout(sc.judged_clean_per_class, r.new_class);
    }
    scenarios.push_back(j);
  }
  const ContinualOptions& o = r.options;
  return {{"dataset", r.dataset},
          {"classes", r.classes},
          {"seed", r.seed},
          {"recordings", {{"train", r.train_recordings}, {"stream", r.stream_recordings}, {"too_short", r.too_short}}},
          {"stream_from", r.stream_from},
          {"model", {{"package_bytes", r.package_bytes}, {"test_accuracy_int8", r.train_test_accuracy}}},
          {"options",
           {{"labels_per_class", o.labels_per_class},
            {"label_gap", o.label_gap},
            {"adapt_every", o.adapt_every},
            {"buffer_windows", o.buffer_windows},
            {"replay_windows", o.detector.replay_windows},
            {"tune_windows", o.detector.tune_windows},
            {"learning_rate", o.tune.learning_rate},
            {"epochs", o.tune.epochs},
            {"drift_threshold", o.drift_threshold},
            {"renorm_collect_windows", o.renorm_collect_windows}}},
          {"scenarios", scenarios}};
}

std::string ContinualReportText(const ContinualReport& r) {
  std::string out;
  for (const ContinualScenario& sc : r.scenarios) {
    out += "drift " + sc.drift + ": pre-drift accuracy " + Fixed(100.0 * sc.judged_clean.accuracy(), 1) + "% (" +
           std::to_string(sc.judged_clean.windows) + " judged windows)\n";
    out += "  method    before  adapting  after   recovery  labels  adaptations  learner RAM  us/step\n";
    for (const MethodRun& run : sc.methods) {
      char line[200];
      std::snprintf(line, sizeof line, "  %-8s  %5.1f%%  %6.1f%%   %5.1f%%  %6.1f%%   %6zu  %11zu  %9zu B  %7.3f\n",
                    std::string(ContinualMethodName(run.method)).c_str(), 100.0 * run.phase[0].accuracy(),
                    100.0 * run.phase[1].accuracy(), 100.0 * run.phase[2].accuracy(), 100.0 * Recovery(sc, run),
                    run.TotalLabels(), run.adaptations, run.learner_ram_bytes, MicrosPerStep(run));
      out += line;
    }
    if (r.new_class.empty()) continue;
    out += "  new pattern " + r.new_class + " (old classes before the drift: " +
           Fixed(100.0 * AccuracyWithout(sc.judged_clean_per_class, r.new_class), 1) + "%):";
    for (const MethodRun& run : sc.methods) {
      const auto it = run.judged_per_class.find(r.new_class);
      out += " " + std::string(ContinualMethodName(run.method)) + " " +
             Fixed(100.0 * (it == run.judged_per_class.end() ? 0.0 : it->second.accuracy()), 1) + "% (old " +
             Fixed(100.0 * AccuracyWithout(run.judged_per_class, r.new_class), 1) + "%)";
    }
    out += "\n";
  }
  return out;
}

std::string ContinualReportHtml(const ContinualReport& r) {
  std::string html =
      "<!doctype html><html><head><meta charset='utf-8'><title>LwCL continual learning: " + Escaped(r.dataset) +
      "</title><style>body{font:14px sans-serif;margin:2em;max-width:900px}table{border-collapse:collapse}"
      "td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #ddd}th:first-child,td:first-child"
      "{text-align:left}</style></head><body><h1>Continual learning on " +
      Escaped(r.dataset) + "</h1><p>" + std::to_string(r.train_recordings) + " recordings trained the model (int8 test accuracy " +
      Fixed(100.0 * r.train_test_accuracy, 1) + "%); " + std::to_string(r.stream_recordings) +
      " recordings (" + r.stream_from +
      ") play as the stream, each cut in time into thirds: before the drift, drifted while the method adapts, "
      "drifted while it is judged. Every window is classified before anything learns from it. Lines: rolling "
      "accuracy over " + std::to_string(kRollingWindows) +
      " windows; <span style='color:#888'>static</span>, <span style='color:#1f77b4'>renorm</span>, "
      "<span style='color:#e6550d'>finetune</span>.</p>";
  for (const ContinualScenario& sc : r.scenarios) {
    html += "<h2>Drift <code>" + sc.drift + "</code></h2><p>Pre-drift accuracy on the judged windows: " +
            Fixed(100.0 * sc.judged_clean.accuracy(), 1) + "%</p>" + Plot(sc) +
            "<table><tr><th>method</th><th>before</th><th>adapting</th><th>after</th><th>recovery</th>"
            "<th>labels</th><th>adaptations</th><th>learner RAM</th><th>µs/step</th></tr>";
    for (const MethodRun& run : sc.methods) {
      html += "<tr><td>" + std::string(ContinualMethodName(run.method)) + "</td><td>" +
              Fixed(100.0 * run.phase[0].accuracy(), 1) + "%</td><td>" + Fixed(100.0 * run.phase[1].accuracy(), 1) +
              "%</td><td>" + Fixed(100.0 * run.phase[2].accuracy(), 1) + "%</td><td>" +
              Fixed(100.0 * Recovery(sc, run), 1) + "%</td><td>" + std::to_string(run.TotalLabels()) + "</td><td>" +
              std::to_string(run.adaptations) + "</td><td>" + std::to_string(run.learner_ram_bytes) + " B</td><td>" +
              Fixed(MicrosPerStep(run), 3) + "</td></tr>";
    }
    html += "</table>";
  }
  return html + "</body></html>\n";
}

}  // namespace lwcl::apps
