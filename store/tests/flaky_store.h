// FlakyStore: a Store that forwards to a real one but can be told to fail
// AppendValues, as if the database had gone away — for SampleBuffer tests.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "store/store.h"

namespace lwcl::store::testing {

class FlakyStore final : public Store {
 public:
  explicit FlakyStore(Store& inner) : inner_(inner) {}

  bool fail_appends = false;     // every AppendValues and AddTrainingSamples fails (kUnavailable)
  bool reject_negative = false;  // samples with time < 0 are invalid data (kInvalid)
  int append_calls = 0;
  std::vector<std::size_t> batch_sizes;  // of the calls that reached the inner store

  std::string BackendName() const override { return "flaky-" + inner_.BackendName(); }
  Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
  Status PutDevice(const Device& d) override { return inner_.PutDevice(d); }
  Result<Device> GetDevice(const std::string& e) override { return inner_.GetDevice(e); }
  Status DeleteDevice(const std::string& e) override { return inner_.DeleteDevice(e); }
  Result<std::vector<DeviceSummary>> ListDevices() override { return inner_.ListDevices(); }
  Status PutCredential(const Credential& c) override { return inner_.PutCredential(c); }
  Result<Credential> GetCredential(const std::string& e) override {
    return inner_.GetCredential(e);
  }
  Result<Credential> FindCredentialByIdentity(const std::string& i) override {
    return inner_.FindCredentialByIdentity(i);
  }
  Status DeleteCredential(const std::string& e) override { return inner_.DeleteCredential(e); }
  Result<std::vector<Credential>> ListCredentials() override { return inner_.ListCredentials(); }
  Status PutRegistration(const Registration& r) override { return inner_.PutRegistration(r); }
  Result<Registration> GetRegistration(const std::string& e) override {
    return inner_.GetRegistration(e);
  }
  Result<Registration> FindRegistrationByLocation(const std::string& l) override {
    return inner_.FindRegistrationByLocation(l);
  }
  Status DeleteRegistration(const std::string& e) override { return inner_.DeleteRegistration(e); }
  Result<std::vector<Registration>> ListRegistrations() override {
    return inner_.ListRegistrations();
  }
  Result<std::int64_t> AddObservation(const Observation& o) override {
    return inner_.AddObservation(o);
  }
  Status RemoveObservation(std::int64_t id) override { return inner_.RemoveObservation(id); }
  Status RemoveObservationByToken(const std::string& e, const Bytes& t) override {
    return inner_.RemoveObservationByToken(e, t);
  }
  Status RemoveObservations(const std::string& e) override { return inner_.RemoveObservations(e); }
  Result<std::vector<Observation>> ListObservations(const std::string& e) override {
    return inner_.ListObservations(e);
  }
  Status AppendValues(std::span<const Sample> samples) override {
    ++append_calls;
    if (fail_appends) return Status::Unavailable("flaky: database is away");
    if (reject_negative)
      for (const Sample& s : samples)
        if (s.time_ms < 0) return Status::Invalid("flaky: negative time");
    batch_sizes.push_back(samples.size());
    return inner_.AppendValues(samples);
  }
  Result<std::vector<Sample>> QueryRange(const std::string& e, const std::string& p, TimeMs f,
                                         TimeMs t, std::int64_t l) override {
    return inner_.QueryRange(e, p, f, t, l);
  }
  Result<std::vector<Bucket>> QueryBuckets(const std::string& e, const std::string& p, TimeMs f,
                                           TimeMs t, std::int64_t n) override {
    return inner_.QueryBuckets(e, p, f, t, n);
  }
  Result<std::vector<Sample>> LatestValues(const std::string& e, const std::string& p) override {
    return inner_.LatestValues(e, p);
  }
  Result<std::int64_t> DeleteSamplesBefore(TimeMs t) override {
    return inner_.DeleteSamplesBefore(t);
  }
  Result<std::int64_t> AppendEvent(const Event& e) override { return inner_.AppendEvent(e); }
  Result<std::int64_t> DeleteEventsBefore(TimeMs t) override {
    return inner_.DeleteEventsBefore(t);
  }
  Result<std::vector<Event>> QueryEvents(const EventQuery& q) override {
    return inner_.QueryEvents(q);
  }
  Result<std::int64_t> AddModel(const ModelRecord& m) override { return inner_.AddModel(m); }
  Result<ModelRecord> GetModel(std::int64_t id) override { return inner_.GetModel(id); }
  Result<std::vector<ModelRecord>> ListModels() override { return inner_.ListModels(); }
  Status DeleteModel(std::int64_t id) override { return inner_.DeleteModel(id); }
  Result<std::int64_t> AddTrainingSamples(const std::vector<TrainingSampleRecord>& s) override {
    if (fail_appends) return Status::Unavailable("flaky: database is away");
    return inner_.AddTrainingSamples(s);
  }
  Result<std::vector<TrainingSampleRecord>> QueryTrainingSamples(const TrainingSampleQuery& q) override {
    return inner_.QueryTrainingSamples(q);
  }
  Result<TrainingSampleRecord> GetTrainingSample(std::int64_t id) override { return inner_.GetTrainingSample(id); }
  Status LabelTrainingSample(std::int64_t id, const std::string& l, const std::string& by) override {
    return inner_.LabelTrainingSample(id, l, by);
  }

 private:
  Store& inner_;
};

}  // namespace lwcl::store::testing
