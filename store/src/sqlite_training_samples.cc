// SqliteStore's training samples: the training_samples table (schema
// migration 2 -> 3).
#include <optional>

#include "sqlite_backend.h"
#include "sqlite_impl.h"

namespace lwcl::store {

namespace {

#define LWCL_SAMPLE_COLUMNS                                                                               \
  "id, endpoint, instance, taken_ms, received_ms, model, predicted, confidence, drift, label, labelled_by, " \
  "features"
// One statement for every filter: NULL parameters match everything.
constexpr const char* kQuerySamples =
    "SELECT " LWCL_SAMPLE_COLUMNS
    " FROM training_samples WHERE (?1 IS NULL OR endpoint = ?1) AND (?2 IS NULL OR (label <> '') = ?2) "
    "AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4";
constexpr const char* kGetSample = "SELECT " LWCL_SAMPLE_COLUMNS " FROM training_samples WHERE id = ?";
#undef LWCL_SAMPLE_COLUMNS

TrainingSampleRecord ReadSample(sqlite3_stmt* s) {
  TrainingSampleRecord r;
  r.id = ColInt(s, 0);
  r.endpoint = ColText(s, 1);
  r.instance = ColInt(s, 2);
  r.taken_ms = ColInt(s, 3);
  r.received_ms = ColInt(s, 4);
  r.model = ColText(s, 5);
  r.predicted = ColText(s, 6);
  r.confidence = sqlite3_column_double(s, 7);
  r.drift = sqlite3_column_double(s, 8);
  r.label = ColText(s, 9);
  r.labelled_by = ColText(s, 10);
  r.features = ColBlob(s, 11);
  return r;
}

}  // namespace

Result<std::int64_t> SqliteStore::AddTrainingSamples(const std::vector<TrainingSampleRecord>& samples) {
  std::int64_t added = 0;
  Status st = impl_->InTransaction([&]() -> Status {
    for (const TrainingSampleRecord& r : samples) {
      Status one = impl_->Run("add training sample",
                              "INSERT OR IGNORE INTO training_samples(endpoint, instance, taken_ms, received_ms, "
                              "model, predicted, confidence, drift, label, labelled_by, features) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              r.endpoint, r.instance, r.taken_ms, r.received_ms, r.model, r.predicted, r.confidence,
                              r.drift, r.label, r.labelled_by, r.features);
      if (!one.ok()) return one;
      added += sqlite3_changes(impl_->db);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

Result<std::vector<TrainingSampleRecord>> SqliteStore::QueryTrainingSamples(const TrainingSampleQuery& q) {
  std::vector<TrainingSampleRecord> out;
  std::optional<std::int64_t> labelled;
  if (q.labelled) labelled = *q.labelled ? 1 : 0;
  Status st = impl_->Query(
      "query training samples", kQuerySamples, [&](sqlite3_stmt* s) { out.push_back(ReadSample(s)); }, q.endpoint,
      labelled, q.before_id, q.limit);
  if (!st.ok()) return st;
  return out;
}

Result<TrainingSampleRecord> SqliteStore::GetTrainingSample(std::int64_t id) {
  std::optional<TrainingSampleRecord> out;
  Status st = impl_->Query(
      "get training sample", kGetSample, [&](sqlite3_stmt* s) { out = ReadSample(s); }, id);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no training sample " + std::to_string(id));
  return *out;
}

Status SqliteStore::LabelTrainingSample(std::int64_t id, const std::string& label, const std::string& labelled_by) {
  return impl_->RunExpectingChange("label training sample", "training sample " + std::to_string(id),
                                   "UPDATE training_samples SET label = ?, labelled_by = ? WHERE id = ?", label,
                                   label.empty() ? std::string() : labelled_by, id);
}

}  // namespace lwcl::store
