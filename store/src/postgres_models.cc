// PostgresStore's model registry: the models table (schema migration 1 -> 2).
#include "postgres_backend.h"
#include "postgres_impl.h"

namespace lwcl::store {

namespace {

#define LWCL_MODEL_COLUMNS "id, name, version, digest, base_digest, is_signed, metadata, created_ms"
constexpr Stmt kFindModel{"find_model", "SELECT id FROM models WHERE digest = $1"};
constexpr Stmt kAddModel{"add_model",
                         "INSERT INTO models(name, version, digest, base_digest, is_signed, metadata, package, "
                         "created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
constexpr Stmt kGetModel{"get_model", "SELECT " LWCL_MODEL_COLUMNS ", package FROM models WHERE id = $1"};
constexpr Stmt kListModels{"list_models", "SELECT " LWCL_MODEL_COLUMNS " FROM models ORDER BY id DESC"};
constexpr Stmt kDeleteModel{"delete_model", "DELETE FROM models WHERE id = $1"};
#undef LWCL_MODEL_COLUMNS

ModelRecord ReadModel(const PGresult* r, int i, bool with_package) {
  ModelRecord m;
  m.id = Int(r, i, 0);
  m.name = Str(r, i, 1);
  m.version = Str(r, i, 2);
  m.digest = Str(r, i, 3);
  m.base_digest = Str(r, i, 4);
  m.is_signed = Str(r, i, 5) == "t";
  m.metadata_json = Str(r, i, 6);
  m.created_ms = Int(r, i, 7);
  if (with_package) m.package = ParseBytea(Cell(r, i, 8));
  return m;
}

}  // namespace

Result<std::int64_t> PostgresStore::AddModel(const ModelRecord& m) {
  Params find;
  find.Add(m.digest);
  auto found = impl_->Exec(kFindModel, find);
  if (!found.ok()) return found.status();
  if (PQntuples(found->get()) > 0) {
    return Status::Invalid("the same package is already model " + Str(found->get(), 0, 0));
  }
  Params p;
  p.Add(m.name).Add(m.version).Add(m.digest).Add(m.base_digest).Text(m.is_signed ? "true" : "false");
  p.Add(m.metadata_json).Add(m.package).Add(m.created_ms);
  auto res = impl_->Exec(kAddModel, p, /*retry=*/false);
  if (!res.ok()) return res.status();
  return Int(res->get(), 0, 0);
}

Result<ModelRecord> PostgresStore::GetModel(std::int64_t id) {
  Params p;
  p.Add(id);
  auto res = impl_->Exec(kGetModel, p);
  if (!res.ok()) return res.status();
  if (PQntuples(res->get()) == 0) return Status::NotFound("no model " + std::to_string(id));
  return ReadModel(res->get(), 0, true);
}

Result<std::vector<ModelRecord>> PostgresStore::ListModels() {
  auto res = impl_->Exec(kListModels, Params());
  if (!res.ok()) return res.status();
  std::vector<ModelRecord> out;
  for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(ReadModel(res->get(), i, false));
  return out;
}

Status PostgresStore::DeleteModel(std::int64_t id) {
  Params p;
  p.Add(id);
  return impl_->ExecExpectingChange(kDeleteModel, p, "model " + std::to_string(id));
}

}  // namespace lwcl::store
