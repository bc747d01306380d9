// OpenStore: URL -> back end.
#include "store/open_store.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace lwcl::store {

std::unique_ptr<Store> OpenStore(const std::string& url, std::string* error) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return OpenPostgresStore(url, error);
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  if (path.empty()) {
    if (error) *error = "store: empty database path";
    return nullptr;
  }
  return OpenSqliteStore(path, error);
}

}  // namespace lwcl::store
