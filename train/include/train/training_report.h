// Training report: a TrainingRun as JSON (for tools, CI and the server) and
// as a short text summary (for a person at a terminal).
//
// JSON shape (stable keys; rows of a confusion matrix are the true class,
// columns the predicted class, both in `labels` order):
//   labels, model{name, version, layers, parameters}, dsp{...}, split{method,
//   seed, train/validation/test{recordings, windows, dropped_windows}},
//   training{epochs_run, best_epoch, best_validation_loss, ...},
//   train/validation/test{float{accuracy, macro_f1, per_class[], confusion},
//   int8{...}, agreement}, confusion{float, int8} (= test's), agreement
//   (= test's), sizes{package_bytes, parameters, int8_weight_bytes,
//   arena_bytes}, seconds{...}.
#ifndef LWCL_TRAIN_TRAINING_REPORT_H_
#define LWCL_TRAIN_TRAINING_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "train/dataset.h"
#include "train/training_run.h"

namespace lwcl::train {

nlohmann::json TrainingReportJson(const Dataset& dataset, const TrainingOptions& options,
                                  const TrainingRun& run);

// A few lines: sizes, accuracies (float, int8, agreement) and the test
// confusion matrix of the int8 model.
std::string TrainingReportText(const Dataset& dataset, const TrainingRun& run);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_TRAINING_REPORT_H_
