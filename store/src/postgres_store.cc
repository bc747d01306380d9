// PostgresStore: the libpq back end. Parameters travel as text (bytea as
// binary); results come back as text and are parsed here. A batch of samples
// is one statement over unnest()ed arrays: one round trip, one transaction.
#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "postgres_schema.h"
#include "query_shapes.h"

namespace lwcl::store {

namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A named statement, prepared once per connection.
struct Stmt {
  const char* name;
  const char* sql;
};

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form
  return std::string(buf, res.ptr);
}

double ParseDouble(const char* s) {
  if (std::strcmp(s, "NaN") == 0) return std::nan("");
  if (std::strcmp(s, "Infinity") == 0) return HUGE_VAL;
  if (std::strcmp(s, "-Infinity") == 0) return -HUGE_VAL;
  double v = 0;
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}

std::int64_t ParseInt(const char* s) {
  std::int64_t v = 0;
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea's text output (hex format, the default since PostgreSQL 9.0).
Bytes ParseBytea(const char* s) {
  Bytes out;
  std::size_t n = std::strlen(s);
  if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
    out.reserve((n - 2) / 2);
    for (std::size_t i = 2; i + 1 < n; i += 2)
      out.push_back(static_cast<std::uint8_t>(HexDigit(s[i]) * 16 + HexDigit(s[i + 1])));
  }
  return out;
}

std::string HexBytea(const Bytes& b) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + b.size() * 2);
  for (std::uint8_t c : b) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// One statement's parameters.
class Params {
 public:
  Params& Add(std::int64_t v) { return Text(std::to_string(v)); }
  Params& Add(int v) { return Text(std::to_string(v)); }
  Params& Add(double v) { return Text(FormatDouble(v)); }
  Params& Add(const std::string& v) { return Text(v); }
  Params& Add(const Bytes& v) {
    values_.emplace_back(std::string(v.begin(), v.end()));
    binary_.push_back(1);
    return *this;
  }
  template <class T>
  Params& Add(const std::optional<T>& v) {
    if (v) return Add(*v);
    values_.emplace_back(std::nullopt);
    binary_.push_back(0);
    return *this;
  }
  Params& Text(std::string v) {
    values_.emplace_back(std::move(v));
    binary_.push_back(0);
    return *this;
  }

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers valid while this object lives and is not modified.
  void Arrays(std::vector<const char*>* values, std::vector<int>* lengths) const {
    values->clear();
    lengths->clear();
    for (const auto& v : values_) {
      values->push_back(v ? v->c_str() : nullptr);
      lengths->push_back(v ? static_cast<int>(v->size()) : 0);
    }
  }
  const int* formats() const { return binary_.data(); }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> binary_;
};

// Builds a PostgreSQL array literal ('{"a",NULL,"b"}') element by element.
class ArrayLiteral {
 public:
  void Add(const std::string& v) {
    Sep();
    text_.push_back('"');
    for (char c : v) {
      if (c == '"' || c == '\\') text_.push_back('\\');
      text_.push_back(c);
    }
    text_.push_back('"');
  }
  void AddRaw(const std::string& v) {  // numbers: no quoting needed
    Sep();
    text_ += v;
  }
  void AddNull() {
    Sep();
    text_ += "NULL";
  }
  std::string Finish() { return text_ + "}"; }

 private:
  void Sep() {
    if (text_.size() > 1) text_.push_back(',');
  }
  std::string text_ = "{";
};

const char* Cell(const PGresult* r, int row, int col) { return PQgetvalue(r, row, col); }
bool Null(const PGresult* r, int row, int col) { return PQgetisnull(r, row, col) != 0; }
std::string Str(const PGresult* r, int row, int col) { return Cell(r, row, col); }
std::int64_t Int(const PGresult* r, int row, int col) { return ParseInt(Cell(r, row, col)); }

// ---- the statements ----
constexpr Stmt kPutDevice{
    "put_device",
    "INSERT INTO devices(endpoint, created_ms, model_version, metadata) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT(endpoint) DO UPDATE SET created_ms = excluded.created_ms, "
    "model_version = excluded.model_version, metadata = excluded.metadata"};
constexpr Stmt kGetDevice{
    "get_device",
    "SELECT endpoint, created_ms, model_version, metadata FROM devices WHERE endpoint = $1"};
constexpr Stmt kDeleteDevice{"delete_device",
                             "WITH c AS (DELETE FROM credentials WHERE endpoint = $1), "
                             "r AS (DELETE FROM registrations WHERE endpoint = $1), "
                             "o AS (DELETE FROM observations WHERE endpoint = $1), "
                             "s AS (DELETE FROM samples WHERE endpoint = $1), "
                             "n AS (DELETE FROM snapshots WHERE endpoint = $1) "
                             "DELETE FROM devices WHERE endpoint = $1"};
constexpr Stmt kListDevices{
    "list_devices",
    "SELECT d.endpoint, d.created_ms, d.model_version, d.metadata, "
    "r.endpoint, r.location, r.lifetime_s, r.binding, r.lwm2m_version, r.object_links, "
    "r.peer_address, r.registered_at_ms, r.updated_at_ms, "
    "(SELECT MAX(time_ms) FROM snapshots s WHERE s.endpoint = d.endpoint) "
    "FROM devices d LEFT JOIN registrations r ON r.endpoint = d.endpoint ORDER BY d.endpoint"};
constexpr Stmt kPutCredential{
    "put_credential",
    "INSERT INTO credentials(endpoint, psk_identity, psk_key) VALUES ($1, $2, $3) "
    "ON CONFLICT(endpoint) DO UPDATE SET psk_identity = excluded.psk_identity, "
    "psk_key = excluded.psk_key"};
constexpr Stmt kGetCredential{
    "get_credential",
    "SELECT endpoint, psk_identity, psk_key FROM credentials WHERE endpoint = $1"};
constexpr Stmt kFindCredential{
    "find_credential",
    "SELECT endpoint, psk_identity, psk_key FROM credentials WHERE psk_identity = $1"};
constexpr Stmt kDeleteCredential{"delete_credential",
                                 "DELETE FROM credentials WHERE endpoint = $1"};
constexpr Stmt kListCredentials{
    "list_credentials",
    "SELECT endpoint, psk_identity, psk_key FROM credentials ORDER BY endpoint"};
constexpr Stmt kPutRegistration{
    "put_registration",
    "WITH d AS (INSERT INTO devices(endpoint, created_ms) VALUES ($1, $8) "
    "ON CONFLICT(endpoint) DO NOTHING) "
    "INSERT INTO registrations(endpoint, location, lifetime_s, binding, lwm2m_version, "
    "object_links, peer_address, registered_at_ms, updated_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(endpoint) DO UPDATE SET "
    "location = excluded.location, lifetime_s = excluded.lifetime_s, "
    "binding = excluded.binding, lwm2m_version = excluded.lwm2m_version, "
    "object_links = excluded.object_links, peer_address = excluded.peer_address, "
    "registered_at_ms = excluded.registered_at_ms, updated_at_ms = excluded.updated_at_ms"};
#define LWCL_REG_COLUMNS                                                                 \
  "endpoint, location, lifetime_s, binding, lwm2m_version, object_links, peer_address, " \
  "registered_at_ms, updated_at_ms"
constexpr Stmt kGetRegistration{
    "get_registration", "SELECT " LWCL_REG_COLUMNS " FROM registrations WHERE endpoint = $1"};
constexpr Stmt kFindRegistration{
    "find_registration", "SELECT " LWCL_REG_COLUMNS " FROM registrations WHERE location = $1"};
constexpr Stmt kListRegistrations{
    "list_registrations", "SELECT " LWCL_REG_COLUMNS " FROM registrations ORDER BY endpoint"};
#undef LWCL_REG_COLUMNS
constexpr Stmt kDeleteRegistration{"delete_registration",
                                   "DELETE FROM registrations WHERE endpoint = $1"};
constexpr Stmt kAddObservation{
    "add_observation",
    "INSERT INTO observations(endpoint, paths, token, content_format, attributes, created_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"};
constexpr Stmt kRemoveObservation{"remove_observation", "DELETE FROM observations WHERE id = $1"};
constexpr Stmt kRemoveObservationByToken{
    "remove_observation_token", "DELETE FROM observations WHERE endpoint = $1 AND token = $2"};
constexpr Stmt kRemoveObservations{"remove_observations",
                                   "DELETE FROM observations WHERE endpoint = $1"};
constexpr Stmt kListObservations{
    "list_observations",
    "SELECT id, endpoint, paths, token, content_format, attributes, created_ms FROM observations "
    "WHERE ($1::text IS NULL OR endpoint = $1) ORDER BY id"};
// The batch: dedupe within the batch (the last of equal keys wins, as if
// inserted one by one), upsert the series, advance the snapshots.
constexpr Stmt kAppendValues{
    "append_values",
    "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int2[], "
    "$5::float8[], $6::text[], $7::bytea[]) WITH ORDINALITY "
    "AS t(endpoint, path, time_ms, type, num, txt, bin, ord)), "
    "last AS (SELECT DISTINCT ON (endpoint, path, time_ms) endpoint, path, time_ms, type, num, "
    "txt, bin FROM v ORDER BY endpoint, path, time_ms, ord DESC), "
    "ins AS (INSERT INTO samples(endpoint, path, time_ms, type, num, txt, bin) "
    "SELECT * FROM last ON CONFLICT (endpoint, path, time_ms) DO UPDATE SET "
    "type = excluded.type, num = excluded.num, txt = excluded.txt, bin = excluded.bin) "
    "INSERT INTO snapshots(endpoint, path, time_ms, type, num, txt, bin) "
    "SELECT DISTINCT ON (endpoint, path) * FROM last ORDER BY endpoint, path, time_ms DESC "
    "ON CONFLICT (endpoint, path) DO UPDATE SET time_ms = excluded.time_ms, "
    "type = excluded.type, num = excluded.num, txt = excluded.txt, bin = excluded.bin "
    "WHERE excluded.time_ms >= snapshots.time_ms"};
constexpr Stmt kQueryRange{"query_range",
                           "SELECT endpoint, path, time_ms, type, num, txt, bin FROM samples "
                           "WHERE endpoint = $1 AND path = $2 AND time_ms >= $3 AND time_ms < $4 "
                           "ORDER BY time_ms LIMIT $5"};
constexpr Stmt kQueryBuckets{
    "query_buckets",
    "SELECT (time_ms - $3) / $5 AS b, COUNT(*), COUNT(num), MIN(num), MAX(num), AVG(num) "
    "FROM samples WHERE endpoint = $1 AND path = $2 AND time_ms >= $3 AND time_ms < $4 "
    "GROUP BY b ORDER BY b"};
constexpr Stmt kLatestAll{
    "latest_all",
    "SELECT endpoint, path, time_ms, type, num, txt, bin FROM snapshots WHERE endpoint = $1 "
    "ORDER BY path"};
constexpr Stmt kLatestPrefix{
    "latest_prefix",
    "SELECT endpoint, path, time_ms, type, num, txt, bin FROM snapshots WHERE endpoint = $1 "
    "AND (path = $2 OR (path >= $3 AND path < $4)) ORDER BY path"};
constexpr Stmt kAppendEvent{
    "append_event",
    "INSERT INTO events(time_ms, endpoint, kind, detail) VALUES ($1, $2, $3, $4) RETURNING id"};
constexpr Stmt kQueryEvents{
    "query_events",
    "SELECT id, time_ms, endpoint, kind, detail FROM events WHERE time_ms >= $1 AND time_ms < $2 "
    "AND id > $3 AND ($4::text IS NULL OR endpoint = $4) ORDER BY id LIMIT $5"};
constexpr Stmt kDeleteSamplesBefore{"delete_samples_before",
                                    "DELETE FROM samples WHERE time_ms < $1"};
constexpr Stmt kDeleteEventsBefore{"delete_events_before", "DELETE FROM events WHERE time_ms < $1"};
constexpr Stmt kSchemaVersion{"schema_version", "SELECT MAX(version) FROM schema_version"};

Device ReadDevice(const PGresult* r, int i, int c) {
  Device d;
  d.endpoint = Str(r, i, c);
  d.created_ms = Int(r, i, c + 1);
  d.model_version = Str(r, i, c + 2);
  d.metadata = Str(r, i, c + 3);
  return d;
}

Registration ReadRegistration(const PGresult* r, int i, int c) {
  Registration g;
  g.endpoint = Str(r, i, c);
  g.location = Str(r, i, c + 1);
  g.lifetime_s = Int(r, i, c + 2);
  g.binding = Str(r, i, c + 3);
  g.lwm2m_version = Str(r, i, c + 4);
  g.object_links = Str(r, i, c + 5);
  g.peer_address = Str(r, i, c + 6);
  g.registered_at_ms = Int(r, i, c + 7);
  g.updated_at_ms = Int(r, i, c + 8);
  return g;
}

Credential ReadCredential(const PGresult* r, int i) {
  Credential c;
  c.endpoint = Str(r, i, 0);
  c.psk_identity = Str(r, i, 1);
  c.psk_key = ParseBytea(Cell(r, i, 2));
  return c;
}

Observation ReadObservation(const PGresult* r, int i) {
  Observation o;
  o.id = Int(r, i, 0);
  o.endpoint = Str(r, i, 1);
  o.paths = detail::SplitPaths(Str(r, i, 2));
  o.token = ParseBytea(Cell(r, i, 3));
  o.content_format = static_cast<std::int32_t>(Int(r, i, 4));
  o.attributes = Str(r, i, 5);
  o.created_ms = Int(r, i, 6);
  return o;
}

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

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

struct PostgresStore::Impl {
  std::string conninfo;
  PGconn* conn = nullptr;
  std::set<std::string> prepared;  // statement names prepared on `conn`

  ~Impl() { Disconnect(); }

  void Disconnect() {
    if (conn) PQfinish(conn);
    conn = nullptr;
    prepared.clear();
  }

  Status Connect() {
    Disconnect();
    conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string msg = "postgresql: connect: " + Trim(PQerrorMessage(conn));
      Disconnect();
      return Status::Unavailable(std::move(msg));
    }
    // Quiet notices ("relation already exists, skipping") instead of stderr.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    return Status::Ok();
  }

  // A usable connection: reconnects when there is none, or when the server
  // closed this one while it was idle (e.g. it restarted) — PQconsumeInput
  // notices that without a round trip.
  Status EnsureConnected() {
    if (conn && PQstatus(conn) == CONNECTION_OK && PQconsumeInput(conn) &&
        PQstatus(conn) == CONNECTION_OK)
      return Status::Ok();
    return Connect();
  }

  Status Classify(const std::string& what, const PGresult* res) {
    std::string msg =
        "postgresql: " + what + ": " + Trim(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const bool lost = !conn || PQstatus(conn) != CONNECTION_OK;
    if (lost) {
      Disconnect();  // reconnect on the next call
      return Status::Unavailable(std::move(msg));
    }
    if (state) {
      std::string s(state);
      if (s.rfind("08", 0) == 0 || s.rfind("57P", 0) == 0 || s.rfind("53", 0) == 0)
        return Status::Unavailable(std::move(msg));
      if (s.rfind("23", 0) == 0 || s.rfind("22", 0) == 0) return Status::Invalid(std::move(msg));
    }
    return Status::Internal(std::move(msg));
  }

  // Runs a prepared statement. A statement that may safely run twice
  // (`retry`) is retried once on a fresh connection when the connection was
  // found dead while sending it.
  Result<PgResult> Exec(const Stmt& stmt, const Params& params, bool retry = true) {
    for (int attempt = 0;; ++attempt) {
      Status st = EnsureConnected();
      if (!st.ok()) return st;
      if (!prepared.count(stmt.name)) {
        PgResult prep(PQprepare(conn, stmt.name, stmt.sql, params.size(), nullptr));
        if (!prep || PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
          st = Classify(std::string("prepare ") + stmt.name, prep.get());
          if (st.code() == ErrorCode::kUnavailable && retry && attempt == 0) continue;
          return st;
        }
        prepared.insert(stmt.name);
      }
      std::vector<const char*> values;
      std::vector<int> lengths;
      params.Arrays(&values, &lengths);
      PgResult res(PQexecPrepared(conn, stmt.name, params.size(), values.data(), lengths.data(),
                                  params.formats(), 0));
      const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return Result<PgResult>(std::move(res));
      st = Classify(stmt.name, res.get());
      if (st.code() == ErrorCode::kUnavailable && retry && attempt == 0) continue;
      return st;
    }
  }

  // Runs SQL text without parameters (schema work).
  Status Simple(const std::string& what, const char* sql) {
    PgResult res(PQexec(conn, sql));
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::Ok();
    return Classify(what, res.get());
  }

  Status Migrate() {
    Status st =
        Simple("schema", "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (!st.ok()) return st;
    st = Simple("migrate", "BEGIN");
    if (!st.ok()) return st;
    // Two servers opening a fresh database at once: one migrates, the other
    // waits and then finds the work done.
    st = Simple("migrate", "SELECT pg_advisory_xact_lock(7305002)");
    std::int64_t v = 0;
    if (st.ok()) {
      PgResult res(PQexec(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
      if (res && PQresultStatus(res.get()) == PGRES_TUPLES_OK && PQntuples(res.get()) == 1)
        v = ParseInt(PQgetvalue(res.get(), 0, 0));
      else
        st = Classify("schema version", res.get());
    }
    const auto known = static_cast<std::int64_t>(postgres_schema::kMigrations.size());
    if (st.ok() && v > known)
      st = Status::Invalid("postgresql: database schema version " + std::to_string(v) +
                           " is newer than this build knows (" + std::to_string(known) + ")");
    for (; st.ok() && v < known; ++v) {
      st = Simple("migrate", postgres_schema::kMigrations[static_cast<std::size_t>(v)]);
      if (st.ok()) st = Simple("migrate", "DELETE FROM schema_version");
      if (st.ok()) {
        std::string ins =
            "INSERT INTO schema_version(version) VALUES (" + std::to_string(v + 1) + ")";
        st = Simple("migrate", ins.c_str());
      }
    }
    if (st.ok()) return Simple("migrate", "COMMIT");
    if (conn) (void)Simple("migrate", "ROLLBACK");
    return st;
  }

  // Runs a statement that must touch a row; kNotFound otherwise.
  Status ExecExpectingChange(const Stmt& stmt, const Params& p, const std::string& what) {
    auto res = Exec(stmt, p);
    if (!res.ok()) return res.status();
    if (std::strcmp(PQcmdTuples(res->get()), "0") == 0) return Status::NotFound("no " + what);
    return Status::Ok();
  }
};

std::unique_ptr<PostgresStore> PostgresStore::Open(const std::string& conninfo,
                                                   std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->conninfo = conninfo;
  Status st = impl->Connect();
  if (st.ok()) st = impl->Migrate();
  if (!st.ok()) {
    if (error) *error = st.message();
    return nullptr;
  }
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(impl)));
}

PostgresStore::PostgresStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostgresStore::~PostgresStore() = default;

Result<int> PostgresStore::SchemaVersion() {
  auto res = impl_->Exec(kSchemaVersion, Params());
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) != 1 || Null(res->get(), 0, 0)) return 0;
  return static_cast<int>(Int(res->get(), 0, 0));
}

// ---- devices ----

Status PostgresStore::PutDevice(const Device& d) {
  Params p;
  p.Add(d.endpoint).Add(d.created_ms).Add(d.model_version).Add(d.metadata);
  auto res = impl_->Exec(kPutDevice, p);
  return res.ok() ? Status::Ok() : res.status();
}

Result<Device> PostgresStore::GetDevice(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  auto res = impl_->Exec(kGetDevice, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0) return Status::NotFound("no device " + endpoint);
  return ReadDevice(res->get(), 0, 0);
}

Status PostgresStore::DeleteDevice(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  return impl_->ExecExpectingChange(kDeleteDevice, p, "device " + endpoint);
}

Result<std::vector<DeviceSummary>> PostgresStore::ListDevices() {
  auto res = impl_->Exec(kListDevices, Params());
  if (!res.ok()) return res.status();
  const PGresult* r = res->get();
  std::vector<DeviceSummary> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    DeviceSummary ds;
    ds.device = ReadDevice(r, i, 0);
    if (!Null(r, i, 4)) {
      ds.registration = ReadRegistration(r, i, 4);
      ds.last_seen_ms = ds.registration->updated_at_ms;
    }
    if (!Null(r, i, 13)) ds.last_seen_ms = std::max(ds.last_seen_ms, Int(r, i, 13));
    out.push_back(std::move(ds));
  }
  return out;
}

// ---- credentials ----

Status PostgresStore::PutCredential(const Credential& c) {
  Params p;
  p.Add(c.endpoint).Add(c.psk_identity).Add(c.psk_key);
  auto res = impl_->Exec(kPutCredential, p);
  return res.ok() ? Status::Ok() : res.status();
}

Result<Credential> PostgresStore::GetCredential(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  auto res = impl_->Exec(kGetCredential, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0) return Status::NotFound("no credential for " + endpoint);
  return ReadCredential(res->get(), 0);
}

Result<Credential> PostgresStore::FindCredentialByIdentity(const std::string& identity) {
  Params p;
  p.Add(identity);
  auto res = impl_->Exec(kFindCredential, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0)
    return Status::NotFound("no credential with identity " + identity);
  return ReadCredential(res->get(), 0);
}

Status PostgresStore::DeleteCredential(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  return impl_->ExecExpectingChange(kDeleteCredential, p, "credential for " + endpoint);
}

Result<std::vector<Credential>> PostgresStore::ListCredentials() {
  auto res = impl_->Exec(kListCredentials, Params());
  if (!res.ok()) return res.status();
  std::vector<Credential> out;
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadCredential(res->get(), i));
  return out;
}

// ---- registrations ----

Status PostgresStore::PutRegistration(const Registration& r) {
  Params p;
  p.Add(r.endpoint).Add(r.location).Add(r.lifetime_s).Add(r.binding).Add(r.lwm2m_version);
  p.Add(r.object_links).Add(r.peer_address).Add(r.registered_at_ms).Add(r.updated_at_ms);
  auto res = impl_->Exec(kPutRegistration, p);
  return res.ok() ? Status::Ok() : res.status();
}

Result<Registration> PostgresStore::GetRegistration(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  auto res = impl_->Exec(kGetRegistration, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0) return Status::NotFound("no registration for " + endpoint);
  return ReadRegistration(res->get(), 0, 0);
}

Result<Registration> PostgresStore::FindRegistrationByLocation(const std::string& location) {
  Params p;
  p.Add(location);
  auto res = impl_->Exec(kFindRegistration, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0) return Status::NotFound("no registration at " + location);
  return ReadRegistration(res->get(), 0, 0);
}

Status PostgresStore::DeleteRegistration(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  return impl_->ExecExpectingChange(kDeleteRegistration, p, "registration for " + endpoint);
}

Result<std::vector<Registration>> PostgresStore::ListRegistrations() {
  auto res = impl_->Exec(kListRegistrations, Params());
  if (!res.ok()) return res.status();
  std::vector<Registration> out;
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadRegistration(res->get(), i, 0));
  return out;
}

// ---- observations ----

Result<std::int64_t> PostgresStore::AddObservation(const Observation& o) {
  Params p;
  p.Add(o.endpoint).Add(detail::JoinPaths(o.paths)).Add(o.token);
  p.Add(static_cast<std::int64_t>(o.content_format)).Add(o.attributes).Add(o.created_ms);
  // Not retried: a second insert would be a second observation.
  auto res = impl_->Exec(kAddObservation, p, /*retry=*/false);
  if (!res.ok()) return res.status();
  return Int(res->get(), 0, 0);
}

Status PostgresStore::RemoveObservation(std::int64_t id) {
  Params p;
  p.Add(id);
  return impl_->ExecExpectingChange(kRemoveObservation, p, "observation " + std::to_string(id));
}

Status PostgresStore::RemoveObservationByToken(const std::string& endpoint, const Bytes& token) {
  Params p;
  p.Add(endpoint).Add(token);
  return impl_->ExecExpectingChange(kRemoveObservationByToken, p, "observation with that token");
}

Status PostgresStore::RemoveObservations(const std::string& endpoint) {
  Params p;
  p.Add(endpoint);
  auto res = impl_->Exec(kRemoveObservations, p);
  return res.ok() ? Status::Ok() : res.status();
}

Result<std::vector<Observation>> PostgresStore::ListObservations(const std::string& endpoint) {
  Params p;
  p.Add(endpoint.empty() ? std::optional<std::string>() : std::optional<std::string>(endpoint));
  auto res = impl_->Exec(kListObservations, p);
  if (!res.ok()) return res.status();
  std::vector<Observation> out;
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadObservation(res->get(), i));
  return out;
}

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
