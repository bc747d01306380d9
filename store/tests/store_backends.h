// Opening an empty store of each back end for the shared behaviour tests.
// SQLite: a fresh file in a fresh temp dir. PostgreSQL: the process-wide
// private server (postgres_fixture.h) with its test database emptied.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "postgres_fixture.h"
#include "temp_dir.h"
#include "store/open_store.h"
#include "store/store.h"

namespace lwcl::store::testing {

using test_support::PostgresServer;

using test_support::TempDir;

inline constexpr const char* kTestDatabase = "lwcl_test";

// Why PostgreSQL tests cannot run, or "" when they can.
inline std::string PostgresSkipReason() {
  PostgresServer& server = PostgresServer::Shared();
  if (server.available()) return {};
  return "SKIPPING PostgreSQL tests: " + server.why_unavailable();
}

// An empty PostgresStore on the shared server; nullptr with *error set.
inline std::unique_ptr<Store> OpenEmptyPostgres(std::string* error) {
  PostgresServer& server = PostgresServer::Shared();
  if (!server.ResetDatabase(kTestDatabase, error)) return nullptr;
  return OpenStore(server.Uri(kTestDatabase), error);
}

}  // namespace lwcl::store::testing
