// /api/credentials: DTLS-PSK identities and keys by endpoint (keys never leave).

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddCredentialRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  RestReader& reader = ctx.reader;

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
}

}  // namespace lwcl::server::rest
