// PostgresStore: the libpq back end. Parameters travel as text (bytea as
// binary); results come back as text and are parsed here. A batch of samples
// is one statement over unnest()ed arrays: one round trip, one transaction.#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <memory>
#include <utility>

#include "postgres_impl.h"
#include "postgres_statements.h"

namespace lwcl::store {
namespace {

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


}  // namespace

std::unique_ptr<Store> OpenPostgresStore(const std::string& conninfo, std::string* error) {
  return PostgresStore::Open(conninfo, error);
}

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

}  // namespace lwcl::store
