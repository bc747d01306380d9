// /api/rollouts: start a rollout of a registry model to all devices or a
// list or a group (a glob on endpoint names), by push or pull, watch it (state, counts per device state, bytes sent, each device's
// state and reason), pause, resume, abort.
#include <fnmatch.h>

#include "rest_context.h"

namespace lwcl::server::rest {

namespace {

// The rollout's policy from the body; nullopt after a 400.
std::optional<RolloutPolicy> PolicyFrom(const json& body, httplib::Response& res) {
  RolloutPolicy p;
  try {
    if (body.contains("canary_percent")) p.canary_percent = body["canary_percent"].get<double>();
    if (body.contains("wave_size")) p.wave_size = body["wave_size"].get<size_t>();
    if (body.contains("max_concurrent")) p.max_concurrent = body["max_concurrent"].get<size_t>();
    if (body.contains("max_failure_ratio")) p.max_failure_ratio = body["max_failure_ratio"].get<double>();
    if (body.contains("min_confidence_ratio")) p.min_confidence_ratio = body["min_confidence_ratio"].get<double>();
    if (body.contains("probation_s")) p.probation_s = body["probation_s"].get<double>();
    if (body.contains("allow_downgrade")) p.allow_downgrade = body["allow_downgrade"].get<bool>();
    if (body.contains("step_timeout_s")) p.step_timeout_s = body["step_timeout_s"].get<double>();
    if (body.contains("delivery")) {
      const std::string d = body["delivery"].get<std::string>();
      if (d != "push" && d != "pull") {
        Fail(res, 400, "\"delivery\" is \"push\" (the server writes /9/x/2) or \"pull\" (the device fetches /9/x/3)");
        return std::nullopt;
      }
      p.delivery = d == "pull" ? Delivery::kPull : Delivery::kPush;
    }
  } catch (const json::exception&) {
    Fail(res, 400, "canary_percent, max_failure_ratio, min_confidence_ratio, probation_s and step_timeout_s are "
                   "numbers, wave_size and max_concurrent whole numbers, allow_downgrade a boolean, delivery a string");
    return std::nullopt;
  }
  return p;
}

std::optional<int64_t> IdOf(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(text);
}

}  // namespace

void AddRolloutRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  RestReader& reader = ctx.reader;
  RolloutEngine& engine = ctx.rollouts;

  h.Post("/api/rollouts", [&reader, &engine](const httplib::Request& req, httplib::Response& res) {
    std::optional<json> body = Body(req, res);
    if (!body) return;
    if (!body->contains("model") || !(*body)["model"].is_number_integer()) {
      return Fail(res, 400, "give \"model\": the registry id of the model to roll out");
    }
    std::optional<RolloutPolicy> policy = PolicyFrom(*body, res);
    if (!policy) return;
    std::vector<std::string> endpoints;
    std::lock_guard lock(reader.mutex);
    store::Result<store::ModelRecord> model = reader.store->GetModel((*body)["model"].get<int64_t>());
    if (!model.ok()) {
      return Fail(res, model.status().code() == store::ErrorCode::kNotFound ? 404 : 503, model.status().message());
    }
    const json devices = body->value("devices", json("all"));
    constexpr const char* kDevicesAre =
        "\"devices\" is \"all\", a list of endpoint names, or {\"group\": \"PATTERN\"} (a glob on endpoint names, "
        "e.g. \"plant-a-*\")";
    const bool all = devices.is_string() && devices.get<std::string>() == "all";
    const bool group = devices.is_object() && devices.contains("group") && devices["group"].is_string();
    if (all || group) {
      const std::string pattern = group ? devices["group"].get<std::string>() : "*";
      store::Result<std::vector<store::Registration>> regs = reader.store->ListRegistrations();
      if (!regs.ok()) return Fail(res, 503, regs.status().message());
      for (const store::Registration& r : *regs) {
        if (fnmatch(pattern.c_str(), r.endpoint.c_str(), 0) == 0) endpoints.push_back(r.endpoint);
      }
      if (endpoints.empty()) {
        return Fail(res, 400, group ? "no registered device matches the group " + pattern : "no device is registered");
      }
    } else if (devices.is_array()) {
      for (const json& d : devices) {
        if (!d.is_string()) return Fail(res, 400, kDevicesAre);
        endpoints.push_back(d.get<std::string>());
      }
    } else {
      return Fail(res, 400, kDevicesAre);
    }
    std::string error;
    std::optional<int64_t> id = engine.Create(*model, std::move(endpoints), *policy, &error);
    if (!id) return Fail(res, 400, error);
    Reply(res, 201, *engine.Get(*id));
  });
  h.Get("/api/rollouts", [&engine](const httplib::Request&, httplib::Response& res) { Reply(res, 200, engine.List()); });
  h.Get(R"(/api/rollouts/([^/]+))", [&engine](const httplib::Request& req, httplib::Response& res) {
    const std::optional<int64_t> id = IdOf(req.matches[1]);
    if (!id) return Fail(res, 400, "a rollout id is a number");
    std::optional<json> r = engine.Get(*id);
    if (!r) return Fail(res, 404, "no rollout " + std::string(req.matches[1]));
    Reply(res, 200, *r);
  });
  h.Post(R"(/api/rollouts/([^/]+)/(pause|resume|abort))",
         [&engine](const httplib::Request& req, httplib::Response& res) {
           const std::optional<int64_t> id = IdOf(req.matches[1]);
           if (!id) return Fail(res, 400, "a rollout id is a number");
           const std::string verb = req.matches[2];
           std::string error;
           const bool ok = verb == "pause"    ? engine.Pause(*id, &error)
                           : verb == "resume" ? engine.Resume(*id, &error)
                                              : engine.Abort(*id, &error);
           if (!ok) return Fail(res, error.rfind("no rollout", 0) == 0 ? 404 : 409, error);
           Reply(res, 200, *engine.Get(*id));
         });
}

}  // namespace lwcl::server::rest
