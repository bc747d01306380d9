// Fuzzes the server's Send intake past the codec: a payload in the format
// its first byte picks (SenML CBOR, SenML JSON or LwM2M CBOR, as /dp takes),
// decoded with the bundled object definitions, split into Training Samples
// (/33652) and time-series values, and every sample's features decoded.
// Checks what training_samples.h promises: nothing lost or invented, only
// whole float32 feature vectors become samples.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "lwm2m/bundled_objects.h"
#include "lwm2m/content_format.h"
#include "lwm2m/object_registry.h"
#include "server/training_samples.h"

namespace {

const lwcl::lwm2m::ObjectRegistry& Objects() {
  static const lwcl::lwm2m::ObjectRegistry* objects = [] {
    auto* r = new lwcl::lwm2m::ObjectRegistry();
    for (std::string_view ddf : lwcl::lwm2m::BundledDdfs()) (void)r->AddDdf(ddf);
    return r;
  }();
  return *objects;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  using lwcl::lwm2m::ContentFormat;
  static constexpr ContentFormat kFormats[] = {ContentFormat::kSenmlCbor, ContentFormat::kSenmlJson,
                                               ContentFormat::kLwm2mCbor};
  std::vector<lwcl::lwm2m::Record> records;
  if (lwcl::lwm2m::Decode(kFormats[data[0] % 3], {data + 1, size - 1}, lwcl::lwm2m::Path::Root(),
                          Objects().Resolver(), &records)) {
    return 0;
  }
  const lwcl::server::SplitSend split = lwcl::server::SplitTrainingSamples("ep", records, 1, "m 1");
  size_t sample_records = 0;
  for (const lwcl::lwm2m::Record& r : records) {
    sample_records += r.path.depth >= 1 && r.path.object() == lwcl::server::kTrainingSampleObject;
  }
  if (split.values.size() + sample_records != records.size()) std::abort();  // every value is one or the other
  for (const lwcl::store::TrainingSampleRecord& s : split.samples) {
    if (s.features.empty() || s.features.size() % 4 != 0) std::abort();
    if (lwcl::server::DecodeFeatures(s.features).size() != s.features.size() / 4) std::abort();
    if (s.endpoint != "ep" || s.received_ms != 1) std::abort();
  }
  return 0;
}
