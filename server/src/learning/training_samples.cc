#include "server/training_samples.h"

#include <cstring>
#include <map>
#include <variant>

namespace lwcl::server {

namespace {

struct Partial {
  store::TrainingSampleRecord row;
  bool has_features = false;
  bool bad_features = false;
};

void Take(const lwm2m::Record& r, Partial* p) {
  switch (r.path.resource()) {
    case 0:
      if (const auto* t = std::get_if<lwm2m::Time>(&r.value)) p->row.taken_ms = t->seconds * 1000;
      if (const auto* i = std::get_if<int64_t>(&r.value)) p->row.taken_ms = *i * 1000;
      break;
    case 1:
      if (const auto* s = std::get_if<std::string>(&r.value)) p->row.predicted = *s;
      break;
    case 2:
      if (const auto* d = std::get_if<double>(&r.value)) p->row.confidence = *d;
      break;
    case 3:
      if (const auto* d = std::get_if<double>(&r.value)) p->row.drift = *d;
      break;
    case 4:
      if (const auto* s = std::get_if<std::string>(&r.value)) p->row.label = *s;
      break;
    case 5:
      if (const auto* o = std::get_if<lwm2m::Opaque>(&r.value)) {
        p->has_features = true;
        p->bad_features = o->empty() || o->size() % 4 != 0;
        p->row.features = *o;
      }
      break;
    default:
      break;
  }
}

}  // namespace

SplitSend SplitTrainingSamples(const std::string& endpoint, const std::vector<lwm2m::Record>& records,
                               store::TimeMs received_ms, const std::string& model) {
  SplitSend out;
  std::map<uint16_t, Partial> by_instance;
  for (const lwm2m::Record& r : records) {
    if (r.path.depth < 1 || r.path.object() != kTrainingSampleObject) {
      out.values.push_back(r);
      continue;
    }
    if (r.path.depth < 3) continue;  // nothing to take from a bare instance
    Take(r, &by_instance[r.path.instance()]);
  }
  for (auto& [iid, p] : by_instance) {
    const std::string name = "/33652/" + std::to_string(iid);
    if (!p.has_features) {
      out.refused.push_back(name + ": no Features (/5)");
      continue;
    }
    if (p.bad_features) {
      out.refused.push_back(name + ": Features of " + std::to_string(p.row.features.size()) +
                            " bytes are not float32s");
      continue;
    }
    p.row.endpoint = endpoint;
    p.row.instance = iid;
    p.row.received_ms = received_ms;
    p.row.model = model;
    if (!p.row.label.empty()) p.row.labelled_by = "device";
    out.samples.push_back(std::move(p.row));
  }
  return out;
}

std::vector<float> DecodeFeatures(const store::Bytes& bytes) {
  if (bytes.size() % 4 != 0) return {};
  std::vector<float> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t bits = 0;
    for (size_t b = 0; b < 4; ++b) bits |= static_cast<uint32_t>(bytes[i * 4 + b]) << (8 * b);
    std::memcpy(&out[i], &bits, 4);
  }
  return out;
}

}  // namespace lwcl::server
