// Lwm2mServer: the LwM2M server's CoAP side over libcoap: one context with a
// UDP endpoint and, when a PSK lookup is given, a DTLS-PSK endpoint. It runs
// the registration interface (/rd), Send intake (/dp), and the server's own
// DM requests to clients (read, write, execute, discover, attributes, create,
// delete, composites, observe) as an asynchronous API with timeouts.
//
// Single-threaded like libcoap: everything runs inside Step on the loop
// thread, and callbacks are called there. Other threads hand work over with
// Post (thread-safe), which the next Step runs. libcoap types stay out of
// this header.
//
// It promises:
// - every Request's callback is called exactly once: with the answer, with
//   `timed_out` after the timeout, or with `error` when it could not be sent
//   (unknown endpoint, malformed request) or the device de-registered;
// - requests to a queue-mode client that is asleep wait (in order) until the
//   client next talks to the server, then go out;
// - an observation keeps its id for its whole life: when the device registers
//   anew (its observations are gone on its side) the server observes again
//   with a new token; after a restart, observations restored with their
//   tokens keep receiving notifications without a new request.
#ifndef LWCL_SERVER_LWM2M_SERVER_H_
#define LWCL_SERVER_LWM2M_SERVER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lwm2m/object_registry.h"
#include "server/device_request.h"
#include "server/registration_table.h"

struct coap_context_t;
struct coap_session_t;

namespace lwcl::server {

struct ServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4
  uint16_t udp_port = 5683;           // 0: any free port
  std::optional<uint16_t> dtls_port;  // set (0: any free) to listen for DTLS-PSK
  // The key for a DTLS-PSK identity; nullopt refuses the handshake.
  std::function<std::optional<std::vector<uint8_t>>(std::string_view identity)> psk_lookup;
  double request_timeout_s = 30;  // an awake device's answer
  double queue_wait_s = 3600;     // how long a request waits for a sleeping queue-mode device
  double queue_awake_s = 93;      // a queue-mode device listens this long after it last spoke (Core: 93 s)
  // GET /pkg/<name> answers the bytes this gives for <name> (block-wise,
  // Block2, when larger than a block; 4.04 for nullptr): where devices pull
  // a model package from (/9/x/3 Package URI). Called on the loop thread.
  std::function<std::shared_ptr<const std::vector<uint8_t>>(std::string_view name)> packages;
};

enum class DeregisterReason : uint8_t { kDeregistered, kExpired, kReplaced };
const char* DeregisterReasonName(DeregisterReason r);

// The server's events, called on the loop thread. All optional.
struct ObservationInfo;

// How a Send is answered: 2.04 when it was taken; the caller may refuse it
// (4.00: nothing usable in it) or ask the client to send again later (5.03:
// the store is away), with a diagnostic payload.
struct SendAnswer {
  lwm2m::CoapCode code = lwm2m::CoapCode::kChanged;
  std::string diagnostic;
};

struct ServerEvents {
  // May refuse a Register (answered 4.03): e.g. a DTLS identity that does
  // not belong to the endpoint. `psk_identity` is empty over UDP.
  std::function<bool(const std::string& endpoint, const std::string& psk_identity)> authorize;
  std::function<void(const Registration&)> on_registered;
  std::function<void(const Registration&)> on_updated;
  std::function<void(const Registration&, DeregisterReason)> on_deregistered;
  // Values a client sent with LwM2M Send (/dp); the answer goes back to it.
  std::function<SendAnswer(const std::string& endpoint, const std::vector<lwm2m::Record>&)> on_send;
  // A notification of observation `id` (the first answer goes to the
  // Observe callback, later ones come here).
  std::function<void(uint64_t id, const std::string& endpoint, const DeviceResponse&)> on_notify;
  // An observation was established on the device (again: its token may have
  // changed) or ended (`ended`), so the caller can keep it across restarts.
  std::function<void(const ObservationInfo&, bool ended)> on_observation;
};

// An observation the server holds: enough to match notifications after a
// restart (the token) and to observe again after a re-registration.
struct ObservationInfo {
  uint64_t id = 0;
  std::string endpoint;
  DeviceRequest request;  // kObserve or kObserveComposite
  std::vector<uint8_t> token;
};

// A decoded CoAP message and the answer to an incoming request (private:
// src/coap/coap_endpoint.h).
struct CoapMessage;
struct CoapAnswer;

class Lwm2mServer {
 public:
  using Callback = std::function<void(const DeviceResponse&)>;

  Lwm2mServer(ServerOptions options, ServerEvents events);
  ~Lwm2mServer();
  Lwm2mServer(const Lwm2mServer&) = delete;
  Lwm2mServer& operator=(const Lwm2mServer&) = delete;

  // Opens the endpoints; false with the reason on failure (port in use...).
  bool Start(std::string* error);
  uint16_t udp_port() const { return udp_port_; }
  uint16_t dtls_port() const { return dtls_port_; }

  // Runs libcoap I/O once (at most `timeout_ms`), then timers: request
  // timeouts, lifetime expiry, queued requests of devices that woke.
  void Step(uint32_t timeout_ms);
  // Thread-safe: runs `work` on the loop thread at the next Step.
  void Post(std::function<void()> work);

  // Seconds since the Unix epoch; tests inject their own.
  void SetClock(std::function<double()> clock) { clock_ = std::move(clock); }
  double Now() const { return clock_(); }

  // Object definitions used to type decoded values (the bundled DDFs by default).
  lwm2m::ObjectRegistry& objects() { return objects_; }

  // Sends a DM request to `endpoint`; `done` gets the outcome (see above).
  void Request(const std::string& endpoint, const DeviceRequest& request, Callback done);
  // Starts an observation; `first` gets the first answer; later notifications
  // go to ServerEvents::on_notify. Returns its id (0 when it could not start:
  // `first` then got the error).
  uint64_t Observe(const std::string& endpoint, const DeviceRequest& request, Callback first);
  // Cancels actively (GET with Observe 1) and forgets it.
  void CancelObservation(uint64_t id, Callback done);
  std::vector<ObservationInfo> Observations() const;
  // After a restart: hold these again (notifications are matched by token).
  void RestoreObservation(const ObservationInfo& info);
  void RestoreRegistration(const Registration& registration);

  const RegistrationTable& registrations() const { return table_; }
  // Requests waiting for a sleeping queue-mode device.
  size_t QueuedRequests(const std::string& endpoint) const;

  // Internal: libcoap's callbacks land here.
  void OnIncoming(coap_session_t* session, const CoapMessage& message, CoapAnswer* answer);
  // Returns false for a token the server does not know (libcoap then RSTs it).
  bool OnResponse(coap_session_t* session, const CoapMessage& message);
  void OnNack(const std::vector<uint8_t>& token);
  const std::vector<uint8_t>* PskFor(const std::string& identity);

 private:
  // A request whose format the server chose (content_negotiation.h): what
  // was asked (format open), what went out, and what to try if refused.
  struct Negotiation {
    DeviceRequest asked;
    std::optional<lwm2m::ContentFormat> chosen;
    std::optional<lwm2m::ContentFormat> next;
    std::optional<DeviceResponse::Refused> refused;
  };
  struct Pending {
    std::string endpoint;
    DeviceRequest request;
    Callback done;
    double deadline = 0;
    uint64_t observation = 0;  // set for observe requests
    Negotiation negotiation;
  };
  struct Queued {
    DeviceRequest request;
    Callback done;
    double deadline = 0;
    uint64_t observation = 0;
  };
  struct Peer {  // a registered endpoint's transport
    coap_session_t* session = nullptr;
    double last_heard = 0;
    std::deque<Queued> queue;
  };

  void HandleRegister(coap_session_t* session, const CoapMessage& m, CoapAnswer* a);
  void HandleUpdate(coap_session_t* session, const std::string& location, const CoapMessage& m,
                    CoapAnswer* a);
  void HandleDeregister(const std::string& location, CoapAnswer* a);
  void HandleSend(coap_session_t* session, const CoapMessage& m, CoapAnswer* a);
  void Heard(const std::string& endpoint, coap_session_t* session);
  // `cancel_token`: send `request` as the cancel (Observe 1) of the
  // observation that used this token.
  // `retry`: a second try in another format (the request is already resolved).
  void Dispatch(const std::string& endpoint, const DeviceRequest& request, Callback done, double deadline,
                uint64_t observation, const std::vector<uint8_t>& cancel_token = {},
                std::optional<Negotiation> retry = std::nullopt);
  // Retries a request the device refused in a format the server chose;
  // false when there is nothing else to try.
  bool RetryInNextFormat(Pending& p, lwm2m::CoapCode code);
  bool Awake(const Registration& r, const Peer& peer) const;
  void FlushQueue(const std::string& endpoint);
  void Dropped(const Registration& r, DeregisterReason reason);
  void Reobserve(const std::string& endpoint);
  void RunTimers();
  void RunPosted();
  // observations_ and its index by endpoint change together through these.
  void AddObservation(const ObservationInfo& info);
  void RemoveObservation(uint64_t id);

  ServerOptions options_;
  ServerEvents events_;
  std::function<double()> clock_;
  lwm2m::ObjectRegistry objects_;
  coap_context_t* ctx_ = nullptr;
  uint16_t udp_port_ = 0;
  uint16_t dtls_port_ = 0;
  RegistrationTable table_;
  std::map<std::string, Peer> peers_;                     // by endpoint
  std::map<std::vector<uint8_t>, Pending> pending_;       // by token
  std::map<uint64_t, ObservationInfo> observations_;      // by id
  // Indexes that keep per-message work independent of the fleet's size:
  // who a session belongs to (Send intake), and each endpoint's observations
  // (re-observe on registration, de-registration).
  std::unordered_map<coap_session_t*, std::string> endpoint_by_session_;
  std::unordered_map<std::string, std::set<uint64_t>> observations_of_;
  std::map<std::vector<uint8_t>, uint64_t> observation_by_token_;
  uint64_t next_observation_ = 1;
  uint64_t token_counter_ = 0;
  double next_expiry_check_ = 0;
  double next_timeout_check_ = 0;
  mutable std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::map<std::string, std::vector<uint8_t>> psk_keys_;  // by identity, as last looked up
  uint32_t token_salt_ = 0;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_LWM2M_SERVER_H_
