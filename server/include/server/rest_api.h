// RestApi: the server's HTTP face (JSON, cpp-httplib), documented with curl
// examples in docs/api.md: devices and their state; read, write, execute,
// discover, create, delete, observe and attributes on any path; time-series
// queries with downsampling; events; credentials; and a server-sent event
// stream (/api/stream) for live updates. It also serves the dashboard's
// static files when given their directory.
//
// The routes live one file per resource in server/src/rest/.
//
// Requests that change something (POST, PUT, DELETE) need
// `Authorization: Bearer <token>` when a token is configured; without one the
// API is read-only except on loopback, where it is open (a local demo).
//
// Device operations run on the Service's loop thread (Post) and the HTTP
// thread waits for their outcome; they go through Service::Request /
// Observe / CancelObservation, so each is recorded as a `request` event.
// Store reads use a reader connection of their own, so a slow query never
// stalls CoAP. /api/health costs the same whatever the fleet's size: one
// trivial query on that connection, and the service's counters.
#ifndef LWCL_SERVER_REST_API_H_
#define LWCL_SERVER_REST_API_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "server/model_registry.h"
#include "server/rollout.h"
#include "server/service.h"

namespace httplib {
class Server;
}

namespace lwcl::server {

struct RestReader;  // the API's own store connection (src/rest/rest_context.h)

struct RestOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port
  std::string token;     // required for changes when set
  std::string static_dir;  // the dashboard's files; empty: API only
  double device_timeout_s = 40;  // how long a device operation may take
  RegistryOptions models;         // the fleet key uploads must be signed with
};

class RestApi {
 public:
  RestApi(Service& service, RestOptions options);
  ~RestApi();
  RestApi(const RestApi&) = delete;
  RestApi& operator=(const RestApi&) = delete;

  // Binds and starts serving on a thread of its own; false with *error.
  bool Start(std::string* error);
  // Stops serving and stops the rollouts ticking; call it before the
  // Service goes (the destructor calls it too).
  void Stop();
  uint16_t port() const { return port_; }
  RolloutEngine& rollouts() { return *rollouts_; }

 private:
  void Routes();
  Service& service_;
  RestOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::unique_ptr<RestReader> reader_;
  std::unique_ptr<RolloutEngine> rollouts_;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_REST_API_H_
