#include "html_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>

#include "train/html_report.h"

namespace lwcl::train::html {
std::string Fmt(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (n < 0) return {};
  return std::string(buffer, std::min(static_cast<size_t>(n), sizeof buffer - 1));
}

std::string Percent(double fraction, int decimals) {
  return Fmt("%.*f%%", decimals, fraction * 100.0);
}

namespace {

// Short tick labels: no trailing zeros, at most 4 significant digits.
std::string TickLabel(double v) {
  if (std::abs(v) < 1e-12) return "0";
  return Fmt("%.4g", v);
}

// Round numbers covering [lo, hi], about `target` of them.
std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

// Linear-interpolated quantile of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(pos));
  const size_t j = std::min(i + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(i);
  return sorted[i] + (sorted[j] - sorted[i]) * frac;
}


// A chart's plotting area and the data range mapped onto it.
struct Frame {
  double width = 640, height = 280;
  double left = 64, right = 16, top = 34, bottom = 46;
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;

  double X(double v) const { return left + (v - x_lo) / (x_hi - x_lo) * (width - left - right); }
  double Y(double v) const {
    return height - bottom - (v - y_lo) / (y_hi - y_lo) * (height - top - bottom);
  }
};

std::string SvgOpen(const Frame& f, const std::string& title) {
  return Fmt("<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
             "role=\"img\">",
             f.width, f.height, f.width, f.height) +
         "<title>" + HtmlEscape(title) + "</title>" +
         Fmt("<text x=\"%.1f\" y=\"20\" class=\"title\">", f.left) + HtmlEscape(title) + "</text>";
}

// Axis lines, grid, ticks and axis titles. `x_ticks`/`y_ticks` give the tick
// values; y labels go through `y_label` so percentages can be shown as such.
std::string SvgAxes(const Frame& f, const std::vector<double>& x_ticks,
                    const std::vector<double>& y_ticks, const std::string& x_title,
                    const std::string& y_title, bool y_percent) {
  std::string s;
  const double x0 = f.left, x1 = f.width - f.right;
  const double y0 = f.height - f.bottom, y1 = f.top;
  for (double t : y_ticks) {
    const double y = f.Y(t);
    s +=
        Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", x0, y, x1, y);
    s += Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", x0 - 6, y + 4) +
         (y_percent ? Percent(t, 0) : TickLabel(t)) + "</text>";
  }
  for (double t : x_ticks) {
    const double x = f.X(t);
    s += Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>", x, y0, x,
             y0 + 5);
    s += Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">", x, y0 + 18) +
         TickLabel(t) + "</text>";
  }
  s +=
      Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>", x0, y0, x1, y0);
  s +=
      Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>", x0, y0, x0, y1);
  s += Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"axis-title\" text-anchor=\"middle\">",
           (x0 + x1) / 2, f.height - 8) +
       HtmlEscape(x_title) + "</text>";
  s += Fmt("<text transform=\"translate(14 %.1f) rotate(-90)\" class=\"axis-title\" "
           "text-anchor=\"middle\">",
           (y0 + y1) / 2) +
       HtmlEscape(y_title) + "</text>";
  return s;
}

}  // namespace

// Colour-blind-friendly palette (Okabe-Ito), cycled for many classes.
const char* ClassColor(size_t c) {
  static const char* const kColors[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                        "#56B4E9", "#D55E00", "#F0E442", "#000000"};
  return kColors[c % (sizeof kColors / sizeof kColors[0])];
}

std::string LearningCurveSvg(const std::string& title, const std::string& y_title,
                             const std::vector<Series>& series, int best_epoch, bool percent) {
  Frame f;
  size_t epochs = 0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Series& s : series) {
    epochs = std::max(epochs, s.values.size());
    for (double v : s.values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (epochs == 0 || !std::isfinite(lo)) {
    return SvgOpen(f, title) +
           Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">no epochs recorded</text>", f.left,
               f.height / 2) +
           "</svg>";
  }
  f.x_lo = 1;
  f.x_hi = std::max<double>(2, static_cast<double>(epochs));
  if (percent) {
    f.y_lo = std::max(0.0, std::floor(lo * 10.0) / 10.0);
    f.y_hi = 1.0;
    if (f.y_hi - f.y_lo < 0.1) f.y_lo = 0.9;
  } else {
    f.y_lo = 0.0;
    f.y_hi = hi > 0 ? hi * 1.08 : 1.0;
  }
  std::string s = SvgOpen(f, title);
  s += SvgAxes(f, NiceTicks(f.x_lo, f.x_hi, 8), NiceTicks(f.y_lo, f.y_hi, 5), "epoch", y_title,
               percent);
  if (best_epoch >= 1) {
    const double x = f.X(best_epoch);
    s += Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"best\"/>", x, f.top, x,
             f.height - f.bottom);
    s += Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">best epoch %d</text>", x + 4, f.top + 12,
             best_epoch);
  }
  double legend_y = f.top;
  for (const Series& se : series) {
    std::string points;
    for (size_t i = 0; i < se.values.size(); ++i) {
      const double v = se.values[i];
      if (!std::isfinite(v)) continue;
      points += Fmt("%.1f,%.1f ", f.X(static_cast<double>(i + 1)), f.Y(v));
    }
    s += Fmt("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", se.color,
             se.dashed ? " stroke-dasharray=\"6 3\"" : "") +
         points + "\"/>";
    if (se.values.size() == 1) {
      s += Fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", f.X(1), f.Y(se.values[0]),
               se.color);
    }
    const double lx = f.width - f.right - 150;
    s +=
        Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2\"%s/>",
            lx, legend_y + 8, lx + 22, legend_y + 8, se.color,
            se.dashed ? " stroke-dasharray=\"6 3\"" : "");
    s += Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">", lx + 28, legend_y + 12) +
         HtmlEscape(se.name) + "</text>";
    legend_y += 16;
  }
  return s + "</svg>";
}

// One horizontal box per class: whiskers at the 5th and 95th percentiles, box
// from the first to the third quartile, a bar at the median.
std::string BoxPlotSvg(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<std::vector<double>>& per_class) {
  Frame f;
  f.left = 110;
  const double row = 26;
  f.height = f.top + f.bottom + row * static_cast<double>(std::max<size_t>(labels.size(), 1));
  struct Box {
    double p05, q1, median, q3, p95;
    size_t n;
  };
  std::vector<Box> boxes;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const std::vector<double>& values : per_class) {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    Box b{Quantile(sorted, 0.05), Quantile(sorted, 0.25), Quantile(sorted, 0.5),
          Quantile(sorted, 0.75), Quantile(sorted, 0.95), sorted.size()};
    if (b.n > 0) {
      lo = std::min(lo, b.p05);
      hi = std::max(hi, b.p95);
    }
    boxes.push_back(b);
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::abs(lo) * 0.1, 1e-3);
  f.x_lo = lo - pad;
  f.x_hi = hi + pad;
  f.y_lo = 0;
  f.y_hi = static_cast<double>(std::max<size_t>(labels.size(), 1));
  std::string s = SvgOpen(f, title);
  s += SvgAxes(f, NiceTicks(f.x_lo, f.x_hi, 6), {}, "feature value (training windows)", "", false);
  for (size_t c = 0; c < labels.size() && c < boxes.size(); ++c) {
    const Box& b = boxes[c];
    const double yc = f.top + row * (static_cast<double>(c) + 0.5);
    s +=
        Fmt("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", f.left - 8, yc + 4) +
        HtmlEscape(labels[c]) + "</text>";
    if (b.n == 0) continue;
    const char* color = ClassColor(c);
    s += Fmt("<g><title>%zu windows: p5 %.4g, q1 %.4g, median %.4g, q3 %.4g, p95 %.4g</title>", b.n,
             b.p05, b.q1, b.median, b.q3, b.p95);
    s += Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", f.X(b.p05),
             yc, f.X(b.p95), yc, color);
    for (double w : {b.p05, b.p95}) {
      s += Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", f.X(w),
               yc - 5, f.X(w), yc + 5, color);
    }
    s +=
        Fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
            "fill-opacity=\"0.35\" stroke=\"%s\"/>",
            f.X(b.q1), yc - 8, std::max(1.0, f.X(b.q3) - f.X(b.q1)), 16.0, color, color);
    s +=
        Fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2.5\"/></g>",
            f.X(b.median), yc - 8, f.X(b.median), yc + 8, color);
  }
  return s + "</svg>";
}

}  // namespace lwcl::train::html
