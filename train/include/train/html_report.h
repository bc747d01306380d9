// HTML training report: a TrainingRun as one page a person can open in any
// browser, offline, and understand why the model is as good as it is.
//
// The page is self-contained: inline CSS, charts drawn here as inline SVG, no
// scripts, fonts, images or links to anything outside it, so it can be
// attached to a CI run or mailed as is. It shows the summary (model, labels,
// splits, sizes, float and int8 accuracy, agreement), the test confusion
// matrices of the int8 and the float model (counts and row percentages), the
// learning curves, per-class box plots of the most discriminative training
// features, and per-recording test accuracy. Every string that comes from
// data (labels, file paths, model name) is HTML-escaped.
#ifndef LWCL_TRAIN_HTML_REPORT_H_
#define LWCL_TRAIN_HTML_REPORT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tinyml/dsp/spectral_config.h"
#include "train/dataset.h"
#include "train/training_run.h"

namespace lwcl::train {

// Box plots are drawn for at most this many features (the highest Fisher
// scores on the training split); every feature when there are fewer.
inline constexpr size_t kHtmlReportMaxFeatures = 12;

std::string TrainingReportHtml(const Dataset& dataset, const TrainingOptions& options,
                               const TrainingRun& run);

// `text` with &, <, >, " and ' replaced by entities: safe in element content
// and in quoted attribute values.
std::string HtmlEscape(std::string_view text);

// A readable name for every feature the spectral block computes, in feature
// order: "<axis> rms", "<axis> skewness", "<axis> kurtosis", "<axis> spectral
// skewness", "<axis> spectral kurtosis", then "<axis> <f> Hz" per bin (the
// bin's centre frequency at the decimated rate). `axis_names` may be shorter
// than config.axes (missing ones are called axis0, axis1, ...). Empty when
// the configuration is invalid.
std::vector<std::string> SpectralFeatureNames(const tinyml::SpectralConfig& config,
                                              const std::vector<std::string>& axis_names);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_HTML_REPORT_H_
