#include "api_client.h"

#include <httplib.h>

#include <stdexcept>

namespace lwcl::apps {

nlohmann::json CallApi(const ApiTarget& target, const std::string& method, const std::string& path,
                       const std::string& body, const std::string& content_type) {
  if (target.url.rfind("http://", 0) != 0) {
    throw std::runtime_error("--api " + target.url + ": expected http://HOST:PORT (the server's REST API)");
  }
  httplib::Client http(target.url);
  http.set_connection_timeout(5);
  http.set_read_timeout(60);
  httplib::Headers headers;
  if (!target.token.empty()) headers.emplace("Authorization", "Bearer " + target.token);
  httplib::Result r = method == "GET"    ? http.Get(path, headers)
                      : method == "POST" ? http.Post(path, headers, body, content_type)
                                         : http.Delete(path, headers);
  if (!r) {
    throw std::runtime_error("cannot reach the server at " + target.url + " (" + httplib::to_string(r.error()) +
                             "): is `lwcl server` running there?");
  }
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 400) {
    const std::string why = j.is_object() && j.contains("error") ? j["error"].get<std::string>() : r->body;
    throw std::runtime_error("the server answered " + std::to_string(r->status) + ": " + why);
  }
  if (j.is_discarded()) throw std::runtime_error("the server's answer is not JSON");
  return j;
}

}  // namespace lwcl::apps
