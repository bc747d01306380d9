// PostgresStore's training samples: the training_samples table (schema
// migration 2 -> 3).
#include <optional>

#include "postgres_backend.h"
#include "postgres_impl.h"

namespace lwcl::store {

namespace {

#define LWCL_SAMPLE_COLUMNS                                                                               \
  "id, endpoint, instance, taken_ms, received_ms, model, predicted, confidence, drift, label, labelled_by, " \
  "features"
constexpr Stmt kAddSample{"add_training_sample",
                          "INSERT INTO training_samples(endpoint, instance, taken_ms, received_ms, model, predicted, "
                          "confidence, drift, label, labelled_by, features) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                          "$9, $10, $11) ON CONFLICT (endpoint, instance, taken_ms) DO NOTHING"};
// One statement for every filter: NULL parameters match everything.
constexpr Stmt kQuerySamples{"query_training_samples",
                             "SELECT " LWCL_SAMPLE_COLUMNS
                             " FROM training_samples WHERE ($1::text IS NULL OR endpoint = $1::text) AND "
                             "($2::boolean IS NULL OR (label <> '') = $2::boolean) AND ($3::bigint = 0 OR id < "
                             "$3::bigint) ORDER BY id DESC LIMIT $4::bigint"};
constexpr Stmt kGetSample{"get_training_sample", "SELECT " LWCL_SAMPLE_COLUMNS " FROM training_samples WHERE id = $1"};
constexpr Stmt kLabelSample{"label_training_sample",
                            "UPDATE training_samples SET label = $1, labelled_by = $2 WHERE id = $3"};
#undef LWCL_SAMPLE_COLUMNS

TrainingSampleRecord ReadSample(const PGresult* r, int i) {
  TrainingSampleRecord s;
  s.id = Int(r, i, 0);
  s.endpoint = Str(r, i, 1);
  s.instance = Int(r, i, 2);
  s.taken_ms = Int(r, i, 3);
  s.received_ms = Int(r, i, 4);
  s.model = Str(r, i, 5);
  s.predicted = Str(r, i, 6);
  s.confidence = ParseDouble(Cell(r, i, 7));
  s.drift = ParseDouble(Cell(r, i, 8));
  s.label = Str(r, i, 9);
  s.labelled_by = Str(r, i, 10);
  s.features = ParseBytea(Cell(r, i, 11));
  return s;
}

}  // namespace

Result<std::int64_t> PostgresStore::AddTrainingSamples(const std::vector<TrainingSampleRecord>& samples) {
  // Row by row: a retry after a failure part-way skips what already went in.
  std::int64_t added = 0;
  for (const TrainingSampleRecord& s : samples) {
    Params p;
    p.Add(s.endpoint).Add(s.instance).Add(s.taken_ms).Add(s.received_ms).Add(s.model).Add(s.predicted);
    p.Add(s.confidence).Add(s.drift).Add(s.label).Add(s.labelled_by).Add(s.features);
    auto res = impl_->Exec(kAddSample, p);
    if (!res.ok()) return res.status();
    added += ParseInt(PQcmdTuples(res->get()));
  }
  return added;
}

Result<std::vector<TrainingSampleRecord>> PostgresStore::QueryTrainingSamples(const TrainingSampleQuery& q) {
  Params p;
  p.Add(q.endpoint);
  if (q.labelled) {
    p.Text(*q.labelled ? "true" : "false");
  } else {
    p.Add(std::optional<std::string>());
  }
  p.Add(q.before_id).Add(q.limit);
  auto res = impl_->Exec(kQuerySamples, p);
  if (!res.ok()) return res.status();
  std::vector<TrainingSampleRecord> out;
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadSample(res->get(), i));
  return out;
}

Result<TrainingSampleRecord> PostgresStore::GetTrainingSample(std::int64_t id) {
  Params p;
  p.Add(id);
  auto res = impl_->Exec(kGetSample, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0) return Status::NotFound("no training sample " + std::to_string(id));
  return ReadSample(res->get(), 0);
}

Status PostgresStore::LabelTrainingSample(std::int64_t id, const std::string& label, const std::string& labelled_by) {
  Params p;
  p.Add(label).Add(label.empty() ? std::string() : labelled_by).Add(id);
  return impl_->ExecExpectingChange(kLabelSample, p, "training sample " + std::to_string(id));
}

}  // namespace lwcl::store
