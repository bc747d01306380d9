// PostgresStore: the back end for scale. One libpq connection; statements
// are prepared once per connection; AppendValues sends its batch in pipeline
// mode as one implicit transaction (one round trip per batch, not per row).
// When the server goes away, calls fail with kUnavailable and a message, and
// the next call reconnects (re-preparing its statements) once it is back.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace lwcl::store {

// Connects with a libpq connection string or URI ("postgresql://u@h/db",
// "host=/tmp port=5432 dbname=x") and brings the schema up to date. A
// connection attempt gives up after 5 s unless the string sets its own
// connect_timeout (libpq's default is to wait forever).
// nullptr and *error set on failure.
std::unique_ptr<Store> OpenPostgresStore(const std::string& conninfo, std::string* error);

}  // namespace lwcl::store
