#include "server/rest_api.h"

#include <httplib.h>

#include <chrono>
#include <future>
#include <memory>

#include "rest_context.h"

namespace lwcl::server {

using rest::Fail;
using rest::IsLoopback;

RestApi::RestApi(Service& service, RestOptions options)
    : service_(service), options_(std::move(options)), http_(std::make_unique<httplib::Server>()),
      reader_(std::make_unique<RestReader>()), rollouts_(std::make_unique<RolloutEngine>(service)) {}

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
  if (rollouts_) rollouts_->Detach();  // before the Service may go
}

void RestApi::Routes() {
  httplib::Server& h = *http_;
  Service& service = service_;
  const RestOptions options = options_;

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

  rest::RestContext c{h, service, *reader_, device_op, options_.models, *rollouts_};
  rest::AddHealthRoutes(c);
  rest::AddDeviceRoutes(c);
  rest::AddSeriesRoutes(c);
  rest::AddEventRoutes(c);
  rest::AddObservationRoutes(c);
  rest::AddDeviceOperationRoutes(c);
  rest::AddCredentialRoutes(c);
  rest::AddModelRoutes(c);
  rest::AddRolloutRoutes(c);
  rest::AddSampleRoutes(c);
}

}  // namespace lwcl::server
