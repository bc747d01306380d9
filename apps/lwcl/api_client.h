// ApiClient: what `lwcl models` and `lwcl rollout` use to talk to a running
// `lwcl server`'s REST API: one HTTP request, the JSON answer, and an error
// (std::runtime_error) that says what went wrong — the server unreachable,
// or its own error message with the HTTP status.
#ifndef LWCL_APPS_API_CLIENT_H_
#define LWCL_APPS_API_CLIENT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace lwcl::apps {

struct ApiTarget {
  std::string url = "http://127.0.0.1:8080";  // the server's --http-port
  std::string token;                          // its --token, for changes
};

// `method` GET, POST or DELETE; `body` sent as `content_type` when not empty.
nlohmann::json CallApi(const ApiTarget& target, const std::string& method, const std::string& path,
                       const std::string& body = {}, const std::string& content_type = "application/json");

}  // namespace lwcl::apps

#endif  // LWCL_APPS_API_CLIENT_H_
