// What `lwcl continual` reports: per drift scenario, each method's accuracy
// before the drift, while adapting and after, with the labels, RAM and time
// it spent, as JSON (for scripts and docs/benchmarks.md), as a text table
// (stdout) and as a self-contained HTML page with a plot of rolling accuracy
// over the stream.
#ifndef LWCL_APPS_CONTINUAL_REPORT_H_
#define LWCL_APPS_CONTINUAL_REPORT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "continual_run.h"

namespace lwcl::apps {

struct ContinualScenario {
  std::string drift;             // the spec, as given
  PhaseScore judged_clean;       // phase 3 without the drift, static model
  std::map<std::string, PhaseScore> judged_clean_per_class;
  std::vector<MethodRun> methods;
};

struct ContinualReport {
  std::string dataset;
  std::vector<std::string> classes;
  size_t train_recordings = 0;
  size_t stream_recordings = 0;
  size_t too_short = 0;
  std::string stream_from;  // how the stream recordings were chosen
  std::string new_class;    // the class left out of training, if any
  double train_test_accuracy = 0.0;  // int8, on the training run's test split
  size_t package_bytes = 0;
  ContinualOptions options;
  uint32_t seed = 1;
  std::vector<ContinualScenario> scenarios;
};

// The share of the pre-drift accuracy a method keeps after adapting.
double Recovery(const ContinualScenario& scenario, const MethodRun& run);
// Accuracy over the classes of `per_class` other than `left_out`.
double AccuracyWithout(const std::map<std::string, PhaseScore>& per_class, const std::string& left_out);

nlohmann::json ContinualReportJson(const ContinualReport& report);
std::string ContinualReportText(const ContinualReport& report);
std::string ContinualReportHtml(const ContinualReport& report);

}  // namespace lwcl::apps

#endif  // LWCL_APPS_CONTINUAL_REPORT_H_
