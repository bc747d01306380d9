// Client: the LwM2M client engine's CoAP side over libcoap. It owns one
// libcoap context and answers the LwM2M server's DM requests (on a listening
// endpoint, or later on its registration session) from a Registry, through
// HandleDmRequest. Block-wise transfers in both directions are libcoap's
// (COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY), so handlers see whole
// bodies.
//
// Single-threaded: nothing happens outside Step/RunFor, which run libcoap's
// I/O on the calling thread. libcoap types stay out of this header.
#ifndef LWCL_CLIENT_CLIENT_H_
#define LWCL_CLIENT_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>
#include <memory>
#include <string>

#include "client/dm_request.h"
#include "client/observe_scheduler.h"
#include "client/registration.h"
#include "client/registry.h"

struct coap_context_t;
struct coap_session_t;

namespace lwcl::client {

class Client {
 public:
  explicit Client(Registry& registry);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens a UDP endpoint on `address` (numeric IPv4) and `port` (0: any free
  // port). Returns the bound port, 0 on failure.
  uint16_t Listen(const std::string& address, uint16_t port);
  // Runs libcoap I/O once, waiting at most `timeout_ms` for traffic.
  void Step(uint32_t timeout_ms);
  // Steps until `done()` is true or `max_ms` of waiting has passed; returns done().
  bool RunUntil(const std::function<bool()>& done, uint32_t max_ms);

  // Seconds on a monotonic clock; tests inject their own. Default: steady_clock.
  void SetClock(std::function<double()> clock) { clock_ = std::move(clock); }
  double Now() const { return clock_(); }

  // Registers with the LwM2M server at `address`:`port` (numeric IPv4, UDP)
  // and keeps the registration alive from Step: Update before the lifetime
  // ends, re-Register with backoff after failures. The server's DM requests
  // arriving on this session are served like those on Listen's endpoint.
  bool Connect(const std::string& address, uint16_t port, RegistrationConfig config);
  // Sends an Update at the next Step (wire /1/x/8 Registration Update Trigger here).
  void RequestUpdate();
  // Starts De-register; Step sends it.
  void Deregister();
  // The registration state machine (nullptr before Connect).
  const RegistrationMachine* registration() const { return registration_.get(); }

  // Observations the server holds (GET with Observe 0; cancelled by GET with
  // Observe 1; an RST is not yet taken as a cancel). Notifications are NON;
  // pmin/pmax default to the first Server instance's /1/x/2 and /1/x/3. The Client installs itself as the registry's change listener
  // so MarkChanged reaches them; notifications go out from Step.
  ObserveScheduler& observations() { return observer_scheduler_; }

  // Every request handled so far, with its answer (for logs and tests).
  uint64_t requests_handled() const { return requests_handled_; }
  // Called after each DM request was answered.
  void SetRequestObserver(std::function<void(const DmRequest&, const DmResponse&)> observer) {
    observer_ = std::move(observer);
  }

  // Internal: the libcoap request callback lands here.
  DmResponse Handle(const DmRequest& request);
  // Internal: an Observe 0 (start) or 1 (cancel) on a request just answered
  // `code`; returns the Observe sequence number to put in the response.
  std::optional<uint32_t> OnObserve(coap_session_t* session, const DmRequest& request, uint32_t observe_value,
                                    const std::vector<uint8_t>& token, CoapCode code);
  void OnRegistrationResponse(CoapCode code, const std::vector<std::string>& location);
  void OnRegistrationTimeout();

 private:
  Registry& registry_;
  void PumpRegistration();
  void PumpNotifications();

  struct Subscriber {
    coap_session_t* session = nullptr;
    std::vector<uint8_t> token;
    std::optional<uint16_t> accept;
    uint32_t sequence = 0;
  };
  coap_context_t* ctx_ = nullptr;
  coap_session_t* session_ = nullptr;
  std::unique_ptr<RegistrationMachine> registration_;
  bool registration_in_flight_ = false;
  std::function<double()> clock_;
  ObserveScheduler observer_scheduler_{registry_};
  std::map<uint64_t, Subscriber> subscribers_;
  uint64_t requests_handled_ = 0;
  std::function<void(const DmRequest&, const DmResponse&)> observer_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_CLIENT_H_
