// GET /api/devices and /api/devices/<ep>: what the store knows of each device.

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddDeviceRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  RestReader& reader = ctx.reader;

  h.Get("/api/devices", [&reader](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(reader.mutex);
    store::Result<std::vector<store::DeviceSummary>> devices = reader.store->ListDevices();
    if (!devices.ok()) return Fail(res, 503, devices.status().message());
    json out = json::array();
    for (const store::DeviceSummary& d : *devices) {
      json j{{"endpoint", d.device.endpoint},
             {"registered", d.registered()},
             {"last_seen_ms", d.last_seen_ms},
             {"model_version", d.device.model_version}};
      if (d.registration) j["registration"] = RegistrationJson(*d.registration);
      out.push_back(std::move(j));
    }
    Reply(res, 200, out);
  });

  h.Get(R"(/api/devices/([^/]+))", [&reader](const httplib::Request& req, httplib::Response& res) {
    const std::string ep = req.matches[1];
    std::lock_guard lock(reader.mutex);
    store::Result<store::Device> d = reader.store->GetDevice(ep);
    if (!d.ok()) {
      return Fail(res, d.status().code() == store::ErrorCode::kNotFound ? 404 : 503, d.status().message());
    }
    json j{{"endpoint", ep}, {"created_ms", d->created_ms}, {"model_version", d->model_version}};
    store::Result<store::Registration> r = reader.store->GetRegistration(ep);
    j["registered"] = r.ok();
    if (r.ok()) j["registration"] = RegistrationJson(*r);
    store::Result<std::vector<store::Sample>> latest = reader.store->LatestValues(ep, "");
    json values = json::array();
    if (latest.ok()) {
      for (const store::Sample& s : *latest) values.push_back(SampleToJson(s));
    }
    j["values"] = values;
    Reply(res, 200, j);
  });
}

}  // namespace lwcl::server::rest
