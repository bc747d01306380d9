// /api/samples and /api/devices/<ep>/samples: the fleet's training samples
// (the /33652 windows devices sent with Upload Samples), newest first, with
// their features decoded; and labelling one (a person, or an oracle), which
// is an event on the live stream (sample_labelled).
#include <cmath>

#include "rest_context.h"
#include "server/training_samples.h"

namespace lwcl::server::rest {

namespace {

json SampleJson(const store::TrainingSampleRecord& s) {
  json features = json::array();
  for (float f : DecodeFeatures(s.features)) {
    features.push_back(std::isfinite(f) ? json(static_cast<double>(f)) : json(nullptr));
  }
  return json{{"id", s.id},
              {"endpoint", s.endpoint},
              {"instance", s.instance},
              {"taken_ms", s.taken_ms},
              {"received_ms", s.received_ms},
              {"model", s.model},
              {"predicted", s.predicted},
              {"confidence", s.confidence},
              {"drift", s.drift},
              {"label", s.label},
              {"labelled_by", s.labelled_by},
              {"features", std::move(features)}};
}

// ?labelled=true|false, ?before=ID, ?limit=N (1..5000, default 1000); false after a 400.
bool ReadQuery(const httplib::Request& req, httplib::Response& res, store::TrainingSampleQuery* q) {
  if (req.has_param("labelled")) {
    const std::string v = req.get_param_value("labelled");
    if (v != "true" && v != "false") {
      Fail(res, 400, "labelled must be true or false, not '" + v + "'");
      return false;
    }
    q->labelled = v == "true";
  }
  q->before_id = IntParam(req, "before", 0);
  q->limit = IntParam(req, "limit", 1000);
  if (q->limit < 1 || q->limit > 5000) {
    Fail(res, 400, "limit must be 1..5000");
    return false;
  }
  return true;
}

void List(RestReader& reader, const store::TrainingSampleQuery& q, httplib::Response& res) {
  std::lock_guard lock(reader.mutex);
  store::Result<std::vector<store::TrainingSampleRecord>> all = reader.store->QueryTrainingSamples(q);
  if (!all.ok()) return Fail(res, 503, all.status().message());
  json out = json::array();
  for (const store::TrainingSampleRecord& s : *all) out.push_back(SampleJson(s));
  Reply(res, 200, out);
}

}  // namespace

void AddSampleRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  RestReader& reader = ctx.reader;
  Service& service = ctx.service;

  h.Get("/api/samples", [&reader](const httplib::Request& req, httplib::Response& res) {
    store::TrainingSampleQuery q;
    if (req.has_param("endpoint")) q.endpoint = req.get_param_value("endpoint");
    if (ReadQuery(req, res, &q)) List(reader, q, res);
  });
  h.Get(R"(/api/devices/([^/]+)/samples)", [&reader](const httplib::Request& req, httplib::Response& res) {
    store::TrainingSampleQuery q;
    q.endpoint = req.matches[1];
    if (ReadQuery(req, res, &q)) List(reader, q, res);
  });
  h.Put(R"(/api/samples/(\d{1,18})/label)", [&reader, &service](const httplib::Request& req, httplib::Response& res) {
    const int64_t id = std::stoll(req.matches[1]);
    std::optional<json> body = Body(req, res);
    if (!body) return;
    if (!body->contains("label") || !(*body)["label"].is_string()) {
      return Fail(res, 400, R"(the body needs "label": a string (empty to clear it))");
    }
    const std::string label = (*body)["label"];
    if (label.size() > 64) return Fail(res, 400, "a label is at most 64 bytes");
    std::string by = "person";
    if (body->contains("by")) {
      if (!(*body)["by"].is_string() || (*body)["by"].get<std::string>().empty()) {
        return Fail(res, 400, R"("by" must be a non-empty string (who labelled it: person, oracle, ...))");
      }
      by = (*body)["by"];
    }
    std::lock_guard lock(reader.mutex);
    if (store::Status st = reader.store->LabelTrainingSample(id, label, by); !st.ok()) {
      return Fail(res, st.code() == store::ErrorCode::kNotFound ? 404 : 503, st.message());
    }
    store::Result<store::TrainingSampleRecord> s = reader.store->GetTrainingSample(id);
    if (!s.ok()) return Fail(res, 503, s.status().message());
    json out = SampleJson(*s);
    service.Announce("sample_labelled", json{{"id", id}, {"label", label}, {"by", s->labelled_by}}.dump(),
                     s->endpoint);
    Reply(res, 200, out);
  });
}

}  // namespace lwcl::server::rest
