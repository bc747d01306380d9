// /api/models: the model registry — upload (the package bytes as the body),
// list, inspect, fetch the bytes, delete. Every change is an event on the
// live stream (model_added, model_deleted).
#include <chrono>

#include "rest_context.h"
#include "server/model_registry.h"

namespace lwcl::server::rest {

namespace {

store::TimeMs WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> IdOf(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(text);
}

int StoreStatus(const store::Status& st) {
  switch (st.code()) {
    case store::ErrorCode::kNotFound:
      return 404;
    case store::ErrorCode::kInvalid:
      return 409;
    default:
      return 503;
  }
}

}  // namespace

void AddModelRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  RestReader& reader = ctx.reader;
  Service& service = ctx.service;
  const RegistryOptions& options = ctx.models;

  h.Post("/api/models", [&reader, &service, &options](const httplib::Request& req, httplib::Response& res) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(req.body.data());
    UploadCheck check = CheckUpload({bytes, req.body.size()}, options, WallMs());
    if (check.status != 201) return Fail(res, check.status, check.error);
    std::lock_guard lock(reader.mutex);
    store::Result<int64_t> id = reader.store->AddModel(check.record);
    if (!id.ok()) return Fail(res, StoreStatus(id.status()), id.status().message());
    check.record.id = *id;
    json out = ModelJson(check.record);
    service.Announce("model_added", out.dump());
    Reply(res, 201, out);
  });
  h.Get("/api/models", [&reader](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(reader.mutex);
    store::Result<std::vector<store::ModelRecord>> all = reader.store->ListModels();
    if (!all.ok()) return Fail(res, 503, all.status().message());
    json out = json::array();
    for (const store::ModelRecord& m : *all) out.push_back(ModelJson(m));
    Reply(res, 200, out);
  });
  h.Get(R"(/api/models/([^/]+))", [&reader](const httplib::Request& req, httplib::Response& res) {
    const std::optional<int64_t> id = IdOf(req.matches[1]);
    if (!id) return Fail(res, 400, "a model id is a number");
    std::lock_guard lock(reader.mutex);
    store::Result<store::ModelRecord> m = reader.store->GetModel(*id);
    if (!m.ok()) return Fail(res, StoreStatus(m.status()), m.status().message());
    Reply(res, 200, ModelJson(*m));
  });
  h.Get(R"(/api/models/([^/]+)/package)", [&reader](const httplib::Request& req, httplib::Response& res) {
    const std::optional<int64_t> id = IdOf(req.matches[1]);
    if (!id) return Fail(res, 400, "a model id is a number");
    std::lock_guard lock(reader.mutex);
    store::Result<store::ModelRecord> m = reader.store->GetModel(*id);
    if (!m.ok()) return Fail(res, StoreStatus(m.status()), m.status().message());
    res.status = 200;
    res.set_content(std::string(m->package.begin(), m->package.end()), "application/octet-stream");
  });
  h.Delete(R"(/api/models/([^/]+))", [&reader, &service](const httplib::Request& req, httplib::Response& res) {
    const std::optional<int64_t> id = IdOf(req.matches[1]);
    if (!id) return Fail(res, 400, "a model id is a number");
    std::lock_guard lock(reader.mutex);
    store::Status st = reader.store->DeleteModel(*id);
    if (!st.ok()) return Fail(res, StoreStatus(st), st.message());
    service.Announce("model_deleted", json{{"id", *id}}.dump());
    Reply(res, 200, json{{"deleted", *id}});
  });
}

}  // namespace lwcl::server::rest
