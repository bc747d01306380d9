// SqliteStore: the class behind OpenSqliteStore. Private to store/src: users
// hold it as a Store. Its methods are split by what they keep:
// sqlite_store.cc opens the file and keeps devices, credentials,
// registrations and observations; sqlite_series.cc keeps time series, events
// and retention. sqlite_impl.h is the connection both use.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace lwcl::store {

class SqliteStore final : public Store {
 public:
  // OpenSqliteStore (store/sqlite_store.h) is the public way in.
  static std::unique_ptr<SqliteStore> Open(const std::string& path, std::string* error);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::string BackendName() const override { return "sqlite"; }
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

  struct Impl;  // sqlite3 handles and prepared statements (sqlite_impl.h)

 private:
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lwcl::store
