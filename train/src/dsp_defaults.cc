#include "train/dsp_defaults.h"

#include <string>

#include "train/dataset.h"
#include "train/feature_extraction.h"

namespace lwcl::train {

tinyml::SpectralConfig SpectralConfigFor(float rate_hz, size_t axes, size_t window_samples,
                                         uint16_t fft_length) {
  if (axes < 1 || axes > tinyml::kMaxAxes) {
    throw DatasetError(std::to_string(axes) + " axes selected; a model takes 1.." +
                       std::to_string(tinyml::kMaxAxes) + " (choose them with --axes)");
  }
  if (window_samples < 2 || window_samples > 65535) {
    throw DatasetError("a window of " + std::to_string(window_samples) +
                       " samples does not fit a model (2..65535)");
  }
  tinyml::SpectralConfig c = DefaultMotionConfig();
  c.axes = static_cast<uint8_t>(axes);
  c.sample_rate_hz = rate_hz;
  c.window_samples = static_cast<uint16_t>(window_samples);
  if (fft_length == 0) {
    fft_length = kDefaultFftLength;
    while (fft_length > 16 && fft_length > window_samples) fft_length /= 2;
  }
  c.fft_length = fft_length;
  return c;
}

}  // namespace lwcl::train
