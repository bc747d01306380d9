// Replay source: plays accelerometer samples held in memory as a
// SensorSource, so a virtual device can run on a real recording exactly as
// on the simulator.
//
// It knows nothing of files (device/ may not use train/): the caller loads a
// recording and hands over its samples. From a train::Recording `rec` whose
// accelerometer axes are columns ax, ay, az of its interleaved samples:
//
//   ReplaySource source(
//       SamplesFromInterleaved(rec.samples, rec.axes.size(), {ax, ay, az}),
//       rec.sample_rate_hz, rec.label, loop);
//
// (rec.samples are already in g, as Sample wants). Several recordings can be
// concatenated into one source with a label per sample.
//
// Promises: samples come out in the order given, one per Next; at the end
// Next returns false for good unless looping, which starts again from the
// first sample (forever; an empty source never yields anything). truth() is
// the label of the sample last returned (the recording's label, or its own
// per-sample label), empty before the first sample and after the end.
#ifndef LWCL_DEVICE_REPLAY_SOURCE_H_
#define LWCL_DEVICE_REPLAY_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "device/sensor_source.h"

namespace lwcl::device {

// Samples from interleaved values, `stride` values per sample, taking
// columns[0..2] as x, y, z. Throws std::invalid_argument when a column is
// not below `stride` or values.size() is not a multiple of `stride`.
std::vector<Sample> SamplesFromInterleaved(std::span<const float> values, size_t stride,
                                           std::array<size_t, 3> columns = {0, 1, 2});

class ReplaySource : public SensorSource {
 public:
  // One label for the whole recording (may be empty: unlabelled).
  // Throws std::invalid_argument when rate_hz is not a positive finite number.
  ReplaySource(std::vector<Sample> samples, float rate_hz, std::string label, bool loop = false);
  // One label per sample; throws std::invalid_argument when the counts
  // differ or the rate is bad.
  ReplaySource(std::vector<Sample> samples, float rate_hz, const std::vector<std::string>& labels,
               bool loop = false);

  float rate_hz() const override { return rate_hz_; }
  bool Next(Sample* out) override;
  std::string_view truth() const override;

  size_t size() const { return samples_.size(); }
  // Index of the next sample to play (0..size()).
  size_t position() const { return next_; }
  // Times playback wrapped around to the start.
  uint64_t loops() const { return loops_; }
  bool ended() const { return ended_; }
  // Plays again from the first sample (also after the end).
  void Rewind();

 private:
  // Consecutive samples sharing a label, so per-sample labels cost one
  // string per change, not per sample.
  struct LabelRun {
    size_t begin;
    std::string label;
  };

  std::vector<Sample> samples_;
  float rate_hz_;
  std::vector<LabelRun> runs_;  // sorted by begin; runs_[0].begin == 0 when not empty
  bool loop_;
  size_t next_ = 0;
  size_t current_ = 0;  // index of the sample last returned
  bool started_ = false;
  bool ended_ = false;
  uint64_t loops_ = 0;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_REPLAY_SOURCE_H_
