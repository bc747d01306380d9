// The Service's intake of LwM2M Send: values to the time series, Training
// Samples (/33652) to the store, and the answer the device gets — it drops
// uploaded samples only after a 2.04, so a 5.03 here loses nothing.
#include "server/service.h"

#include "service_helpers.h"

#include <sstream>

#include "server/training_samples.h"

namespace lwcl::server {

SendAnswer Service::TakeSend(const std::string& endpoint, const std::vector<lwm2m::Record>& records) {
  const store::TimeMs now = NowMs(lwm2m_->Now());
  bool has_samples = false;
  for (const lwm2m::Record& r : records) has_samples |= r.path.depth >= 1 && r.path.object() == kTrainingSampleObject;
  std::string model;
  if (has_samples && !Backlog()) {
    if (store::Result<store::Device> d = store_->GetDevice(endpoint); d.ok()) model = d->model_version;
  }
  SplitSend split = SplitTrainingSamples(endpoint, records, now, model);
  if (!split.values.empty()) RecordValues(endpoint, split.values);

  SendAnswer answer;
  int64_t added = 0;
  if (!split.samples.empty()) {
    if (Backlog()) {
      answer = {lwm2m::CoapCode::kServiceUnavailable, "the store is away: send the training samples again later"};
    } else if (store::Result<int64_t> n = store_->AddTrainingSamples(split.samples); !n.ok()) {
      StoreFailed(n.status());
      answer = {lwm2m::CoapCode::kServiceUnavailable, "training samples not stored: " + n.status().message()};
    } else {
      StoreSucceeded();
      added = *n;
    }
  } else if (split.values.empty() && !split.refused.empty()) {
    answer = {lwm2m::CoapCode::kBadRequest, split.refused.front()};
  }

  std::ostringstream o;
  o << R"({"values":)" << split.values.size();
  if (has_samples) {
    o << R"(,"samples":)" << split.samples.size() << R"(,"new_samples":)" << added;
    if (!split.refused.empty()) {
      o << R"(,"refused":[)";
      for (size_t i = 0; i < split.refused.size(); ++i) o << (i ? "," : "") << '"' << JsonEscape(split.refused[i]) << '"';
      o << "]";
    }
    if (answer.code != lwm2m::CoapCode::kChanged) {
      o << R"(,"answer":")" << lwm2m::CoapCodeText(answer.code) << R"(","error":")" << JsonEscape(answer.diagnostic)
        << '"';
    }
  }
  o << "}";
  RecordEvent(endpoint, store::event_kind::kSend, o.str());
  return answer;
}

}  // namespace lwcl::server
