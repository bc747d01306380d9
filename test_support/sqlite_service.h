// SqliteServiceOptions: the options a server test opens its Service with —
// CoAP on an ephemeral 127.0.0.1 port, the store a SQLite file in the test's
// TempDir, values written at the next turn so a test sees them at once.
// Tests change what they need (DTLS port, bootstrap, observe_on_register)
// before Service::Open. Used by the server's tests.
#ifndef LWCL_TEST_SUPPORT_SQLITE_SERVICE_H_
#define LWCL_TEST_SUPPORT_SQLITE_SERVICE_H_

#include "server/service.h"
#include "temp_dir.h"

namespace lwcl::test_support {

inline server::ServiceOptions SqliteServiceOptions(const TempDir& dir) {
  server::ServiceOptions options;
  options.coap.udp_port = 0;
  options.database = (dir.path() / "lwcl.db").string();
  options.buffer.max_delay_ms = 0;
  return options;
}

}  // namespace lwcl::test_support

#endif  // LWCL_TEST_SUPPORT_SQLITE_SERVICE_H_
