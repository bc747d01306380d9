// OpenStore: picks the back end from a URL, so the server's configuration
// is one string.
//   "postgresql://..." or "postgres://..."  -> PostgresStore (libpq URI)
//   "sqlite:PATH"                            -> SqliteStore at PATH
//   anything else                            -> SqliteStore at that file path
// Returns nullptr with *error set when the database cannot be opened.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace lwcl::store {

std::unique_ptr<Store> OpenStore(const std::string& url, std::string* error);

}  // namespace lwcl::store
