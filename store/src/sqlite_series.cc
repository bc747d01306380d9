// SqliteStore's time series, events and retention.
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "sqlite_impl.h"

namespace lwcl::store {
namespace {

// Columns: endpoint, path, time_ms, type, num, txt, bin.
Sample ReadSample(sqlite3_stmt* s) {
  Sample v;
  v.endpoint = ColText(s, 0);
  v.path = ColText(s, 1);
  v.time_ms = ColInt(s, 2);
  v.type = static_cast<ValueType>(sqlite3_column_int(s, 3));
  if (!ColNull(s, 4)) v.number = sqlite3_column_double(s, 4);
  if (!ColNull(s, 5)) v.text = ColText(s, 5);
  if (!ColNull(s, 6)) v.blob = ColBlob(s, 6);
  return v;
}

Event ReadEvent(sqlite3_stmt* s) {
  Event e;
  e.id = ColInt(s, 0);
  e.time_ms = ColInt(s, 1);
  if (!ColNull(s, 2)) e.endpoint = ColText(s, 2);
  e.kind = ColText(s, 3);
  e.detail_json = ColText(s, 4);
  return e;
}

}  // namespace

// ---- values ----

Status SqliteStore::AppendValues(std::span<const Sample> samples) {
  if (samples.empty()) return Status::Ok();
  // Only the newest sample of each series in the batch can advance its
  // snapshot: upsert those alone (a batch often holds many per series).
  std::map<std::pair<std::string_view, std::string_view>, const Sample*> newest;
  for (const Sample& v : samples) {
    const Sample*& slot = newest[{v.endpoint, v.path}];
    if (!slot || v.time_ms >= slot->time_ms) slot = &v;  // ties: the later wins
  }
  return impl_->InTransaction([&]() -> Status {
    for (const Sample& v : samples) {
      Status st = impl_->Run(
          "append values",
          "INSERT INTO samples(endpoint, path, time_ms, type, num, txt, bin) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(endpoint, path, time_ms) DO UPDATE SET "
          "type = excluded.type, num = excluded.num, txt = excluded.txt, bin = excluded.bin",
          v.endpoint, v.path, v.time_ms, static_cast<std::int64_t>(v.type), v.number, v.text,
          v.blob);
      if (!st.ok()) return st;
    }
    for (const auto& [key, v] : newest) {
      Status st = impl_->Run(
          "append values",
          "INSERT INTO snapshots(endpoint, path, time_ms, type, num, txt, bin) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(endpoint, path) DO UPDATE SET "
          "time_ms = excluded.time_ms, type = excluded.type, num = excluded.num, "
          "txt = excluded.txt, bin = excluded.bin WHERE excluded.time_ms >= snapshots.time_ms",
          v->endpoint, v->path, v->time_ms, static_cast<std::int64_t>(v->type), v->number, v->text,
          v->blob);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
}

Result<std::vector<Sample>> SqliteStore::QueryRange(const std::string& endpoint,
                                                    const std::string& path, TimeMs from_ms,
                                                    TimeMs to_ms, std::int64_t limit) {
  std::vector<Sample> out;
  if (limit <= 0) return out;
  Status st = impl_->Query(
      "query range",
      "SELECT endpoint, path, time_ms, type, num, txt, bin FROM samples "
      "WHERE endpoint = ? AND path = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms LIMIT ?",
      [&](sqlite3_stmt* s) { out.push_back(ReadSample(s)); }, endpoint, path, from_ms, to_ms,
      limit);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<Bucket>> SqliteStore::QueryBuckets(const std::string& endpoint,
                                                      const std::string& path, TimeMs from_ms,
                                                      TimeMs to_ms, std::int64_t buckets) {
  std::int64_t width = 0;
  Status st = detail::BucketWidth(from_ms, to_ms, buckets, &width);
  if (!st.ok()) return st;
  std::vector<Bucket> out;
  st = impl_->Query(
      "query buckets",
      "SELECT (time_ms - ?3) / ?5 AS b, COUNT(*), COUNT(num), MIN(num), MAX(num), AVG(num) "
      "FROM samples WHERE endpoint = ?1 AND path = ?2 AND time_ms >= ?3 AND time_ms < ?4 "
      "GROUP BY b ORDER BY b",
      [&](sqlite3_stmt* s) {
        Bucket b = detail::MakeBucket(from_ms, to_ms, width, ColInt(s, 0));
        b.count = ColInt(s, 1);
        b.numeric_count = ColInt(s, 2);
        if (!ColNull(s, 3)) b.min = sqlite3_column_double(s, 3);
        if (!ColNull(s, 4)) b.max = sqlite3_column_double(s, 4);
        if (!ColNull(s, 5)) b.avg = sqlite3_column_double(s, 5);
        out.push_back(b);
      },
      endpoint, path, from_ms, to_ms, width);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<Sample>> SqliteStore::LatestValues(const std::string& endpoint,
                                                      const std::string& prefix) {
  std::vector<Sample> out;
  auto row = [&](sqlite3_stmt* s) { out.push_back(ReadSample(s)); };
  detail::PrefixRange r = detail::MakePrefixRange(prefix);
  Status st =
      r.all ? impl_->Query("latest values",
                           "SELECT endpoint, path, time_ms, type, num, txt, bin FROM snapshots "
                           "WHERE endpoint = ? ORDER BY path",
                           row, endpoint)
            : impl_->Query("latest values",
                           "SELECT endpoint, path, time_ms, type, num, txt, bin FROM snapshots "
                           "WHERE endpoint = ?1 AND (path = ?2 OR (path >= ?3 AND path < ?4)) "
                           "ORDER BY path",
                           row, endpoint, r.exact, r.lower, r.upper);
  if (!st.ok()) return st;
  return out;
}

// ---- events ----

Result<std::int64_t> SqliteStore::AppendEvent(const Event& e) {
  Status st = impl_->Run("append event",
                         "INSERT INTO events(time_ms, endpoint, kind, detail) VALUES (?, ?, ?, ?)",
                         e.time_ms, e.endpoint, e.kind, e.detail_json);
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->db));
}

Result<std::vector<Event>> SqliteStore::QueryEvents(const EventQuery& q) {
  std::vector<Event> out;
  if (q.limit <= 0) return out;
  Status st = impl_->Query(
      "query events",
      "SELECT id, time_ms, endpoint, kind, detail FROM events "
      "WHERE time_ms >= ?1 AND time_ms < ?2 AND id > ?3 AND (?4 IS NULL OR endpoint = ?4) "
      "ORDER BY id LIMIT ?5",
      [&](sqlite3_stmt* s) { out.push_back(ReadEvent(s)); }, q.from_ms, q.to_ms, q.after_id,
      q.endpoint, q.limit);
  if (!st.ok()) return st;
  return out;
}

// ---- retention ----

Result<std::int64_t> SqliteStore::DeleteSamplesBefore(TimeMs before_ms) {
  Status st = impl_->Run("delete samples", "DELETE FROM samples WHERE time_ms < ?", before_ms);
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_changes(impl_->db));
}

Result<std::int64_t> SqliteStore::DeleteEventsBefore(TimeMs before_ms) {
  Status st = impl_->Run("delete events", "DELETE FROM events WHERE time_ms < ?", before_ms);
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_changes(impl_->db));
}

}  // namespace lwcl::store
