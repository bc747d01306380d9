// Client state persistence: what the client must remember across restarts so
// it neither bootstraps again nor loses what its servers set — every Security
// /0 and Server /1 instance with all its resources (read-only ones such as
// /1/x/0 Short Server ID included) and every Write-Attributes set
// (Registry::AllAttributes), on any object.
//
// File format (all integers big-endian):
//   "LWCS"  magic, 4 bytes
//   u8      format version (1)
//   u32     length N of the body
//   N bytes body: one CBOR item
//             [ [ [object id, instance id, [[rid, riid|null, [type, value]], ...]], ... ],
//               [ [[ids...], pmin, pmax, gt, lt, st, epmin, epmax], ... ] ]
//           (absent attributes as null; type is lwm2m::DataType's number, so
//           every value round-trips exactly, whatever the resource specs say)
//   u32     CRC-32 (IEEE 802.3) of everything before it
//
// It promises: Save writes a temporary file next to `file`, fsyncs it,
// renames it over `file` and fsyncs the directory, so after a crash `file`
// holds either the old state or the new one, never half of one. Load checks
// magic, version, exact length and checksum, decodes everything and checks
// it against the registry's objects before it changes anything; a refused
// file leaves the registry untouched (and a handler failing half-way is
// rolled back to what was there before).
#ifndef LWCL_CLIENT_PERSISTENCE_H_
#define LWCL_CLIENT_PERSISTENCE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "client/registry.h"

namespace lwcl::client {

// Writes the state of `registry` to `file` atomically. On failure returns
// false with a message in *error (may be null) and leaves `file` as it was.
bool SaveClientState(const Registry& registry, const std::string& file, std::string* error);

// Restores the state saved in `file`: the /0 and /1 instances in the file
// replace every /0 and /1 instance in the registry (instances not in the file
// are deleted, missing ones created, resources written through the Object API
// so read-only ones are restored too), then every saved attribute set is put
// back with Registry::RestoreAttributes. Objects /0 and /1 must be registered
// when the file has instances of them.
//
// A missing file is not an error: it is the first start. Load returns true,
// changes nothing and leaves *error empty; call ServerAccounts() after to
// decide between registering and bootstrapping. A file that cannot be read,
// is truncated, corrupt, of another version, or does not fit the registry
// returns false with *error saying why, and the registry is untouched.
bool LoadClientState(Registry& registry, const std::string& file, std::string* error);

// The file contents Save would write / the parse Load does, without any file
// (exposed for tests and for storing the state somewhere else).
std::vector<uint8_t> EncodeClientState(const Registry& registry);
bool RestoreClientState(Registry& registry, std::span<const uint8_t> bytes, std::string* error);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_PERSISTENCE_H_
