// Dataset: labelled accelerometer recordings as plain host data.
//
// A Recording is one continuous capture (one file): its samples are stored
// interleaved as [sample][axis] floats, always in g for accelerometers, so
// every loader normalises units once and nothing downstream has to ask. A
// Dataset is the recordings plus the label list; a recording's class is its
// index in `labels`. Loaders (CSV, Edge Impulse JSON/CBOR, LwCL recordings)
// all produce this one shape, and windowing, splitting and training only ever
// see it. Axes that are not accelerometers (a gyroscope) keep their own units.
#ifndef LWCL_TRAIN_DATASET_H_
#define LWCL_TRAIN_DATASET_H_

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lwcl::train {

struct Recording {
  std::string source;             // where it came from (file path), for messages
  std::string label;              // class name; empty when unlabelled
  float sample_rate_hz = 0.0f;    // samples per second
  std::vector<std::string> axes;  // axis names, e.g. {"x", "y", "z"}
  std::vector<float> samples;     // [sample][axis], in g
  // Units of each axis after loading: "g" for accelerometers, anything else
  // (a gyroscope's "dps" or Edge Impulse's "N/A") as the source said. Empty
  // means every axis is in g.
  std::vector<std::string> axis_units;
  // The source's own split, when it has one: "training" or "testing" (Edge
  // Impulse categories); empty when the source does not say.
  std::string category;

  size_t SampleCount() const { return axes.empty() ? 0 : samples.size() / axes.size(); }
};

struct Dataset {
  std::vector<std::string> labels;  // sorted, unique; index = class id
  std::vector<Recording> recordings;

  // Class id of `label`, or -1 when it is not in `labels`.
  int LabelIndex(std::string_view label) const;
  // Recordings per class, indexed like `labels`.
  std::vector<size_t> RecordingsPerClass() const;
  // Indices of recordings with no class in `labels` (unlabelled clips): they
  // are classified and listed, never scored.
  std::vector<size_t> UnlabelledRecordings() const;
};

// Thrown by loaders for unreadable or malformed input. The message always
// names the file (and the line, when there is one) so a user can fix it.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DATASET_H_
