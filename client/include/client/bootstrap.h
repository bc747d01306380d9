// BootstrapMachine: the client side of Client Initiated Bootstrap (LwM2M 1.1
// Core spec 5.2.3 / 6.1) as a state machine with no network and no clock of
// its own, in the style of RegistrationMachine. The caller asks Poll(now)
// what to send, sends it, and reports what happens:
//
//   kIdle / kFailed --Poll--> kRequesting        Bootstrap-Request sent:
//                                                POST /bs?ep=<name>[&pct=<cf>]
//   kRequesting --2.04--> kWaitingForServer      the Bootstrap-Server now
//                                                writes, deletes, reads, ...
//   kWaitingForServer --OnServerRequest-->       the wait restarts
//   kWaitingForServer --OnFinish(accepted)--> kFinished
//   any error answer, timeout, or no Bootstrap-Finish within server_wait_s
//   (EXCHANGE_LIFETIME) --> kFailed, retried after an exponential backoff.
//
// It promises: Poll never sends twice without an answer or a timeout in
// between; the backoff doubles per consecutive failure from retry_initial_s
// up to retry_max_s and resets on a finished bootstrap. Which requests are
// bootstrap requests, and what they do to the data model, is bootstrap_dm.h.
#ifndef LWCL_CLIENT_BOOTSTRAP_H_
#define LWCL_CLIENT_BOOTSTRAP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "lwm2m/coap_code.h"
#include "client/registration.h"

namespace lwcl::client {

struct BootstrapConfig {
  std::string endpoint;        // Endpoint Client Name; left out of the request when empty
  double retry_initial_s = 1;  // first backoff; doubles per failure
  double retry_max_s = 300;
  // EXCHANGE_LIFETIME (CoAP, RFC 7252): how long to wait for Bootstrap-Finish
  // after the Bootstrap-Request was accepted or after the last request from
  // the Bootstrap-Server, before the attempt counts as failed.
  double server_wait_s = 247;
  // Sent as pct=<cf>: SenML JSON 110, SenML CBOR 112, LwM2M CBOR 11544 or TLV 11542.
  std::optional<uint16_t> preferred_content_format;
};

enum class BootstrapState : uint8_t {
  kIdle,              // nothing sent yet; Poll sends the Bootstrap-Request
  kRequesting,        // Bootstrap-Request in flight
  kWaitingForServer,  // accepted; the Bootstrap-Server configures us until Bootstrap-Finish
  kFinished,          // Bootstrap-Finish accepted; register with the configured servers
  kFailed,            // backing off; Poll re-sends the Bootstrap-Request when it is over
};
const char* BootstrapStateName(BootstrapState s);

class BootstrapMachine {
 public:
  explicit BootstrapMachine(BootstrapConfig config) : config_(std::move(config)) {}

  // The Bootstrap-Request due at `now` (seconds, any monotonic clock), if
  // any. Also notices that the wait for Bootstrap-Finish ran out (-> kFailed).
  std::optional<OutgoingRequest> Poll(double now);
  // The answer to the Bootstrap-Request: 2.04 Changed starts the wait for
  // the server; anything else is a failure.
  void OnResponse(double now, lwm2m::CoapCode code);
  // The Bootstrap-Request got no answer.
  void OnTimeout(double now);
  // A Bootstrap-Write/Read/Discover/Delete arrived from the Bootstrap-Server:
  // restarts the wait for Bootstrap-Finish. Before the 2.04 arrived (packets
  // may be reordered) it counts as the acceptance; while idle or backing off
  // it starts a server-driven bootstrap. Ignored once finished.
  void OnServerRequest(double now);
  // Bootstrap-Finish arrived; `accepted` says whether the client answered
  // 2.04 (configuration consistent) or 4.06. A refused Finish keeps the
  // machine waiting, so the server may correct the configuration and send
  // Bootstrap-Finish again (Core spec 6.1.7.7); the wait restarts.
  void OnFinish(double now, bool accepted);
  // Bootstrap again from the start at the next Poll (e.g. every registration
  // failed, or a server executed Bootstrap-Request Trigger).
  void Restart(double now);

  // When Poll next has something to do (nullopt: only after an answer or a
  // server request).
  std::optional<double> NextWake() const;
  BootstrapState state() const { return state_; }
  // Consecutive failed attempts since the last finished bootstrap.
  int failures() const { return failures_; }

 private:
  void Fail(double now);

  BootstrapConfig config_;
  BootstrapState state_ = BootstrapState::kIdle;
  double retry_at_ = 0;   // kIdle / kFailed: when to send
  double wait_until_ = 0; // kWaitingForServer: when the wait for Finish runs out
  int failures_ = 0;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_BOOTSTRAP_H_
