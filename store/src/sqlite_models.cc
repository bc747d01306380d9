// SqliteStore's model registry: the models table (schema migration 1 -> 2).
#include <optional>

#include "sqlite_backend.h"
#include "sqlite_impl.h"

namespace lwcl::store {

namespace {

#define LWCL_MODEL_COLUMNS "id, name, version, digest, base_digest, is_signed, metadata, created_ms"
constexpr const char* kGetModel = "SELECT " LWCL_MODEL_COLUMNS ", package FROM models WHERE id = ?";
constexpr const char* kListModels = "SELECT " LWCL_MODEL_COLUMNS " FROM models ORDER BY id DESC";
#undef LWCL_MODEL_COLUMNS

ModelRecord ReadModel(sqlite3_stmt* s, bool with_package) {
  ModelRecord m;
  m.id = ColInt(s, 0);
  m.name = ColText(s, 1);
  m.version = ColText(s, 2);
  m.digest = ColText(s, 3);
  m.base_digest = ColText(s, 4);
  m.is_signed = ColInt(s, 5) != 0;
  m.metadata_json = ColText(s, 6);
  m.created_ms = ColInt(s, 7);
  if (with_package) m.package = ColBlob(s, 8);
  return m;
}

}  // namespace

Result<std::int64_t> SqliteStore::AddModel(const ModelRecord& m) {
  std::optional<std::int64_t> existing;
  Status st = impl_->Query(
      "find model", "SELECT id FROM models WHERE digest = ?", [&](sqlite3_stmt* s) { existing = ColInt(s, 0); },
      m.digest);
  if (!st.ok()) return st;
  if (existing) return Status::Invalid("the same package is already model " + std::to_string(*existing));
  st = impl_->Run("add model",
                  "INSERT INTO models(name, version, digest, base_digest, is_signed, metadata, package, created_ms) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  m.name, m.version, m.digest, m.base_digest, static_cast<std::int64_t>(m.is_signed ? 1 : 0),
                  m.metadata_json, m.package, m.created_ms);
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->db));
}

Result<ModelRecord> SqliteStore::GetModel(std::int64_t id) {
  std::optional<ModelRecord> out;
  Status st = impl_->Query(
      "get model", kGetModel,
      [&](sqlite3_stmt* s) { out = ReadModel(s, true); }, id);
  if (!st.ok()) return st;
  if (!out) return Status::NotFound("no model " + std::to_string(id));
  return *out;
}

Result<std::vector<ModelRecord>> SqliteStore::ListModels() {
  std::vector<ModelRecord> out;
  Status st = impl_->Query("list models", kListModels,
                           [&](sqlite3_stmt* s) { out.push_back(ReadModel(s, false)); });
  if (!st.ok()) return st;
  return out;
}

Status SqliteStore::DeleteModel(std::int64_t id) {
  return impl_->RunExpectingChange("delete model", "model " + std::to_string(id), "DELETE FROM models WHERE id = ?",
                                   id);
}

}  // namespace lwcl::store
