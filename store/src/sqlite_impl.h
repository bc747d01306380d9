// The SQLite connection behind SqliteStore: the handle, the statement cache,
// Exec/Query helpers and the schema migration, plus the bind/column helpers
// every statement uses. Private to store/src (sqlite_store.cc and
// sqlite_series.cc share it).
#pragma once

#include <sqlite3.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "query_shapes.h"
#include "sqlite_schema.h"
#include "sqlite_backend.h"

namespace lwcl::store {
inline Status ErrorFrom(sqlite3* db, int rc, const std::string& what) {
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
inline int BindOne(sqlite3_stmt* s, int i, std::int64_t v) { return sqlite3_bind_int64(s, i, v); }
inline int BindOne(sqlite3_stmt* s, int i, double v) { return sqlite3_bind_double(s, i, v); }
inline int BindOne(sqlite3_stmt* s, int i, const std::string& v) {
  return sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
inline int BindOne(sqlite3_stmt* s, int i, const Bytes& v) {
  // A zero-length blob must still be a blob, not NULL: give a non-null pointer.
  static const std::uint8_t kEmpty = 0;
  return sqlite3_bind_blob(s, i, v.empty() ? &kEmpty : v.data(), static_cast<int>(v.size()),
                           SQLITE_TRANSIENT);
}
template <class T>
inline int BindOne(sqlite3_stmt* s, int i, const std::optional<T>& v) {
  return v ? BindOne(s, i, *v) : sqlite3_bind_null(s, i);
}

inline std::string ColText(sqlite3_stmt* s, int i) {
  const unsigned char* p = sqlite3_column_text(s, i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
}
inline Bytes ColBlob(sqlite3_stmt* s, int i) {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, i));
  const int n = sqlite3_column_bytes(s, i);
  if (!p || n <= 0) return {};
  return Bytes(p, p + n);
}
inline bool ColNull(sqlite3_stmt* s, int i) { return sqlite3_column_type(s, i) == SQLITE_NULL; }
inline std::int64_t ColInt(sqlite3_stmt* s, int i) { return sqlite3_column_int64(s, i); }

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

}  // namespace lwcl::store
