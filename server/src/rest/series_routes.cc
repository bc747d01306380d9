// GET /api/devices/<ep>/series: a path's samples, or downsampled buckets.
#include <limits>

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddSeriesRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  RestReader& reader = ctx.reader;

  h.Get(R"(/api/devices/([^/]+)/series)", [&reader](const httplib::Request& req, httplib::Response& res) {
    const std::string ep = req.matches[1];
    if (!req.has_param("path")) return Fail(res, 400, "missing ?path=");
    const std::string path = req.get_param_value("path");
    const int64_t to = IntParam(req, "to", std::numeric_limits<int64_t>::max());
    const int64_t from = IntParam(req, "from", 0);
    const int64_t buckets = IntParam(req, "buckets", 0);
    std::lock_guard lock(reader.mutex);
    if (buckets > 0) {
      store::Result<std::vector<store::Bucket>> b = reader.store->QueryBuckets(ep, path, from, to, buckets);
      if (!b.ok()) {
        return Fail(res, b.status().code() == store::ErrorCode::kInvalid ? 400 : 503, b.status().message());
      }
      json out = json::array();
      for (const store::Bucket& x : *b) {
        json j{{"start_ms", x.start_ms}, {"end_ms", x.end_ms}, {"count", x.count}};
        if (x.min) j["min"] = *x.min;
        if (x.max) j["max"] = *x.max;
        if (x.avg) j["avg"] = *x.avg;
        out.push_back(std::move(j));
      }
      return Reply(res, 200, json{{"endpoint", ep}, {"path", path}, {"buckets", out}});
    }
    store::Result<std::vector<store::Sample>> s =
        reader.store->QueryRange(ep, path, from, to, IntParam(req, "limit", 10000));
    if (!s.ok()) return Fail(res, 503, s.status().message());
    json out = json::array();
    for (const store::Sample& x : *s) out.push_back(SampleToJson(x));
    Reply(res, 200, json{{"endpoint", ep}, {"path", path}, {"samples", out}});
  });
}

}  // namespace lwcl::server::rest
