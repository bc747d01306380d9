// Fuzzes the client's saved state (persistence.h): whatever the bytes, a
// restore either succeeds or leaves the registry as it was, and state that
// restores re-encodes into bytes that restore again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "client/persistence.h"
#include "client/security_object.h"
#include "client/standard_objects.h"

namespace cl = lwcl::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cl::Registry registry;
  registry.Add(cl::MakeSecurityObject());
  registry.Add(cl::MakeServerObject(cl::ServerInfo{}));
  const std::vector<uint8_t> before = cl::EncodeClientState(registry);
  std::string error;
  if (!cl::RestoreClientState(registry, std::span<const uint8_t>(data, size), &error)) {
    if (error.empty() || cl::EncodeClientState(registry) != before) std::abort();  // refused: untouched, and said why
    return 0;
  }
  const std::vector<uint8_t> again = cl::EncodeClientState(registry);
  cl::Registry second;
  second.Add(cl::MakeSecurityObject());
  second.Add(cl::MakeServerObject(cl::ServerInfo{}));
  if (!cl::RestoreClientState(second, again, &error)) std::abort();
  return 0;
}
