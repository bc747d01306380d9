// The libpq connection behind PostgresStore: connect and reconnect, lazy
// statement preparation, the schema migration, and the text encodings of
// parameters and results (numbers, bytea, array literals). Private to
// store/src (postgres_store.cc and postgres_series.cc share it).
#pragma once

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

#include "postgres_backend.h"
#include "postgres_schema.h"
#include "query_shapes.h"

namespace lwcl::store {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A named statement, prepared once per connection.
struct Stmt {
  const char* name;
  const char* sql;
};

inline std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form
  return std::string(buf, res.ptr);
}

inline double ParseDouble(const char* s) {
  if (std::strcmp(s, "NaN") == 0) return std::nan("");
  if (std::strcmp(s, "Infinity") == 0) return HUGE_VAL;
  if (std::strcmp(s, "-Infinity") == 0) return -HUGE_VAL;
  double v = 0;
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}

inline std::int64_t ParseInt(const char* s) {
  std::int64_t v = 0;
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}

inline int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea's text output (hex format, the default since PostgreSQL 9.0).
inline Bytes ParseBytea(const char* s) {
  Bytes out;
  std::size_t n = std::strlen(s);
  if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
    out.reserve((n - 2) / 2);
    for (std::size_t i = 2; i + 1 < n; i += 2)
      out.push_back(static_cast<std::uint8_t>(HexDigit(s[i]) * 16 + HexDigit(s[i + 1])));
  }
  return out;
}

inline std::string HexBytea(const Bytes& b) {
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

inline const char* Cell(const PGresult* r, int row, int col) { return PQgetvalue(r, row, col); }
inline bool Null(const PGresult* r, int row, int col) { return PQgetisnull(r, row, col) != 0; }
inline std::string Str(const PGresult* r, int row, int col) { return Cell(r, row, col); }
inline std::int64_t Int(const PGresult* r, int row, int col) { return ParseInt(Cell(r, row, col)); }

inline std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Seconds a connection attempt may take unless the connection string says
// otherwise (docs/api.md, "Stores").
inline constexpr char kDefaultConnectTimeoutSeconds[] = "5";

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
    // A default connect timeout: libpq's own is none, so a server that
    // accepts and never answers would hold the caller forever. Listed
    // before the connection string, so a connect_timeout in it wins.
    const char* const keywords[] = {"connect_timeout", "dbname", nullptr};
    const char* const values[] = {kDefaultConnectTimeoutSeconds, conninfo.c_str(), nullptr};
    conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
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

}  // namespace lwcl::store
