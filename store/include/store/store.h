// Store: the LwM2M server's persistence, one interface over two back ends
// (SqliteStore, embedded, the default; PostgresStore, for scale). Open one
// with OpenStore() (open_store.h).
//
// Promises, for every back end:
// - No exception escapes and the process does not crash when the database
//   goes away: every call returns a Status or Result with a message. A
//   PostgresStore reconnects on the next call once the server is back.
// - Writes are atomic per call. AppendValues writes its whole batch in one
//   transaction: all of it is stored, or none of it.
// - AppendValues is idempotent: a series keeps one value per millisecond
//   (endpoint, path, time_ms); storing it again replaces it with the same
//   value. So a batch whose commit outcome is unknown (connection lost during
//   COMMIT) can be retried without duplicates — SampleBuffer relies on it.
// - AppendValues also advances the per-path snapshot (latest value) when the
//   sample is at least as new as the snapshot, in the same transaction.
// - The schema is versioned and created or migrated on open.
//
// Not thread-safe: use one Store per thread, or serialise calls.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/status.h"

namespace lwcl::store {

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string BackendName() const = 0;
  // The schema version this database is at after open.
  virtual Result<int> SchemaVersion() = 0;

  // ---- devices ----
  // Insert or replace (by endpoint).
  virtual Status PutDevice(const Device& device) = 0;
  virtual Result<Device> GetDevice(const std::string& endpoint) = 0;  // kNotFound
  // Removes the device and everything stored for it, events excepted.
  virtual Status DeleteDevice(const std::string& endpoint) = 0;
  // All devices, by endpoint, with registration state and last seen time.
  virtual Result<std::vector<DeviceSummary>> ListDevices() = 0;

  // ---- credentials (PSK) ----
  // Insert or replace (by endpoint). kInvalid if the identity belongs to
  // another endpoint.
  virtual Status PutCredential(const Credential& credential) = 0;
  virtual Result<Credential> GetCredential(const std::string& endpoint) = 0;
  virtual Result<Credential> FindCredentialByIdentity(const std::string& psk_identity) = 0;
  virtual Status DeleteCredential(const std::string& endpoint) = 0;  // kNotFound
  virtual Result<std::vector<Credential>> ListCredentials() = 0;

  // ---- registrations ----
  // Insert or replace (by endpoint); creates the device (created_ms =
  // registered_at_ms) if it is not known yet.
  virtual Status PutRegistration(const Registration& registration) = 0;
  virtual Result<Registration> GetRegistration(const std::string& endpoint) = 0;
  virtual Result<Registration> FindRegistrationByLocation(const std::string& location) = 0;
  virtual Status DeleteRegistration(const std::string& endpoint) = 0;  // kNotFound
  virtual Result<std::vector<Registration>> ListRegistrations() = 0;

  // ---- observations ----
  // Stores it and returns the id it assigned (the argument's id is ignored).
  virtual Result<std::int64_t> AddObservation(const Observation& observation) = 0;
  virtual Status RemoveObservation(std::int64_t id) = 0;  // kNotFound
  virtual Status RemoveObservationByToken(const std::string& endpoint, const Bytes& token) = 0;
  // Removes every observation of the endpoint (on de-registration); ok even
  // if there were none.
  virtual Status RemoveObservations(const std::string& endpoint) = 0;
  // The endpoint's observations, or every observation when endpoint is
  // empty; ordered by id.
  virtual Result<std::vector<Observation>> ListObservations(const std::string& endpoint) = 0;

  // ---- values: time series and snapshots ----
  // Stores the batch in one transaction (see the promises above). An empty
  // batch is ok and touches nothing.
  virtual Status AppendValues(std::span<const Sample> samples) = 0;
  // Samples of one series with time in [from_ms, to_ms), oldest first, at
  // most `limit` (the first ones).
  virtual Result<std::vector<Sample>> QueryRange(const std::string& endpoint,
                                                 const std::string& path, TimeMs from_ms,
                                                 TimeMs to_ms, std::int64_t limit) = 0;
  // The same range cut into `buckets` equal slices, aggregated in SQL. Only
  // slices that hold samples are returned, oldest first. kInvalid unless
  // from_ms < to_ms and 1 <= buckets <= 100000.
  virtual Result<std::vector<Bucket>> QueryBuckets(const std::string& endpoint,
                                                   const std::string& path, TimeMs from_ms,
                                                   TimeMs to_ms, std::int64_t buckets) = 0;
  // Latest value of every path equal to `prefix` or under it ("/3/0" takes
  // "/3/0" and "/3/0/1", not "/3/01"); "" or "/" takes all. Sorted by path.
  virtual Result<std::vector<Sample>> LatestValues(const std::string& endpoint,
                                                   const std::string& prefix) = 0;

  // Retention: removes time-series samples older than before_ms (snapshots
  // stay: they are the last known values). Returns how many were removed.
  virtual Result<std::int64_t> DeleteSamplesBefore(TimeMs before_ms) = 0;

  // ---- events ----
  // Stores it and returns its id (ids increase in insertion order).
  virtual Result<std::int64_t> AppendEvent(const Event& event) = 0;
  virtual Result<std::vector<Event>> QueryEvents(const EventQuery& query) = 0;
  // Retention: removes events older than before_ms; returns how many.
  virtual Result<std::int64_t> DeleteEventsBefore(TimeMs before_ms) = 0;

  // ---- model registry ----
  // Stores it and returns its id; kInvalid when a model with the same
  // digest is already there (its id is in the message).
  virtual Result<std::int64_t> AddModel(const ModelRecord& model) = 0;
  virtual Result<ModelRecord> GetModel(std::int64_t id) = 0;  // with the bytes; kNotFound
  // Newest first, without the package bytes.
  virtual Result<std::vector<ModelRecord>> ListModels() = 0;
  virtual Status DeleteModel(std::int64_t id) = 0;  // kNotFound

  // ---- training samples (the fleet's captured windows) ----
  // Stores those not already there (same endpoint, instance and taken_ms);
  // returns how many were new. Safe to repeat after a failure.
  virtual Result<std::int64_t> AddTrainingSamples(const std::vector<TrainingSampleRecord>& samples) = 0;
  virtual Result<std::vector<TrainingSampleRecord>> QueryTrainingSamples(const TrainingSampleQuery& query) = 0;
  virtual Result<TrainingSampleRecord> GetTrainingSample(std::int64_t id) = 0;  // kNotFound
  // Sets (or, with an empty label, clears) its label; kNotFound.
  virtual Status LabelTrainingSample(std::int64_t id, const std::string& label, const std::string& labelled_by) = 0;
};

}  // namespace lwcl::store
