// Service: the LwM2M server together with its store: what `lwcl server`
// runs. It opens the store, puts back the registrations and observations it
// kept (so a restart neither drops devices nor makes them bootstrap again),
// starts the CoAP endpoints, and from then on records what happens:
// registrations, events, and every observed or sent value, through a
// SampleBuffer that keeps values in memory while the database is away.
//
// When the database goes away it keeps serving: registrations, updates,
// notifications and requests go on; values wait in the SampleBuffer, and
// events, registration changes and observation changes wait in memory, in
// order, and are written (with a growing back-off between attempts) once it
// answers again. Nothing it acknowledged to a device is lost unless the
// process ends first. DTLS keys it has seen stay usable meanwhile.
//
// Every DM request made through it (Request, Observe, CancelObservation)
// is recorded as a `request` event with its operation, paths, outcome and
// latency, like registrations and de-registrations.
//
// Threads: Step, Request, Observe and CancelObservation run on one loop
// thread (libcoap's). The REST layer calls Post to run work there, and reads
// through its own store connection (OpenReader). Subscribe delivers every
// event to live listeners (the server-sent event stream) from the loop
// thread. stats() may be called from any thread.
#ifndef LWCL_SERVER_SERVICE_H_
#define LWCL_SERVER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/bootstrap_server.h"
#include "server/lwm2m_server.h"
#include "server/store_mapping.h"
#include "store/records.h"
#include "store/sample_buffer.h"
#include "store/store.h"

namespace lwcl::server {

struct ServiceOptions {
  ServerOptions coap;
  std::string database = "data/lwcl.db";  // a SQLite file, or postgresql://...
  store::SampleBufferOptions buffer;
  // The bootstrap-server role, on its own port, when set. It provisions a
  // device whose endpoint has a credential in the store with the DM server's
  // DTLS-PSK account (coaps://, needs coap.dtls_port), and one without a
  // credential with a NoSec account (coap://) only when allow_nosec says so;
  // other endpoints are refused (4.00).
  std::optional<BootstrapOptions> bootstrap;
  // Paths (e.g. "/33650") the service observes on every device that
  // registers with their object, unless it observes them already: what a
  // dashboard wants to see without anyone asking. Kept like any observation.
  std::vector<std::string> observe_on_register;
  bool bootstrap_allow_nosec = false;
  int64_t bootstrap_lifetime_s = 86400;
  // The host devices reach this server at, for the Package URIs it hands
  // out (PackageUri); empty: coap.address.
  std::string package_host;
};

// Counters for logs, the API's /health and benchmarks.
struct ServiceStats {
  uint64_t notifications = 0;
  uint64_t sends = 0;
  uint64_t values = 0;          // samples accepted into the buffer
  uint64_t requests = 0;        // DM requests made through the service (answered or not)
  uint64_t store_errors = 0;    // failed store calls (events, registrations, observations)
  uint64_t rejected_events = 0; // events the store refused as invalid (dropped, counted)
  size_t pending_values = 0;    // accepted, not yet stored
  size_t pending_events = 0;    // events kept for a retry
  size_t pending_writes = 0;    // registration and observation changes kept for a retry
  // Whether the service's own writes reach the database: false from a failed
  // write until one succeeds again; store_error says why.
  bool store_ok = true;
  std::string store_error;
  std::string last_store_error;  // the latest failure, kept after recovery
};

class Service {
 public:
  // Opens the database and the endpoints; nullptr with *error on failure.
  static std::unique_ptr<Service> Open(const ServiceOptions& options, std::string* error);
  ~Service();

  // One turn of the loop: CoAP I/O (at most `timeout_ms`), timers, store flushes.
  void Step(uint32_t timeout_ms);
  // Thread-safe: runs `work` on the loop thread at the next Step.
  void Post(std::function<void()> work) { lwm2m_->Post(std::move(work)); }
  // Flushes what is buffered (at shutdown); returns false if some stayed.
  bool Flush();

  Lwm2mServer& lwm2m() { return *lwm2m_; }
  // The bootstrap server, or nullptr when the role is off.
  BootstrapServer* bootstrap() { return bootstrap_.get(); }
  // The loop thread's store (writes). Other threads use OpenReader.
  store::Store& store() { return *store_; }
  // A separate connection for readers on other threads.
  std::unique_ptr<store::Store> OpenReader(std::string* error) const;

  // Sends a DM request (Lwm2mServer::Request) and records its outcome as a
  // `request` event: {"operation","paths","outcome","latency_ms"[,"error"]},
  // outcome being the CoAP code ("2.05", "4.04"...), "timed_out" or "error".
  // `done` is called exactly once, after the event is recorded.
  void Request(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback done);
  // Starts an observation the service keeps (stored, restored after a
  // restart); its first answer's values are stored like notifications, and
  // the outcome is a `request` event (operation observe, with its id).
  uint64_t Observe(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback first);
  // Cancels it on the device and forgets it; a `request` event (cancel).
  void CancelObservation(uint64_t id, Lwm2mServer::Callback done);

  // Live events, called on the loop thread after each is stored (or kept for
  // a retry). Returns a handle for Unsubscribe. Thread-safe.
  uint64_t Subscribe(std::function<void(const store::Event&)> listener);
  void Unsubscribe(uint64_t handle);

  ServiceStats stats() const;

  // An event of the model registry or a rollout (fleet-wide when
  // `endpoint` is empty) from any thread: stored and sent to subscribers
  // from the loop thread, like the device events.
  void Announce(std::string kind, std::string detail_json, std::string endpoint = {}) {
    Post([this, kind = std::move(kind), detail = std::move(detail_json), ep = std::move(endpoint)]() mutable {
      RecordEvent(ep, kind, std::move(detail));
    });
  }
  // Work the loop thread runs at every Step (after I/O), with the loop's
  // clock in seconds: rollouts and other schedules. Call before the loop
  // runs. Both are thread-safe; after RemoveTicker returns, the ticker is
  // not running and never runs again.
  uint64_t AddTicker(std::function<void(double now_s)> ticker) {
    std::lock_guard lock(tickers_mutex_);
    tickers_[next_ticker_] = std::move(ticker);
    return next_ticker_++;
  }
  void RemoveTicker(uint64_t handle) {
    std::lock_guard lock(tickers_mutex_);
    tickers_.erase(handle);
  }
  double Now() const { return lwm2m_->Now(); }

  // Model packages devices may pull from GET coap(s)://<server>/pkg/<name>
  // (Block2): offered while a rollout needs them. Thread-safe.
  void OfferPackage(const std::string& name, std::shared_ptr<const std::vector<uint8_t>> bytes);
  void WithdrawPackage(const std::string& name);
  // Where `endpoint` pulls package `name` from: coaps:// on the DTLS port
  // when it registered over DTLS, coap:// otherwise; "" when it is not
  // registered. Loop thread.
  std::string PackageUri(const std::string& endpoint, const std::string& name) const;
  // Reads /33651/0 (ML Inference) and keeps "name version" as the device's
  // model_version in the store: what the fleet overview shows. At every
  // registration, and after a rollout activated a model. Loop thread.
  void LearnModelVersion(const std::string& endpoint);

 private:
  Service() = default;
  void RecordEvent(const std::string& endpoint, const std::string& kind, std::string detail_json);
  void RecordValues(const std::string& endpoint, const std::vector<lwm2m::Record>& records);
  // A Send: its values to the time series, its /33652 Training Samples to
  // the store's training_samples (5.03 while the store cannot take them, so
  // the device keeps them; 4.00 when nothing in it was usable).
  SendAnswer TakeSend(const std::string& endpoint, const std::vector<lwm2m::Record>& records);
  void RecordRequest(const std::string& endpoint, const std::string& operation,
                     const std::vector<lwm2m::Path>& paths, const DeviceResponse& response, double started_s,
                     uint64_t observation);
  void SaveRegistration(const Registration& r);
  void DeleteRegistration(const std::string& endpoint);
  void SaveObservation(const ObservationInfo& info, bool ended);
  // One write of a registration (nullopt: delete) or of an observation
  // (nullopt: remove); false when the store failed (kept for a retry).
  bool WriteRegistration(const std::string& endpoint, const std::optional<Registration>& r);
  bool WriteObservation(uint64_t id, const std::optional<ObservationInfo>& info);
  // Writes what waits (registrations, observations, then events, in order);
  // stops at the first failure. `force` ignores the back-off.
  void RetryStore(bool force);
  // Bookkeeping of every store write's outcome (store_ok, errors, back-off).
  void StoreFailed(const store::Status& status);
  void StoreSucceeded();
  bool Backlog() const;
  void PublishBacklog();  // the backlog's size into stats_ (read by other threads)
  std::optional<std::vector<uint8_t>> PskFor(std::string_view identity);
  bool Authorize(const std::string& endpoint, const std::string& identity);
  std::optional<BootstrapConfig> Provision(const std::string& endpoint);
  void ObserveOnRegister(const Registration& r);
  bool StartBootstrap(std::string* error);

  ServiceOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::SampleBuffer> buffer_;
  std::unique_ptr<Lwm2mServer> lwm2m_;
  std::unique_ptr<BootstrapServer> bootstrap_;
  // "endpoint path" of every single-path observation held, so that
  // observe_on_register never observes a path twice.
  std::set<std::string> observed_paths_;
  // Kept while the database is away, written in order when it returns.
  std::vector<store::Event> unsent_events_;
  std::map<std::string, std::optional<Registration>> unsaved_registrations_;      // by endpoint
  std::map<uint64_t, std::optional<ObservationInfo>> unsaved_observations_;       // by server id
  double retry_at_s_ = 0;   // no retry before (lwm2m clock)
  double backoff_s_ = 0;
  std::map<uint64_t, int64_t> stored_observation_;  // server id -> store id
  // Credentials the store gave, by identity: used only while the store
  // cannot answer, so known devices still connect over DTLS.
  std::map<std::string, store::Credential> known_credentials_;
  mutable std::mutex listeners_mutex_;
  std::map<uint64_t, std::function<void(const store::Event&)>> listeners_;
  mutable std::mutex packages_mutex_;
  std::map<std::string, std::shared_ptr<const std::vector<uint8_t>>> packages_;
  std::mutex tickers_mutex_;
  std::map<uint64_t, std::function<void(double)>> tickers_;
  uint64_t next_ticker_ = 1;
  uint64_t next_listener_ = 1;
  mutable std::mutex stats_mutex_;  // stats_ is read from other threads
  ServiceStats stats_;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_SERVICE_H_
