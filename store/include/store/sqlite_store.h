// SqliteStore: the embedded back end (the default). One database file, WAL
// journal with synchronous=NORMAL (a crash may lose the last transactions
// but never corrupts; a process crash loses nothing committed), every
// statement prepared once and reused, foreign keys on, busy timeout set so a
// second process reading the file (e.g. a CLI) does not fail writers.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace lwcl::store {

// Opens (creating if needed) the database at `path` (":memory:" for a
// private in-memory one) and brings its schema up to date. nullptr and
// *error set on failure.
std::unique_ptr<Store> OpenSqliteStore(const std::string& path, std::string* error);

}  // namespace lwcl::store
