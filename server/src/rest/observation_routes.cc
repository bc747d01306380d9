// GET /api/observations and DELETE /api/observations/<id> (an active cancel).
#include <chrono>
#include <future>
#include <memory>

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddObservationRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  Service& service = ctx.service;
  const DeviceOp device_op = ctx.device_op;

  h.Get("/api/observations", [&service](const httplib::Request& req, httplib::Response& res) {
    auto promise = std::make_shared<std::promise<std::vector<ObservationInfo>>>();
    auto future = promise->get_future();
    service.Post([&service, promise] { promise->set_value(service.lwm2m().Observations()); });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return Fail(res, 503, "server busy");
    const std::string only = req.has_param("endpoint") ? req.get_param_value("endpoint") : "";
    json out = json::array();
    for (const ObservationInfo& o : future.get()) {
      if (!only.empty() && o.endpoint != only) continue;
      json paths = json::array();
      for (const lwm2m::Path& p : o.request.paths) paths.push_back(p.ToString());
      out.push_back(json{{"id", o.id}, {"endpoint", o.endpoint}, {"paths", paths}, {"active", !o.token.empty()}});
    }
    Reply(res, 200, out);
  });

  h.Delete(R"(/api/observations/(\d+))", [device_op, &service](const httplib::Request& req,
                                                               httplib::Response& res) {
    const uint64_t id = std::stoull(req.matches[1]);
    DeviceResponse r = device_op([&service, id](Lwm2mServer::Callback done) {
      service.CancelObservation(id, std::move(done));
    });
    if (r.code == lwm2m::CoapCode::kNotFound && !r.error.empty()) return Fail(res, 404, r.error);
    Reply(res, HttpStatus(r), ResponseJson(r));
  });
}

}  // namespace lwcl::server::rest
