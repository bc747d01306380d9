// Training samples from a device's Send: the /33652 Training Sample records
// (docs/objects.md) grouped by instance into the store's rows, apart from
// the values that go to the time series.
//
// It promises: an instance becomes a sample only with its Features (/5) as
// whole little-endian float32s; one without them, or with a byte count that
// is not a multiple of 4, is refused by name and kept out of both lists (its
// opaque bytes are no time series). A sample that arrives with an Assigned
// Label (/4) is stored labelled, by "device".
#ifndef LWCL_SERVER_TRAINING_SAMPLES_H_
#define LWCL_SERVER_TRAINING_SAMPLES_H_

#include <string>
#include <vector>

#include "lwm2m/value.h"
#include "store/records.h"

namespace lwcl::server {

inline constexpr uint16_t kTrainingSampleObject = 33652;

struct SplitSend {
  std::vector<store::TrainingSampleRecord> samples;
  std::vector<lwm2m::Record> values;  // everything that is not /33652
  std::vector<std::string> refused;   // "/33652/7: no Features", ...
};

// `model` is what the device runs ("name version"), stamped on each sample.
SplitSend SplitTrainingSamples(const std::string& endpoint, const std::vector<lwm2m::Record>& records,
                               store::TimeMs received_ms, const std::string& model);

// A sample's Features as floats (empty when the byte count is not a multiple of 4).
std::vector<float> DecodeFeatures(const store::Bytes& bytes);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_TRAINING_SAMPLES_H_
