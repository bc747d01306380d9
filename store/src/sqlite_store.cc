// SqliteStore: the embedded back end. Statements are prepared on first use
// and cached for the life of the connection.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "sqlite_impl.h"

namespace lwcl::store {

std::unique_ptr<Store> OpenSqliteStore(const std::string& path, std::string* error) {
  return SqliteStore::Open(path, error);
}

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

}  // namespace lwcl::store
