// PostgresStore: the class behind OpenPostgresStore. Private to store/src:
// users hold it as a Store. postgres_store.cc connects and keeps devices,
// credentials, registrations and observations; postgres_series.cc keeps time
// series, events and retention; postgres_impl.h is the connection both use
// and postgres_statements.h the SQL.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace lwcl::store {

class PostgresStore final : public Store {
 public:
  // OpenPostgresStore (store/postgres_store.h) is the public way in.
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
  Result<std::int64_t> AddModel(const ModelRecord& model) override;
  Result<ModelRecord> GetModel(std::int64_t id) override;
  Result<std::vector<ModelRecord>> ListModels() override;
  Status DeleteModel(std::int64_t id) override;
  Result<std::int64_t> AddTrainingSamples(const std::vector<TrainingSampleRecord>& samples) override;
  Result<std::vector<TrainingSampleRecord>> QueryTrainingSamples(const TrainingSampleQuery& query) override;
  Result<TrainingSampleRecord> GetTrainingSample(std::int64_t id) override;
  Status LabelTrainingSample(std::int64_t id, const std::string& label, const std::string& labelled_by) override;

  struct Impl;  // the libpq connection and its prepared statements (postgres_impl.h)

 private:
  explicit PostgresStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lwcl::store
