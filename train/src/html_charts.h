// HtmlCharts: the training report's inline SVG charts and number formats.
//
// Private to train/src: html_report.cc draws its learning curves and feature
// box plots with these. Every chart is a self-contained <svg> string (no
// script, no external style) that scales with the page; colours come from a
// colour-blind-friendly palette. Text inside is HTML-escaped.
#ifndef LWCL_TRAIN_SRC_HTML_CHARTS_H_
#define LWCL_TRAIN_SRC_HTML_CHARTS_H_

#include <cstddef>
#include <string>
#include <vector>

namespace lwcl::train::html {

// printf into a std::string. Callers pass doubles, never floats, so
// -Wdouble-promotion stays quiet and precision is explicit.
std::string Fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

// 0.1234 -> "12.3%".
std::string Percent(double fraction, int decimals = 1);

// Okabe-Ito palette, cycled for many classes.
const char* ClassColor(size_t c);

// One line of a learning curve.
struct Series {
  std::string name;
  const char* color;
  std::vector<double> values;  // one per epoch, epoch 1 first
  bool dashed = false;
};

// Lines over epochs with a marker at `best_epoch`; `percent` labels the y
// axis in percent.
std::string LearningCurveSvg(const std::string& title, const std::string& y_title,
                             const std::vector<Series>& series, int best_epoch, bool percent);

// One horizontal box per class: whiskers at the 5th and 95th percentiles, box
// from the first to the third quartile, a bar at the median.
std::string BoxPlotSvg(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<std::vector<double>>& per_class);

}  // namespace lwcl::train::html

#endif  // LWCL_TRAIN_SRC_HTML_CHARTS_H_
