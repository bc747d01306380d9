// PostgresStore's time series, events and retention.
#include <libpq-fe.h>

#include <utility>

#include "postgres_impl.h"
#include "postgres_statements.h"

namespace lwcl::store {
namespace {

Sample ReadSample(const PGresult* r, int i) {
  Sample v;
  v.endpoint = Str(r, i, 0);
  v.path = Str(r, i, 1);
  v.time_ms = Int(r, i, 2);
  v.type = static_cast<ValueType>(Int(r, i, 3));
  if (!Null(r, i, 4)) v.number = ParseDouble(Cell(r, i, 4));
  if (!Null(r, i, 5)) v.text = Str(r, i, 5);
  if (!Null(r, i, 6)) v.blob = ParseBytea(Cell(r, i, 6));
  return v;
}

Event ReadEvent(const PGresult* r, int i) {
  Event e;
  e.id = Int(r, i, 0);
  e.time_ms = Int(r, i, 1);
  if (!Null(r, i, 2)) e.endpoint = Str(r, i, 2);
  e.kind = Str(r, i, 3);
  e.detail_json = Str(r, i, 4);
  return e;
}


}  // namespace

// ---- values ----

Status PostgresStore::AppendValues(std::span<const Sample> samples) {
  if (samples.empty()) return Status::Ok();
  ArrayLiteral endpoints, paths, times, types, nums, texts, bins;
  for (const Sample& v : samples) {
    endpoints.Add(v.endpoint);
    paths.Add(v.path);
    times.AddRaw(std::to_string(v.time_ms));
    types.AddRaw(std::to_string(static_cast<int>(v.type)));
    if (v.number)
      nums.Add(FormatDouble(*v.number));
    else
      nums.AddNull();
    if (v.text)
      texts.Add(*v.text);
    else
      texts.AddNull();
    if (v.blob)
      bins.Add(HexBytea(*v.blob));
    else
      bins.AddNull();
  }
  Params p;
  p.Text(endpoints.Finish()).Text(paths.Finish()).Text(times.Finish()).Text(types.Finish());
  p.Text(nums.Finish()).Text(texts.Finish()).Text(bins.Finish());
  // Retrying is safe: the statement is an idempotent upsert.
  auto res = impl_->Exec(kAppendValues, p);
  return res.ok() ? Status::Ok() : res.status();
}

Result<std::vector<Sample>> PostgresStore::QueryRange(const std::string& endpoint,
                                                      const std::string& path, TimeMs from_ms,
                                                      TimeMs to_ms, std::int64_t limit) {
  std::vector<Sample> out;
  if (limit <= 0) return out;
  Params p;
  p.Add(endpoint).Add(path).Add(from_ms).Add(to_ms).Add(limit);
  auto res = impl_->Exec(kQueryRange, p);
  if (!res.ok()) return res.status();
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadSample(res->get(), i));
  return out;
}

Result<std::vector<Bucket>> PostgresStore::QueryBuckets(const std::string& endpoint,
                                                        const std::string& path, TimeMs from_ms,
                                                        TimeMs to_ms, std::int64_t buckets) {
  std::int64_t width = 0;
  Status st = detail::BucketWidth(from_ms, to_ms, buckets, &width);
  if (!st.ok()) return st;
  Params p;
  p.Add(endpoint).Add(path).Add(from_ms).Add(to_ms).Add(width);
  auto res = impl_->Exec(kQueryBuckets, p);
  if (!res.ok()) return res.status();
  const PGresult* r = res->get();
  std::vector<Bucket> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    Bucket b = detail::MakeBucket(from_ms, to_ms, width, Int(r, i, 0));
    b.count = Int(r, i, 1);
    b.numeric_count = Int(r, i, 2);
    if (!Null(r, i, 3)) b.min = ParseDouble(Cell(r, i, 3));
    if (!Null(r, i, 4)) b.max = ParseDouble(Cell(r, i, 4));
    if (!Null(r, i, 5)) b.avg = ParseDouble(Cell(r, i, 5));
    out.push_back(b);
  }
  return out;
}

Result<std::vector<Sample>> PostgresStore::LatestValues(const std::string& endpoint,
                                                        const std::string& prefix) {
  detail::PrefixRange range = detail::MakePrefixRange(prefix);
  Params p;
  p.Add(endpoint);
  if (!range.all) p.Add(range.exact).Add(range.lower).Add(range.upper);
  auto res = impl_->Exec(range.all ? kLatestAll : kLatestPrefix, p);
  if (!res.ok()) return res.status();
  std::vector<Sample> out;
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadSample(res->get(), i));
  return out;
}

// ---- events ----

Result<std::int64_t> PostgresStore::AppendEvent(const Event& e) {
  Params p;
  p.Add(e.time_ms).Add(e.endpoint).Add(e.kind).Add(e.detail_json);
  auto res = impl_->Exec(kAppendEvent, p, /*retry=*/false);
  if (!res.ok()) return res.status();
  return Int(res->get(), 0, 0);
}

Result<std::vector<Event>> PostgresStore::QueryEvents(const EventQuery& q) {
  std::vector<Event> out;
  if (q.limit <= 0) return out;
  Params p;
  p.Add(q.from_ms).Add(q.to_ms).Add(q.after_id).Add(q.endpoint).Add(q.limit);
  auto res = impl_->Exec(kQueryEvents, p);
  if (!res.ok()) return res.status();
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadEvent(res->get(), i));
  return out;
}

// ---- retention ----

Result<std::int64_t> PostgresStore::DeleteSamplesBefore(TimeMs before_ms) {
  Params p;
  p.Add(before_ms);
  auto res = impl_->Exec(kDeleteSamplesBefore, p);
  if (!res.ok()) return res.status();
  return ParseInt(PQcmdTuples(res->get()));
}

Result<std::int64_t> PostgresStore::DeleteEventsBefore(TimeMs before_ms) {
  Params p;
  p.Add(before_ms);
  auto res = impl_->Exec(kDeleteEventsBefore, p);
  if (!res.ok()) return res.status();
  return ParseInt(PQcmdTuples(res->get()));
}

}  // namespace lwcl::store
