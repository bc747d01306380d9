#include "server/rest_api.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>

#include "server/content_negotiation.h"
#include "server/json_values.h"

namespace lwcl::server {

using nlohmann::json;

struct RestApi::Reader {
  std::mutex mutex;
  std::unique_ptr<store::Store> store;
};

namespace {

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

// HTTP status for a device operation: the device's own answer is 200 with
// its CoAP code in the body; failures before or around it map to HTTP.
int HttpStatus(const DeviceResponse& r) {
  if (r.timed_out) return 504;
  if (!r.error.empty() && r.code == lwm2m::CoapCode::kBadRequest && r.payload.empty()) return 400;
  if (!r.error.empty() && r.error.find("not registered") != std::string::npos) return 404;
  return 200;
}

}  // namespace

RestApi::RestApi(Service& service, RestOptions options)
    : service_(service), options_(std::move(options)), http_(std::make_unique<httplib::Server>()),
      reader_(std::make_unique<Reader>()) {}

RestApi::~RestApi() { Stop(); }

bool RestApi::Start(std::string* error) {
  reader_->store = service_.OpenReader(error);
  if (!reader_->store) return false;
  Routes();
  if (!options_.static_dir.empty() && !http_->set_mount_point("/", options_.static_dir)) {
    *error = "cannot serve the dashboard from " + options_.static_dir;
    return false;
  }
  if (options_.port == 0) {
    const int p = http_->bind_to_any_port(options_.address);
    if (p <= 0) {
      *error = "cannot bind HTTP on " + options_.address;
      return false;
    }
    port_ = static_cast<uint16_t>(p);
  } else {
    if (!http_->bind_to_port(options_.address, options_.port)) {
      *error = "cannot bind HTTP on " + options_.address + ":" + std::to_string(options_.port) + " (in use?)";
      return false;
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return true;
}

void RestApi::Stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

void RestApi::Routes() {
  httplib::Server& h = *http_;
  Service& service = service_;
  const RestOptions options = options_;
  Reader& reader = *reader_;

  // Changes need the token (or, without one, a loopback client).
  h.set_pre_routing_handler([options](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const bool ok = options.token.empty() ? IsLoopback(req.remote_addr)
                                          : req.get_header_value("Authorization") == "Bearer " + options.token;
    if (ok) return httplib::Server::HandlerResponse::Unhandled;
    Fail(res, 401, "this request changes something: send Authorization: Bearer <token>");
    return httplib::Server::HandlerResponse::Handled;
  });

  // Runs `op` on the loop thread and waits for its device answer.
  auto device_op = [&service, options](const std::function<void(Lwm2mServer::Callback)>& op) {
    auto promise = std::make_shared<std::promise<DeviceResponse>>();
    std::future<DeviceResponse> future = promise->get_future();
    service.Post([op, promise] {
      op([promise](const DeviceResponse& r) {
        try {
          promise->set_value(r);
        } catch (const std::future_error&) {  // answered twice: keep the first
        }
      });
    });
    const auto wait = std::chrono::duration<double>(options.device_timeout_s);
    if (future.wait_for(wait) != std::future_status::ready) {
      DeviceResponse late;
      late.timed_out = true;
      late.error = "the device did not answer in time";
      return late;
    }
    return future.get();
  };

  // Health: the service's counters and whether the database answers, by a
  // one-row query on the reader's connection (cost independent of the
  // fleet) and by the outcome of the loop's own latest writes.
  h.Get("/api/health", [&service, &reader](const httplib::Request&, httplib::Response& res) {
    const ServiceStats s = service.stats();
    std::string why;
    {
      std::lock_guard lock(reader.mutex);
      store::Result<int> ping = reader.store->SchemaVersion();
      if (!ping.ok()) why = ping.status().message();
    }
    if (why.empty() && !s.store_ok) why = s.store_error;
    json j{{"status", why.empty() ? "ok" : "degraded"},
           {"store_ok", why.empty()},
           {"notifications", s.notifications},
           {"values", s.values},
           {"requests", s.requests},
           {"pending_values", s.pending_values},
           {"pending_events", s.pending_events},
           {"pending_writes", s.pending_writes},
           {"store_errors", s.store_errors}};
    if (!why.empty()) j["store_error"] = why;
    if (!s.last_store_error.empty()) j["last_store_error"] = s.last_store_error;
    Reply(res, why.empty() ? 200 : 503, j);
  });

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

  h.Get("/api/events", [&reader](const httplib::Request& req, httplib::Response& res) {
    store::EventQuery q;
    q.after_id = IntParam(req, "after", 0);
    q.from_ms = IntParam(req, "from", 0);
    q.to_ms = IntParam(req, "to", std::numeric_limits<int64_t>::max());
    q.limit = IntParam(req, "limit", 1000);
    if (req.has_param("endpoint")) q.endpoint = req.get_param_value("endpoint");
    std::lock_guard lock(reader.mutex);
    store::Result<std::vector<store::Event>> events = reader.store->QueryEvents(q);
    if (!events.ok()) return Fail(res, 503, events.status().message());
    json out = json::array();
    for (const store::Event& e : *events) out.push_back(EventToJson(e));
    Reply(res, 200, out);
  });

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

  // Credentials: DTLS-PSK identities and keys, by endpoint.
  h.Get("/api/credentials", [&reader](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(reader.mutex);
    store::Result<std::vector<store::Credential>> all = reader.store->ListCredentials();
    if (!all.ok()) return Fail(res, 503, all.status().message());
    json out = json::array();
    for (const store::Credential& c : *all) out.push_back(json{{"endpoint", c.endpoint}, {"identity", c.psk_identity}});
    Reply(res, 200, out);  // keys never leave the server
  });
  h.Put(R"(/api/credentials/([^/]+))", [&reader](const httplib::Request& req, httplib::Response& res) {
    std::optional<json> body = Body(req, res);
    if (!body) return;
    if (!body->contains("identity") || !body->contains("key_hex")) {
      return Fail(res, 400, "give \"identity\" and \"key_hex\"");
    }
    const std::string hex = (*body)["key_hex"].get<std::string>();
    store::Credential c;
    c.endpoint = req.matches[1];
    c.psk_identity = (*body)["identity"].get<std::string>();
    if (hex.empty() || hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return Fail(res, 400, "key_hex must be an even number of hex digits");
    }
    for (size_t i = 0; i < hex.size(); i += 2) {
      c.psk_key.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    std::lock_guard lock(reader.mutex);
    store::Status st = reader.store->PutCredential(c);
    if (!st.ok()) return Fail(res, st.code() == store::ErrorCode::kInvalid ? 409 : 503, st.message());
    Reply(res, 200, json{{"endpoint", c.endpoint}, {"identity", c.psk_identity}});
  });
  h.Delete(R"(/api/credentials/([^/]+))", [&reader](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(reader.mutex);
    store::Status st = reader.store->DeleteCredential(req.matches[1]);
    if (!st.ok()) return Fail(res, st.code() == store::ErrorCode::kNotFound ? 404 : 503, st.message());
    Reply(res, 200, json{{"deleted", std::string(req.matches[1])}});
  });

  // Live events as server-sent events; Last-Event-ID (or ?after=) resumes.
  h.Get("/api/stream", [&service, &reader](const httplib::Request& req, httplib::Response& res) {
    struct Channel {
      std::mutex mutex;
      std::condition_variable cv;
      std::deque<store::Event> queue;
    };
    auto channel = std::make_shared<Channel>();
    int64_t after = IntParam(req, "after", -1);
    if (req.has_header("Last-Event-ID")) after = std::atoll(req.get_header_value("Last-Event-ID").c_str());
    // Listen first, then replay: an event stored while the replay is read
    // arrives live, and one in both is sent once (by its id).
    const uint64_t handle = service.Subscribe([channel](const store::Event& e) {
      std::lock_guard lock(channel->mutex);
      if (channel->queue.size() < 10000) channel->queue.push_back(e);  // a stalled reader loses the oldest... never blocks CoAP
      channel->cv.notify_one();
    });
    if (after >= 0) {
      store::EventQuery q;
      q.after_id = after;
      std::vector<store::Event> missed;
      {
        std::lock_guard lock(reader.mutex);
        if (auto found = reader.store->QueryEvents(q); found.ok()) missed = std::move(*found);
      }
      int64_t last = after;
      for (const store::Event& e : missed) last = std::max(last, e.id);
      std::lock_guard lock(channel->mutex);
      std::deque<store::Event> live;
      live.swap(channel->queue);
      for (store::Event& e : missed) channel->queue.push_back(std::move(e));
      for (store::Event& e : live) {
        if (e.id <= 0 || e.id > last) channel->queue.push_back(std::move(e));
      }
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [channel](size_t, httplib::DataSink& sink) {
          std::unique_lock lock(channel->mutex);
          channel->cv.wait_for(lock, std::chrono::seconds(1), [&] { return !channel->queue.empty(); });
          std::string out;
          while (!channel->queue.empty()) {
            const store::Event e = std::move(channel->queue.front());
            channel->queue.pop_front();
            if (e.id > 0) out += "id: " + std::to_string(e.id) + "\n";
            out += "event: " + e.kind + "\ndata: " + EventToJson(e).dump() + "\n\n";
          }
          lock.unlock();
          if (out.empty()) out = ": keep-alive\n\n";
          return sink.write(out.data(), out.size());
        },
        [&service, handle](bool) { service.Unsubscribe(handle); });
  });
}

}  // namespace lwcl::server
