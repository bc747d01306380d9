// The JSON replies and request helpers every REST route file uses.
#include <cstdlib>
#include <string>

#include "rest_context.h"
#include "server/content_negotiation.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

namespace {

// What the device advertised (`ct` on `</>`) and what the server starts
// with when a request names no format (content_negotiation.h).
json ContentFormatsJson(const std::string& object_links, const std::string& version) {
  const std::vector<lwm2m::ContentFormat> advertised = AdvertisedFormats(object_links);
  json names = json::array();
  for (lwm2m::ContentFormat f : advertised) names.push_back(FormatShortName(f));
  const DefaultFormats d = DefaultsFor(advertised, version);
  return json{{"advertised", names},
              {"default", {{"single", FormatShortName(d.single)},
                           {"several", FormatShortName(d.several)},
                           {"composite", FormatShortName(d.composite)}}}};
}

}  // namespace

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void Fail(httplib::Response& res, int status, const std::string& message) {
  Reply(res, status, json{{"error", message}});
}

bool IsLoopback(const std::string& addr) { return addr.rfind("127.", 0) == 0 || addr == "::1"; }

std::optional<json> Body(const httplib::Request& req, httplib::Response& res) {
  if (req.body.empty()) return json::object();
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    Fail(res, 400, "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<lwm2m::Path> PathArg(const json& body, const char* key, httplib::Response& res) {
  if (!body.contains(key) || !body[key].is_string()) {
    Fail(res, 400, std::string("missing \"") + key + "\" (an LwM2M path like \"/3/0/1\")");
    return std::nullopt;
  }
  std::optional<lwm2m::Path> p = lwm2m::Path::Parse(body[key].get<std::string>());
  if (!p) Fail(res, 400, "not an LwM2M path: " + body[key].get<std::string>());
  return p;
}

int64_t IntParam(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  return end != v.c_str() && *end == '\0' ? n : fallback;
}

json EventToJson(const store::Event& e) {
  json j{{"id", e.id}, {"time_ms", e.time_ms}, {"kind", e.kind}};
  j["endpoint"] = e.endpoint ? json(*e.endpoint) : json(nullptr);
  json detail = json::parse(e.detail_json, nullptr, false);
  j["detail"] = detail.is_discarded() ? json(e.detail_json) : detail;
  return j;
}

json RegistrationJson(const store::Registration& r) {
  return json{{"location", r.location},         {"lifetime", r.lifetime_s},
              {"binding", r.binding},           {"version", r.lwm2m_version},
              {"object_links", r.object_links}, {"peer", r.peer_address},
              {"registered_at_ms", r.registered_at_ms}, {"updated_at_ms", r.updated_at_ms},
              {"content_formats", ContentFormatsJson(r.object_links, r.lwm2m_version)}};
}

json ResponseJson(const DeviceResponse& r) {
  json j{{"code", lwm2m::CoapCodeText(r.code)}};
  if (!r.records.empty()) j["values"] = RecordsToJson(r.records);
  if (!r.links.empty()) {
    json links = json::array();
    for (const lwm2m::Link& l : r.links) {
      json attrs = json::object();
      for (const lwm2m::LinkAttribute& a : l.attributes) attrs[a.name] = a.value ? json(*a.value) : json(true);
      links.push_back(json{{"uri", l.uri}, {"attributes", attrs}});
    }
    j["links"] = links;
  }
  if (!r.location_path.empty()) {
    std::string loc;
    for (const std::string& s : r.location_path) loc += "/" + s;
    j["location"] = loc;
  }
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

int HttpStatus(const DeviceResponse& r) {
  if (r.timed_out) return 504;
  if (!r.error.empty() && r.code == lwm2m::CoapCode::kBadRequest && r.payload.empty()) return 400;
  if (!r.error.empty() && r.error.find("not registered") != std::string::npos) return 404;
  return 200;
}

}  // namespace lwcl::server::rest
