// Client: the LwM2M client engine's CoAP side over libcoap. It owns one
// libcoap context and answers the LwM2M server's DM requests (on a listening
// endpoint, or on its registration session) from a Registry, through
// HandleDmRequest. Block-wise transfers in both directions are libcoap's
// (COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY), so handlers see whole
// bodies; a body above max_request_body() is answered 4.13 with Size1.
//
// Transports: CoAP over UDP (NoSec), CoAP over DTLS with a pre-shared key,
// and CoAP over DTLS with X.509 certificates (libcoap built with OpenSSL),
// both for the registration session (Connect) and for listening endpoints
// (Listen / ListenDtls / ListenDtlsPki).
//
// Beyond DM: registration kept alive from Step, Observe (notifications NON or
// CON; an RST or a lost CON notification cancels the observation), LwM2M Send
// (POST /dp, queued while not registered), and Queue Mode (binding with 'Q':
// notifications held while asleep, an Update first on wake; queue_mode.h).
//
// Single-threaded: nothing happens outside Step/RunUntil, which run libcoap's
// I/O on the calling thread. libcoap types stay out of this header.
#ifndef LWCL_CLIENT_CLIENT_H_
#define LWCL_CLIENT_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "client/bootstrap.h"
#include "client/dm_request.h"
#include "client/observe_scheduler.h"
#include "client/queue_mode.h"
#include "client/registration.h"
#include "client/registry.h"
#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

struct coap_context_t;
struct coap_session_t;

namespace lwcl::client {

// Our X.509 certificate and key, and the CA a DTLS peer's certificate must
// chain to (Security Mode 2, Certificate), as PEM files (read by OpenSSL at
// handshake time, so they must exist then).
//
// What is verified when verify_peer is on: the peer presents a certificate,
// and its chain verifies against `ca_pem_file` (signatures, validity dates,
// libcoap's cert_chain_verify_depth 3); nothing else. The peer's CN and
// subjectAltName are NOT compared with the host or endpoint name, and
// revocation (CRL/OCSP) is not checked. verify_peer off accepts any certificate the peer holds the
// key for (only for tests and bring-up). On one Client, every certificate
// session and endpoint shares one OpenSSL context (libcoap 4.3.1 loads each
// CA into that context's trust store), so a CA given to one of them may be
// trusted by all of them: give one Client one CA.
struct PkiCredentials {
  std::string certificate_pem_file;
  std::string private_key_pem_file;
  std::string ca_pem_file;
  bool verify_peer = true;
};

// Where the LwM2M server is, and how to reach it: plain UDP (NoSec), DTLS
// with a pre-shared key (Security Mode 0), or DTLS with certificates
// (Security Mode 2): with `dtls`, `pki` set selects certificates and the PSK
// fields are ignored.
struct Endpoint {
  std::string host;  // numeric IPv4
  uint16_t port = 5683;
  bool dtls = false;
  std::vector<uint8_t> psk_identity;
  std::vector<uint8_t> psk_key;
  std::optional<PkiCredentials> pki;
};

// The key a DTLS listening endpoint accepts. An empty identity accepts any
// identity the peer names (the key still has to match).
struct PskCredentials {
  std::vector<uint8_t> identity;
  std::vector<uint8_t> key;
};

// The outcome of a Send: the server's response code, or nullopt when no
// answer came (timeout, RST, or dropped from a full queue).
using SendCallback = std::function<void(std::optional<lwm2m::CoapCode>)>;

class Client {
 public:
  static constexpr size_t kDefaultMaxRequestBody = 64 * 1024;
  static constexpr size_t kDefaultSendQueueLimit = 16;

  explicit Client(Registry& registry);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens a UDP endpoint on `address` (numeric IPv4) and `port` (0: any free
  // port). Returns the bound port, 0 on failure.
  uint16_t Listen(const std::string& address, uint16_t port);
  // The same over DTLS: peers must hold `psk` (coaps://). Returns 0 on
  // failure, also when libcoap has no DTLS.
  uint16_t ListenDtls(const std::string& address, uint16_t port, const PskCredentials& psk);
  // The same with certificates: we present `pki`'s certificate, and peers
  // must present a client certificate chaining to `pki.ca_pem_file` (unless
  // verify_peer is off; see PkiCredentials for what is checked). One set of
  // certificates per Client. Returns 0 on failure: no DTLS, a missing
  // certificate or key file, or no CA while verify_peer is on. libcoap keeps
  // PSK and certificate setups per context, not per endpoint: on a Client
  // that also called ListenDtls, either DTLS endpoint may accept a peer with
  // the PSK or with a certificate.
  uint16_t ListenDtlsPki(const std::string& address, uint16_t port, const PkiCredentials& pki);
  // Runs the tasks (AddTask), libcoap I/O once (waiting at most `timeout_ms`
  // for traffic), registration, notifications and Send.
  void Step(uint32_t timeout_ms);
  // Steps until `done()` is true or `max_ms` of waiting has passed; returns done().
  bool RunUntil(const std::function<bool()>& done, uint32_t max_ms);
  // Called on every Step, in the order added (e.g. a download pump).
  void AddTask(std::function<void()> task) { tasks_.push_back(std::move(task)); }

  // Seconds on a monotonic clock; tests inject their own. Default: steady_clock.
  void SetClock(std::function<double()> clock) { clock_ = std::move(clock); }
  double Now() const { return clock_(); }

  // Registers with the LwM2M server and keeps the registration alive from
  // Step: Update before the lifetime ends, re-Register with backoff after
  // failures. The server's DM requests arriving on this session are served
  // like those on Listen's endpoint. A binding containing 'Q' turns on queue
  // mode (EnableQueueMode with the default awake time, unless set before).
  bool Connect(const Endpoint& server, RegistrationConfig config);
  // NoSec UDP shorthand.
  bool Connect(const std::string& address, uint16_t port, RegistrationConfig config);
  // Sends an Update at the next Step (wire /1/x/8 Registration Update Trigger here).
  void RequestUpdate();
  // Starts De-register; Step sends it.
  void Deregister();
  // Starts from what Security /0 says (Core spec 6.1): with an LwM2M Server
  // account (the first non-bootstrap instance; its URI must be a numeric
  // IPv4 coap:// or coaps:// URI, coaps with Security Mode 0 taking the PSK
  // identity and key from /0/x/3 and /0/x/5) it registers there; otherwise
  // it bootstraps from the Bootstrap-Server account, serves the
  // Bootstrap-Server's requests (HandleBootstrapRequest) and, after a
  // successful Bootstrap-Finish, registers with the server /0 now names.
  // `bootstrap.endpoint` defaults to `registration.endpoint`; the lifetime
  // and binding come from the Server /1 instance with the account's Short
  // Server ID when there is one. False when /0 has no usable account.
  bool Start(RegistrationConfig registration, BootstrapConfig bootstrap = {});
  // The bootstrap state machine (nullptr unless Start bootstraps).
  const BootstrapMachine* bootstrap() const { return bootstrap_.get(); }

  // Keeps Security /0, Server /1 and every Write-Attributes in `file`
  // (persistence.h): loads it now (a missing file is a first start), and
  // saves after every change to /0 or /1 or to attributes, made by a server
  // or by the application. Returns false (with *error) when the file exists
  // but cannot be loaded; the registry is then untouched.
  bool SetStateFile(const std::string& file, std::string* error = nullptr);
  // Saves done so far (for tests and logs).
  uint64_t state_saves() const { return state_saves_; }

  // The registration state machine (nullptr before Connect).
  const RegistrationMachine* registration() const { return registration_.get(); }
  bool registered() const;

  // Observations the server holds (GET with Observe 0; cancelled by GET with
  // Observe 1, by an RST answering a notification, or by a CON notification
  // that got no answer). pmin/pmax default to the first Server instance's
  // /1/x/2 and /1/x/3. The Client installs itself as the registry's change
  // listener so MarkChanged reaches them; notifications go out from Step.
  ObserveScheduler& observations() { return observer_scheduler_; }
  // Notifications are NON by default; true sends them CON.
  void SetConfirmableNotifications(bool confirmable) { confirmable_notifications_ = confirmable; }
  // Observations cancelled because the observer answered RST or never ACKed.
  uint64_t observations_cancelled_by_peer() const { return cancelled_by_peer_; }

  // Largest request body accepted (after block-wise reassembly, or as
  // announced in Size1); larger ones are answered 4.13 with Size1 = limit.
  void SetMaxRequestBody(size_t bytes) { max_request_body_ = bytes; }
  size_t max_request_body() const { return max_request_body_; }

  // LwM2M Send (Core spec 6.4.3, POST /dp, CON): reads `paths` now and sends
  // their values in the send format (SenML CBOR by default) on the
  // registration session. While not registered (or asleep in queue mode)
  // the message waits in a bounded queue; when full, the oldest is dropped
  // (its callback gets nullopt). Returns false when a path cannot be read
  // or encoded (nothing queued).
  bool Send(std::span<const lwm2m::Path> paths, SendCallback done = nullptr);
  // Sends these records as they are (absolute paths).
  bool SendRecords(std::span<const lwm2m::Record> records, SendCallback done = nullptr);
  void SetSendFormat(lwm2m::ContentFormat format) { send_format_ = format; }
  void SetSendQueueLimit(size_t n) { send_queue_limit_ = n == 0 ? 1 : n; }
  // Sends waiting for registration plus those in flight.
  size_t pending_sends() const { return send_queue_.size() + sends_in_flight_.size(); }

  // Queue mode: reachable for `awake_s` after each exchange, then asleep
  // (notifications held; on wake an Update first, then the held ones).
  void EnableQueueMode(double awake_s = QueueMode::kDefaultAwakeSeconds);
  const QueueMode* queue_mode() const { return queue_.get(); }
  // Notifications waiting for the client to wake.
  size_t held_notifications() const { return held_.size(); }

  // Every request handled so far, with its answer (for logs and tests).
  uint64_t requests_handled() const { return requests_handled_; }
  // Called after each DM request was answered.
  void SetRequestObserver(std::function<void(const DmRequest&, const DmResponse&)> observer) {
    observer_ = std::move(observer);
  }

  // Internal: the libcoap callbacks land here.
  DmResponse Handle(const DmRequest& request);
  // A request that arrived on `session`: the Bootstrap-Server's while
  // bootstrapping from it, else a DM request.
  DmResponse HandleFrom(coap_session_t* session, const DmRequest& request);
  // An Observe 0 (start) or 1 (cancel) on a request just answered `code`;
  // returns the Observe sequence number to put in the response.
  std::optional<uint32_t> OnObserve(coap_session_t* session, const DmRequest& request, uint32_t observe_value,
                                    const std::vector<uint8_t>& token, lwm2m::CoapCode code);
  void OnResponse(const std::vector<uint8_t>& token, lwm2m::CoapCode code, const std::vector<std::string>& location);
  // A CON we sent got no answer (`rst`: answered with RST).
  void OnNack(coap_session_t* session, const std::vector<uint8_t>& token, bool rst);
  void OnIncomingRequest();

 private:
  struct Subscriber {
    coap_session_t* session = nullptr;
    std::vector<uint8_t> token;
    std::optional<uint16_t> accept;
    uint32_t sequence = 0;
  };
  struct PendingSend {
    std::vector<uint8_t> payload;
    uint16_t format = 0;
    SendCallback done;
  };

  void PumpRegistration();
  void PumpBootstrap();
  bool ConnectFromAccounts();
  void SaveStateIfDirty();
  void OnRegistryChange(const lwm2m::Path& path);
  void PumpNotifications();
  void PumpSends();
  void Notify(uint64_t id);
  void DropSubscriber(uint64_t id);
  bool EnqueueSend(PendingSend send);
  uint32_t ClampTimeout(uint32_t timeout_ms, std::optional<double> wake) const;

  Registry& registry_;
  coap_context_t* ctx_ = nullptr;
  coap_session_t* session_ = nullptr;
  std::unique_ptr<RegistrationMachine> registration_;
  bool registration_in_flight_ = false;
  std::vector<uint8_t> registration_token_;
  std::function<double()> clock_;
  ObserveScheduler observer_scheduler_{registry_};
  std::map<uint64_t, Subscriber> subscribers_;
  bool confirmable_notifications_ = false;
  uint64_t cancelled_by_peer_ = 0;
  size_t max_request_body_ = kDefaultMaxRequestBody;
  uint64_t requests_handled_ = 0;
  std::function<void(const DmRequest&, const DmResponse&)> observer_;
  std::vector<std::function<void()>> tasks_;
  // DTLS keys stay alive as long as libcoap may look at them.
  PskCredentials server_psk_;
  PkiCredentials server_pki_;
  Endpoint endpoint_;
  // Send.
  lwm2m::ContentFormat send_format_ = lwm2m::ContentFormat::kSenmlCbor;
  size_t send_queue_limit_ = kDefaultSendQueueLimit;
  std::deque<PendingSend> send_queue_;
  std::map<std::vector<uint8_t>, PendingSend> sends_in_flight_;
  // Bootstrap.
  std::unique_ptr<BootstrapMachine> bootstrap_;
  coap_session_t* bootstrap_session_ = nullptr;
  bool bootstrap_in_flight_ = false;
  std::vector<uint8_t> bootstrap_token_;
  Endpoint bootstrap_endpoint_;
  RegistrationConfig start_config_;
  // Persistence.
  std::string state_file_;
  bool state_dirty_ = false;
  uint64_t state_saves_ = 0;
  // Queue mode.
  std::unique_ptr<QueueMode> queue_;
  std::set<uint64_t> held_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_CLIENT_H_
