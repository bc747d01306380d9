// POST /api/devices/<ep>/<operation>: read, discover, write, execute, create,
// delete, attributes and observe on any path, through Service::Request/Observe.
#include <memory>
#include <optional>
#include <variant>

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddDeviceOperationRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  Service& service = ctx.service;
  const DeviceOp device_op = ctx.device_op;

  // Device operations: POST /api/devices/<ep>/<operation> with a JSON body.
  h.Post(R"(/api/devices/([^/]+)/(read|discover|write|execute|create|delete|attributes|observe))",
         [device_op, &service](const httplib::Request& req, httplib::Response& res) {
           const std::string ep = req.matches[1];
           const std::string what = req.matches[2];
           std::optional<json> body = Body(req, res);
           if (!body) return;
           DeviceRequest dr;
           if (body->contains("format")) {
             std::optional<lwm2m::ContentFormat> f = FormatFromName((*body)["format"].get<std::string>());
             if (!f) return Fail(res, 400, "unknown format " + (*body)["format"].dump());
             dr.format = *f;
             dr.accept = *f;
           }
           // Several paths make the composite form of read and observe.
           if ((what == "read" || what == "observe") && body->contains("paths")) {
             for (const json& p : (*body)["paths"]) {
               std::optional<lwm2m::Path> path = p.is_string() ? lwm2m::Path::Parse(p.get<std::string>()) : std::nullopt;
               if (!path) return Fail(res, 400, "not an LwM2M path: " + p.dump());
               dr.paths.push_back(*path);
             }
             dr.op = what == "read" ? Operation::kReadComposite : Operation::kObserveComposite;
           } else if (what == "write" && !body->contains("path")) {
             dr.op = Operation::kWriteComposite;
           } else {
             std::optional<lwm2m::Path> path = PathArg(*body, "path", res);
             if (!path) return;
             dr.paths = {*path};
           }
           const lwm2m::ObjectRegistry& objects = service.lwm2m().objects();
           auto add_values = [&](const json& values) -> bool {
             if (!values.is_object()) {
               Fail(res, 400, "\"values\" must map paths to values");
               return false;
             }
             for (const auto& [key, v] : values.items()) {
               std::optional<lwm2m::Path> p = lwm2m::Path::Parse(key);
               if (!p) {
                 Fail(res, 400, "not an LwM2M path: " + key);
                 return false;
               }
               std::string err;
               std::optional<lwm2m::Value> value = JsonToValue(v, *p, objects, &err);
               if (!value) {
                 Fail(res, 400, err);
                 return false;
               }
               dr.records.push_back({*p, std::move(*value), std::nullopt});
             }
             return true;
           };
           if (what == "read") {
             if (dr.op != Operation::kReadComposite) dr.op = Operation::kRead;
           } else if (what == "discover") {
             dr.op = Operation::kDiscover;
           } else if (what == "observe") {
             if (dr.op != Operation::kObserveComposite) dr.op = Operation::kObserve;
           } else if (what == "execute") {
             dr.op = Operation::kExecute;
             if (body->contains("args")) dr.arguments = (*body)["args"].get<std::string>();
           } else if (what == "delete") {
             dr.op = Operation::kDelete;
           } else if (what == "create") {
             dr.op = Operation::kCreate;
             if (!add_values(body->value("values", json::object()))) return;
           } else if (what == "attributes") {
             dr.op = Operation::kWriteAttributes;
             for (const char* name : {"pmin", "pmax", "gt", "lt", "st", "epmin", "epmax"}) {
               if (!body->contains(name)) continue;
               const json& v = (*body)[name];
               if (v.is_null()) {
                 dr.attributes.push_back(name);  // a bare name clears it
               } else if (v.is_number()) {
                 dr.attributes.push_back(std::string(name) + "=" + (v.is_number_float() ? std::to_string(v.get<double>())
                                                                                       : v.dump()));
               } else {
                 return Fail(res, 400, std::string("attribute ") + name + " must be a number or null");
               }
             }
           } else if (what == "write") {
             if (dr.op != Operation::kWriteComposite) {
               dr.op = body->value("partial", false) ? Operation::kWritePartial : Operation::kWrite;
             }
             if (body->contains("value")) {
               std::string err;
               std::optional<lwm2m::Value> v = JsonToValue((*body)["value"], dr.paths.at(0), objects, &err);
               if (!v) return Fail(res, 400, err);
               dr.records.push_back({dr.paths[0], std::move(*v), std::nullopt});
             } else if (!add_values(body->value("values", json())) ) {
               return;
             }
           }
           if (dr.op == Operation::kObserve || dr.op == Operation::kObserveComposite) {
             auto id = std::make_shared<uint64_t>(0);
             DeviceResponse r = device_op([&service, ep, dr, id](Lwm2mServer::Callback done) {
               *id = service.Observe(ep, dr, std::move(done));
             });
             json j = ResponseJson(r);
             if (IsSuccess(r.code) && !r.timed_out) j["observation"] = *id;
             return Reply(res, HttpStatus(r), j);
           }
           DeviceResponse r = device_op([&service, ep, dr](Lwm2mServer::Callback done) {
             service.Request(ep, dr, std::move(done));
           });
           Reply(res, HttpStatus(r), ResponseJson(r));
         });
}

}  // namespace lwcl::server::rest
