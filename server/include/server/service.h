// Service: the LwM2M server together with its store: what `lwcl server`
// runs. It opens the store, puts back the registrations and observations it
// kept (so a restart neither drops devices nor makes them bootstrap again),
// starts the CoAP endpoints, and from then on records what happens:
// registrations, events, and every observed or sent value, through a
// SampleBuffer that keeps values in memory while the database is away.
//
// Threads: Step runs on one loop thread (libcoap's). The REST layer calls
// Post to run work there, and reads through its own store connection
// (OpenReader). Subscribe delivers every stored event to live listeners
// (the server-sent event stream) from the loop thread.
#ifndef LWCL_SERVER_SERVICE_H_
#define LWCL_SERVER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/lwm2m_server.h"
#include "store/records.h"
#include "store/sample_buffer.h"
#include "store/store.h"

namespace lwcl::server {

struct ServiceOptions {
  ServerOptions coap;
  std::string database = "data/lwcl.db";  // a SQLite file, or postgresql://...
  store::SampleBufferOptions buffer;
};

// Counters for logs, the API's /health and benchmarks.
struct ServiceStats {
  uint64_t notifications = 0;
  uint64_t sends = 0;
  uint64_t values = 0;          // samples accepted into the buffer
  uint64_t store_errors = 0;    // failed store calls (events, registrations)
  size_t pending_values = 0;    // accepted, not yet stored
  size_t pending_events = 0;
  std::string last_store_error;
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
  // The loop thread's store (writes). Other threads use OpenReader.
  store::Store& store() { return *store_; }
  // A separate connection for readers on other threads.
  std::unique_ptr<store::Store> OpenReader(std::string* error) const;

  // Starts an observation the service keeps (stored, restored after a restart).
  uint64_t Observe(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback first);
  void CancelObservation(uint64_t id, Lwm2mServer::Callback done);

  // Live events, called on the loop thread after each is stored (or kept for
  // a retry). Returns a handle for Unsubscribe. Thread-safe.
  uint64_t Subscribe(std::function<void(const store::Event&)> listener);
  void Unsubscribe(uint64_t handle);

  ServiceStats stats() const;

 private:
  Service() = default;
  void RecordEvent(const std::string& endpoint, const std::string& kind, std::string detail_json);
  void RecordValues(const std::string& endpoint, const std::vector<lwm2m::Record>& records);
  void SaveRegistration(const Registration& r);
  void SaveObservation(const ObservationInfo& info, bool ended);
  void RetryEvents();

  ServiceOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::SampleBuffer> buffer_;
  std::unique_ptr<Lwm2mServer> lwm2m_;
  std::vector<store::Event> unsent_events_;  // kept while the database is away
  std::map<uint64_t, int64_t> stored_observation_;  // server id -> store id
  mutable std::mutex listeners_mutex_;
  std::map<uint64_t, std::function<void(const store::Event&)>> listeners_;
  uint64_t next_listener_ = 1;
  ServiceStats stats_;
};

// lwm2m records <-> store samples and registrations (exposed for tests).
std::vector<store::Sample> ToSamples(const std::string& endpoint, const std::vector<lwm2m::Record>& records,
                                     store::TimeMs now_ms);
store::Registration ToStored(const Registration& r);
Registration FromStored(const store::Registration& r);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_SERVICE_H_
