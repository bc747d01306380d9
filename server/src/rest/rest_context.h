// The REST API's routes, one file per resource (health, devices, device
// operations, series, events and the stream, observations, credentials),
// and what they share: the context a route file registers its handlers with
// and the JSON replies. Private to server/src; RestApi (rest_api.h) is the
// public face and calls every Add*Routes once before it listens.
//
// It promises: handlers touch the store only through `reader` under its
// mutex, and reach devices only through `device_op` (which runs on the
// Service's loop thread and waits at most RestOptions::device_timeout_s).
#ifndef LWCL_SERVER_SRC_REST_REST_CONTEXT_H_
#define LWCL_SERVER_SRC_REST_REST_CONTEXT_H_

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "server/rest_api.h"
#include "server/service.h"

namespace lwcl::server {

// The API's own store connection, so a slow query never stalls CoAP.
struct RestReader {
  std::mutex mutex;
  std::unique_ptr<store::Store> store;
};

namespace rest {

using json = nlohmann::json;

// Runs an operation on the loop thread and waits for the device's answer.
using DeviceOp = std::function<DeviceResponse(const std::function<void(Lwm2mServer::Callback)>&)>;

struct RestContext {
  httplib::Server& http;
  Service& service;
  RestReader& reader;
  DeviceOp device_op;
  const RegistryOptions& models;
  RolloutEngine& rollouts;
};

void AddHealthRoutes(RestContext& c);
void AddDeviceRoutes(RestContext& c);
void AddDeviceOperationRoutes(RestContext& c);
void AddSeriesRoutes(RestContext& c);
void AddEventRoutes(RestContext& c);  // /api/events and the /api/stream
void AddObservationRoutes(RestContext& c);
void AddCredentialRoutes(RestContext& c);
void AddModelRoutes(RestContext& c);  // /api/models: the model registry
void AddRolloutRoutes(RestContext& c);  // /api/rollouts
void AddSampleRoutes(RestContext& c);   // /api/samples: the fleet's training samples

void Reply(httplib::Response& res, int status, const nlohmann::json& body);
void Fail(httplib::Response& res, int status, const std::string& message);
bool IsLoopback(const std::string& addr);
// The request's JSON object (an empty one for no body); nullopt after a 400.
std::optional<nlohmann::json> Body(const httplib::Request& req, httplib::Response& res);
// body[key] as an LwM2M path; nullopt after a 400.
std::optional<lwm2m::Path> PathArg(const nlohmann::json& body, const char* key, httplib::Response& res);
int64_t IntParam(const httplib::Request& req, const char* name, int64_t fallback);
nlohmann::json EventToJson(const store::Event& e);
nlohmann::json RegistrationJson(const store::Registration& r);
nlohmann::json ResponseJson(const DeviceResponse& r);
// HTTP status for a device operation: the device's own answer is 200 with
// its CoAP code in the body; failures before or around it map to HTTP.
int HttpStatus(const DeviceResponse& r);

}  // namespace rest
}  // namespace lwcl::server

#endif  // LWCL_SERVER_SRC_REST_REST_CONTEXT_H_
