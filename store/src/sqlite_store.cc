// SqliteStore: the embedded back end. Statements are prepared on first use
// and cached for the life of the connection.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "query_shapes.h"
#include "sqlite_schema.h"

namespace lwcl::store {

namespace {

Status ErrorFrom(sqlite3* db, int rc, const std::string& what) {
  std::string msg = "sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::Invalid(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return Status::Unavailable(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

// Binding: one overload per C++ type the records use.
int BindOne(sqlite3_stmt* s, int i, std::int64_t v) { return sqlite3_bind_int64(s, i, v); }
int BindOne(sqlite3_stmt* s, int i, double v) { return sqlite3_bind_double(s, i, v); }
int BindOne(sqlite3_stmt* s, int i, const std::string& v) {
  return sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
int BindOne(sqlite3_stmt* s, int i, const Bytes& v) {
  // A zero-length blob must still be a blob, not NULL: give a non-null pointer.
  static const std::uint8_t kEmpty = 0;
  return sqlite3_bind_blob(s, i, v.empty() ? &kEmpty : v.data(), static_cast<int>(v.size()),
                           SQLITE_TRANSIENT);
}
template <class T>
int BindOne(sqlite3_stmt* s, int i, const std::optional<T>& v) {
  return v ? BindOne(s, i, *v) : sqlite3_bind_null(s, i);
}

std::string ColText(sqlite3_stmt* s, int i) {
  const unsigned char* p = sqlite3_column_text(s, i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
}
Bytes ColBlob(sqlite3_stmt* s, int i) {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, i));
  const int n = sqlite3_column_bytes(s, i);
  if (!p || n <= 0) return {};
  return Bytes(p, p + n);
}
bool ColNull(sqlite3_stmt* s, int i) { return sqlite3_column_type(s, i) == SQLITE_NULL; }
std::int64_t ColInt(sqlite3_stmt* s, int i) { return sqlite3_column_int64(s, i); }

}  // namespace

struct SqliteStore::Impl {
  sqlite3* db = nullptr;
  std::map<const char*, sqlite3_stmt*> statements;  // keyed by the SQL literal's address

  ~Impl() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    if (db) sqlite3_close(db);
  }

  // A prepared statement, reset and unbound, ready for this use. The SQL is
  // always a string literal, so its address identifies it.
  Status Prepare(const char* sql, sqlite3_stmt** out) {
    auto it = statements.find(sql);
    if (it != statements.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      *out = it->second;
      return Status::Ok();
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return ErrorFrom(db, rc, "prepare");
    statements.emplace(sql, stmt);
    *out = stmt;
    return Status::Ok();
  }

  template <class... Args>
  Status Bind([[maybe_unused]] sqlite3_stmt* stmt, const Args&... args) {
    [[maybe_unused]] int i = 0;
    int rc = SQLITE_OK;
    ((rc = rc == SQLITE_OK ? BindOne(stmt, ++i, args) : rc), ...);
    if (rc != SQLITE_OK) return ErrorFrom(db, rc, "bind");
    return Status::Ok();
  }

  // Prepares, binds and runs a statement that returns no rows.
  template <class... Args>
  Status Run(const char* what, const char* sql, const Args&... args) {
    sqlite3_stmt* stmt = nullptr;
    Status st = Prepare(sql, &stmt);
    if (!st.ok()) return st;
    st = Bind(stmt, args...);
    if (!st.ok()) return st;
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return ErrorFrom(db, rc, what);
    return Status::Ok();
  }

  // Prepares, binds and calls row(stmt) for each result row.
  template <class Row, class... Args>
  Status Query(const char* what, const char* sql, Row&& row, const Args&... args) {
    sqlite3_stmt* stmt = nullptr;
    Status st = Prepare(sql, &stmt);
    if (!st.ok()) return st;
    st = Bind(stmt, args...);
    if (!st.ok()) return st;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        row(stmt);
        continue;
      }
      sqlite3_reset(stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      return ErrorFrom(db, rc, what);
    }
  }

  Status Exec(const char* what, const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status st = ErrorFrom(nullptr, rc, what);
    return Status::Error(st.code(), "sqlite: " + std::string(what) + ": " + msg);
  }

  Status Begin() { return Run("begin", "BEGIN IMMEDIATE"); }
  Status Commit() { return Run("commit", "COMMIT"); }
  void Rollback() {
    if (!sqlite3_get_autocommit(db)) (void)Run("rollback", "ROLLBACK");
  }

  // Runs body inside one transaction; rolls back if it fails.
  template <class Body>
  Status InTransaction(Body&& body) {
    Status st = Begin();
    if (!st.ok()) return st;
    st = body();
    if (st.ok()) st = Commit();
    if (!st.ok()) Rollback();
    return st;
  }

  // Runs a statement that must touch a row; kNotFound otherwise.
  template <class... Args>
  Status RunExpectingChange(const char* what, const std::string& key, const char* sql,
                            const Args&... args) {
    Status st = Run(what, sql, args...);
    if (!st.ok()) return st;
    if (sqlite3_changes(db) == 0) return Status::NotFound(std::string(what) + ": no " + key);
    return Status::Ok();
  }

  Status Migrate() {
    Status st =
        Exec("schema", "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (!st.ok()) return st;
    std::optional<std::int64_t> version;
    st = Query("schema version", "SELECT MAX(version) FROM schema_version", [&](sqlite3_stmt* s) {
      if (!ColNull(s, 0)) version = ColInt(s, 0);
    });
    if (!st.ok()) return st;
    std::int64_t v = version.value_or(0);
    const auto known = static_cast<std::int64_t>(sqlite_schema::kMigrations.size());
    if (v > known)
      return Status::Invalid("sqlite: database schema version " + std::to_string(v) +
                             " is newer than this build knows (" + std::to_string(known) + ")");
    for (; v < known; ++v) {
      st = Exec("migrate", "BEGIN IMMEDIATE");
      if (!st.ok()) return st;
      st = Exec("migrate", sqlite_schema::kMigrations[static_cast<std::size_t>(v)]);
      if (st.ok()) {
        st = Exec("migrate", "DELETE FROM schema_version");
        if (st.ok()) st = Run("migrate", "INSERT INTO schema_version(version) VALUES (?)", v + 1);
      }
      if (st.ok()) st = Exec("migrate", "COMMIT");
      if (!st.ok()) {
        (void)Exec("migrate", "ROLLBACK");
        return st;
      }
    }
    return Status::Ok();
  }
};

std::unique_ptr<SqliteStore> SqliteStore::Open(const std::string& path, std::string* error) {
  auto impl = std::make_unique<Impl>();
  int rc =
      sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto fail = [&](const Status& st) -> std::unique_ptr<SqliteStore> {
    if (error) *error = st.message();
    return nullptr;
  };
  if (rc != SQLITE_OK) return fail(ErrorFrom(impl->db, rc, "open " + path));
  sqlite3_busy_timeout(impl->db, 5000);
  sqlite3_extended_result_codes(impl->db, 1);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    Status st = impl->Exec(pragma, pragma);
    if (!st.ok()) return fail(st);
  }
  Status st = impl->Migrate();
  if (!st.ok()) return fail(st);
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

Result<int> SqliteStore::SchemaVersion() {
  int version = 0;
  Status st = impl_->Query("schema version", "SELECT MAX(version) FROM schema_version",
                           [&](sqlite3_stmt* s) { version = sqlite3_column_int(s, 0); });
  if (!st.ok()) return st;
  return version;
}

// ---- devices ----

namespace {
Device ReadDevice(sqlite3_stmt* s, int c) {
  Device d;
  d.endpoint = ColText(s, c);
  d.created_ms = ColInt(s, c + 1);
  d.model_version = ColText(s, c + 2);
  d.metadata = ColText(s, c + 3);
  return d;
}

Registration ReadRegistration(sqlite3_stmt* s, int c) {
  Registration r;
  r.endpoint = ColText(s, c);
  r.location = ColText(s, c + 1);
  r.lifetime_s = ColInt(s, c + 2);
  r.binding = ColText(s, c + 3);
  r.lwm2m_version = ColText(s, c + 4);
  r.object_links = ColText(s, c + 5);
  r.peer_address = ColText(s, c + 6);
  r.registered_at_ms = ColInt(s, c + 7);
  r.updated_at_ms = ColInt(s, c + 8);
  return r;
}

Credential ReadCredential(sqlite3_stmt* s) {
  Credential c;
  c.endpoint = ColText(s, 0);
  c.psk_identity = ColText(s, 1);
  c.psk_key = ColBlob(s, 2);
  return c;
}

Observation ReadObservation(sqlite3_stmt* s) {
  Observation o;
  o.id = ColInt(s, 0);
  o.endpoint = ColText(s, 1);
  o.paths = detail::SplitPaths(ColText(s, 2));
  o.token = ColBlob(s, 3);
  o.content_format = sqlite3_column_int(s, 4);
  o.attributes = ColText(s, 5);
  o.created_ms = ColInt(s, 6);
  return o;
}

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

Status SqliteStore::PutDevice(const Device& d) {
  return impl_->Run("put device",
                    "INSERT INTO devices(endpoint, created_ms, model_version, metadata) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT(endpoint) DO UPDATE SET "
                    "created_ms = excluded.created_ms, model_version = excluded.model_version, "
                    "metadata = excluded.metadata",
                    d.endpoint, d.created_ms, d.model_version, d.metadata);
}

Result<Device> SqliteStore::GetDevice(const std::string& endpoint) {
  std::optional<Device> out;
  Status st = impl_->Query(
      "get device",
      "SELECT endpoint, created_ms, model_version, metadata FROM devices WHERE endpoint = ?",
      [&](sqlite3_stmt* s) { out = ReadDevice(s, 0); }, endpoint);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no device " + endpoint);
  return *out;
}

Status SqliteStore::DeleteDevice(const std::string& endpoint) {
  bool existed = false;
  Status st = impl_->InTransaction([&]() -> Status {
    Status s = impl_->Run("delete device", "DELETE FROM devices WHERE endpoint = ?", endpoint);
    if (!s.ok()) return s;
    existed = sqlite3_changes(impl_->db) > 0;
    for (const char* sql :
         {"DELETE FROM credentials WHERE endpoint = ?",
          "DELETE FROM registrations WHERE endpoint = ?",
          "DELETE FROM observations WHERE endpoint = ?", "DELETE FROM samples WHERE endpoint = ?",
          "DELETE FROM snapshots WHERE endpoint = ?"}) {
      s = impl_->Run("delete device", sql, endpoint);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!existed) return Status::NotFound("no device " + endpoint);
  return Status::Ok();
}

Result<std::vector<DeviceSummary>> SqliteStore::ListDevices() {
  std::vector<DeviceSummary> out;
  Status st = impl_->Query(
      "list devices",
      "SELECT d.endpoint, d.created_ms, d.model_version, d.metadata, "
      "r.endpoint, r.location, r.lifetime_s, r.binding, r.lwm2m_version, r.object_links, "
      "r.peer_address, r.registered_at_ms, r.updated_at_ms, "
      "(SELECT MAX(time_ms) FROM snapshots s WHERE s.endpoint = d.endpoint) "
      "FROM devices d LEFT JOIN registrations r ON r.endpoint = d.endpoint ORDER BY d.endpoint",
      [&](sqlite3_stmt* s) {
        DeviceSummary ds;
        ds.device = ReadDevice(s, 0);
        if (!ColNull(s, 4)) {
          ds.registration = ReadRegistration(s, 4);
          ds.last_seen_ms = ds.registration->updated_at_ms;
        }
        if (!ColNull(s, 13)) ds.last_seen_ms = std::max(ds.last_seen_ms, ColInt(s, 13));
        out.push_back(std::move(ds));
      });
  if (!st.ok()) return st;
  return out;
}

// ---- credentials ----

Status SqliteStore::PutCredential(const Credential& c) {
  return impl_->Run("put credential",
                    "INSERT INTO credentials(endpoint, psk_identity, psk_key) VALUES (?, ?, ?) "
                    "ON CONFLICT(endpoint) DO UPDATE SET psk_identity = excluded.psk_identity, "
                    "psk_key = excluded.psk_key",
                    c.endpoint, c.psk_identity, c.psk_key);
}

Result<Credential> SqliteStore::GetCredential(const std::string& endpoint) {
  std::optional<Credential> out;
  Status st = impl_->Query(
      "get credential",
      "SELECT endpoint, psk_identity, psk_key FROM credentials WHERE endpoint = ?",
      [&](sqlite3_stmt* s) { out = ReadCredential(s); }, endpoint);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no credential for " + endpoint);
  return *out;
}

Result<Credential> SqliteStore::FindCredentialByIdentity(const std::string& identity) {
  std::optional<Credential> out;
  Status st = impl_->Query(
      "find credential",
      "SELECT endpoint, psk_identity, psk_key FROM credentials WHERE psk_identity = ?",
      [&](sqlite3_stmt* s) { out = ReadCredential(s); }, identity);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no credential with identity " + identity);
  return *out;
}

Status SqliteStore::DeleteCredential(const std::string& endpoint) {
  return impl_->RunExpectingChange("delete credential", "credential for " + endpoint,
                                   "DELETE FROM credentials WHERE endpoint = ?", endpoint);
}

Result<std::vector<Credential>> SqliteStore::ListCredentials() {
  std::vector<Credential> out;
  Status st =
      impl_->Query("list credentials",
                   "SELECT endpoint, psk_identity, psk_key FROM credentials ORDER BY endpoint",
                   [&](sqlite3_stmt* s) { out.push_back(ReadCredential(s)); });
  if (!st.ok()) return st;
  return out;
}

// ---- registrations ----

Status SqliteStore::PutRegistration(const Registration& r) {
  return impl_->InTransaction([&]() -> Status {
    Status st = impl_->Run(
        "put registration",
        "INSERT INTO devices(endpoint, created_ms) VALUES (?, ?) ON CONFLICT(endpoint) DO NOTHING",
        r.endpoint, r.registered_at_ms);
    if (!st.ok()) return st;
    return impl_->Run(
        "put registration",
        "INSERT INTO registrations(endpoint, location, lifetime_s, binding, lwm2m_version, "
        "object_links, peer_address, registered_at_ms, updated_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(endpoint) DO UPDATE SET "
        "location = excluded.location, lifetime_s = excluded.lifetime_s, "
        "binding = excluded.binding, lwm2m_version = excluded.lwm2m_version, "
        "object_links = excluded.object_links, peer_address = excluded.peer_address, "
        "registered_at_ms = excluded.registered_at_ms, updated_at_ms = excluded.updated_at_ms",
        r.endpoint, r.location, r.lifetime_s, r.binding, r.lwm2m_version, r.object_links,
        r.peer_address, r.registered_at_ms, r.updated_at_ms);
  });
}

Result<Registration> SqliteStore::GetRegistration(const std::string& endpoint) {
  std::optional<Registration> out;
  Status st = impl_->Query(
      "get registration",
      "SELECT endpoint, location, lifetime_s, binding, lwm2m_version, object_links, peer_address, "
      "registered_at_ms, updated_at_ms FROM registrations WHERE endpoint = ?",
      [&](sqlite3_stmt* s) { out = ReadRegistration(s, 0); }, endpoint);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no registration for " + endpoint);
  return *out;
}

Result<Registration> SqliteStore::FindRegistrationByLocation(const std::string& location) {
  std::optional<Registration> out;
  Status st = impl_->Query(
      "find registration",
      "SELECT endpoint, location, lifetime_s, binding, lwm2m_version, object_links, peer_address, "
      "registered_at_ms, updated_at_ms FROM registrations WHERE location = ?",
      [&](sqlite3_stmt* s) { out = ReadRegistration(s, 0); }, location);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no registration at " + location);
  return *out;
}

Status SqliteStore::DeleteRegistration(const std::string& endpoint) {
  return impl_->RunExpectingChange("delete registration", "registration for " + endpoint,
                                   "DELETE FROM registrations WHERE endpoint = ?", endpoint);
}

Result<std::vector<Registration>> SqliteStore::ListRegistrations() {
  std::vector<Registration> out;
  Status st = impl_->Query(
      "list registrations",
      "SELECT endpoint, location, lifetime_s, binding, lwm2m_version, object_links, peer_address, "
      "registered_at_ms, updated_at_ms FROM registrations ORDER BY endpoint",
      [&](sqlite3_stmt* s) { out.push_back(ReadRegistration(s, 0)); });
  if (!st.ok()) return st;
  return out;
}

// ---- observations ----

Result<std::int64_t> SqliteStore::AddObservation(const Observation& o) {
  Status st = impl_->Run("add observation",
                         "INSERT INTO observations(endpoint, paths, token, content_format, "
                         "attributes, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                         o.endpoint, detail::JoinPaths(o.paths), o.token,
                         static_cast<std::int64_t>(o.content_format), o.attributes, o.created_ms);
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->db));
}

Status SqliteStore::RemoveObservation(std::int64_t id) {
  return impl_->RunExpectingChange("remove observation", "observation " + std::to_string(id),
                                   "DELETE FROM observations WHERE id = ?", id);
}

Status SqliteStore::RemoveObservationByToken(const std::string& endpoint, const Bytes& token) {
  return impl_->RunExpectingChange("remove observation", "observation with that token",
                                   "DELETE FROM observations WHERE endpoint = ? AND token = ?",
                                   endpoint, token);
}

Status SqliteStore::RemoveObservations(const std::string& endpoint) {
  return impl_->Run("remove observations", "DELETE FROM observations WHERE endpoint = ?", endpoint);
}

Result<std::vector<Observation>> SqliteStore::ListObservations(const std::string& endpoint) {
  std::vector<Observation> out;
  auto row = [&](sqlite3_stmt* s) { out.push_back(ReadObservation(s)); };
  Status st = endpoint.empty()
                  ? impl_->Query("list observations",
                                 "SELECT id, endpoint, paths, token, content_format, attributes, "
                                 "created_ms FROM observations ORDER BY id",
                                 row)
                  : impl_->Query("list observations",
                                 "SELECT id, endpoint, paths, token, content_format, attributes, "
                                 "created_ms FROM observations WHERE endpoint = ? ORDER BY id",
                                 row, endpoint);
  if (!st.ok()) return st;
  return out;
}

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
