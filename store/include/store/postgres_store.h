// PostgresStore: the back end for scale. One libpq connection; statements
// are prepared once per connection; AppendValues sends its batch in pipeline
// mode as one implicit transaction (one round trip per batch, not per row).
// When the server goes away, calls fail with kUnavailable and a message, and
// the next call reconnects (re-preparing its statements) once it is back.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace lwcl::store {

class PostgresStore final : public Store {
 public:
  // Connects with a libpq connection string or URI ("postgresql://u@h/db",
  // "host=/tmp port=5432 dbname=x") and brings the schema up to date.
  // nullptr and *error set on failure.
  static std::unique_ptr<PostgresStore> Open(const std::string& conninfo, std::string* error);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  std::string BackendName() const override { return "postgresql"; }
  Result<int> SchemaVersion() override;

  Status PutDevice(const Device& device) override;
  Result<Device> GetDevice(const std::string& endpoint) override;
  Status DeleteDevice(const std::string& endpoint) override;
  Result<std::vector<DeviceSummary>> ListDevices() override;

  Status PutCredential(const Credential& credential) override;
  Result<Credential> GetCredential(const std::string& endpoint) override;
  Result<Credential> FindCredentialByIdentity(const std::string& psk_identity) override;
  Status DeleteCredential(const std::string& endpoint) override;
  Result<std::vector<Credential>> ListCredentials() override;

  Status PutRegistration(const Registration& registration) override;
  Result<Registration> GetRegistration(const std::string& endpoint) override;
  Result<Registration> FindRegistrationByLocation(const std::string& location) override;
  Status DeleteRegistration(const std::string& endpoint) override;
  Result<std::vector<Registration>> ListRegistrations() override;

  Result<std::int64_t> AddObservation(const Observation& observation) override;
  Status RemoveObservation(std::int64_t id) override;
  Status RemoveObservationByToken(const std::string& endpoint, const Bytes& token) override;
  Status RemoveObservations(const std::string& endpoint) override;
  Result<std::vector<Observation>> ListObservations(const std::string& endpoint) override;

  Status AppendValues(std::span<const Sample> samples) override;
  Result<std::vector<Sample>> QueryRange(const std::string& endpoint, const std::string& path,
                                         TimeMs from_ms, TimeMs to_ms, std::int64_t limit) override;
  Result<std::vector<Bucket>> QueryBuckets(const std::string& endpoint, const std::string& path,
                                           TimeMs from_ms, TimeMs to_ms,
                                           std::int64_t buckets) override;
  Result<std::vector<Sample>> LatestValues(const std::string& endpoint,
                                           const std::string& prefix) override;

  Result<std::int64_t> DeleteSamplesBefore(TimeMs before_ms) override;

  Result<std::int64_t> AppendEvent(const Event& event) override;
  Result<std::vector<Event>> QueryEvents(const EventQuery& query) override;
  Result<std::int64_t> DeleteEventsBefore(TimeMs before_ms) override;

  struct Impl;  // the libpq connection; public only so the .cc's helpers can name it

 private:
  explicit PostgresStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lwcl::store
