// RegistrationMachine: the LwM2M Registration interface as a state machine
// with no network and no clock of its own (Core spec 6.2). The caller asks
// Poll(now) what to send, sends it, and reports the answer (or a timeout);
// the machine decides Register, Update before the lifetime runs out,
// re-Register when the server forgot us (Update answered 4.04), retry with
// exponential backoff after failures, and De-register.
//
//   Register:    POST /rd?ep=<name>&lt=<s>&lwm2m=1.1&b=U  payload </1/0>,</3/0>,...
//   Update:      POST /rd/<location>  (payload only when the object list changed)
//   De-register: DELETE /rd/<location>
#ifndef LWCL_CLIENT_REGISTRATION_H_
#define LWCL_CLIENT_REGISTRATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap_code.h"
#include "client/dm_request.h"

namespace lwcl::client {

struct RegistrationConfig {
  std::string endpoint = "lwcl-device";
  int64_t lifetime_s = 86400;
  std::string binding = "U";
  std::string lwm2m_version = "1.1";
  double retry_initial_s = 1;  // first backoff; doubles per failure
  double retry_max_s = 300;
};

enum class RegistrationState : uint8_t {
  kUnregistered,   // nothing sent yet, or waiting out a backoff
  kRegistering,    // Register in flight
  kRegistered,
  kUpdating,       // Update in flight
  kDeregistering,  // De-register in flight
  kDeregistered,   // done; Poll sends nothing more
};
const char* RegistrationStateName(RegistrationState s);

struct OutgoingRequest {
  CoapMethod method = CoapMethod::kPost;
  std::vector<std::string> uri_path;
  std::vector<std::string> uri_query;
  std::optional<uint16_t> content_format;
  std::string payload;
};

class RegistrationMachine {
 public:
  explicit RegistrationMachine(RegistrationConfig config) : config_(std::move(config)) {}

  // The request due at `now` (seconds, any monotonic clock), if any; the
  // machine then waits for OnResponse/OnTimeout. `object_list` is the
  // current link-format object list (Registry::ObjectListText).
  std::optional<OutgoingRequest> Poll(double now, const std::string& object_list);
  // The answer to the request in flight; `location` is its Location-Path.
  void OnResponse(double now, lwm2m::CoapCode code, const std::vector<std::string>& location);
  // The request in flight got no answer.
  void OnTimeout(double now);
  // Ask for an Update soon (object list or binding changed).
  void RequestUpdate() { update_requested_ = true; }
  // Ask for De-register at the next Poll.
  void RequestDeregister() { deregister_requested_ = true; }

  RegistrationState state() const { return state_; }
  const std::vector<std::string>& location() const { return location_; }
  // When Poll next has something to do (nullopt: only after an answer).
  std::optional<double> NextWake() const;
  int failures() const { return failures_; }

 private:
  void Fail(double now);
  double UpdateDue() const;

  RegistrationConfig config_;
  RegistrationState state_ = RegistrationState::kUnregistered;
  std::vector<std::string> location_;
  double retry_at_ = 0;
  double registered_at_ = 0;
  int failures_ = 0;
  bool update_requested_ = false;
  bool deregister_requested_ = false;
  std::string last_object_list_;
  std::string pending_object_list_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_REGISTRATION_H_
