// HandleBootstrapRequest: the client's side of the Bootstrap interface
// (LwM2M 1.1 Core spec 6.1.7, Transport spec 8.2.2) — what a request from
// the Bootstrap-Server does to the data model and the code it answers with.
// The CoAP layer fills a DmRequest from a request that arrived from the
// Bootstrap-Server and calls this instead of HandleDmRequest:
//
//   PUT    /o[/i[/r[/ri]]]  payload  Bootstrap-Write: writes the values
//          whether or not the instances or resources exist (creating missing
//          instances), including resources a DM server may not write (all of
//          Security /0, /1/x/0 Short Server ID). Existing instances are
//          updated, not replaced: resources absent from the payload are kept,
//          multiple resources present in it are replaced wholesale. Unknown
//          resources are skipped (spec: not an error). Any content format the
//          lwm2m core decodes. 2.04; 4.00 (unknown object, malformed payload,
//          value of the wrong type, no instance given); 4.15.
//   GET    / or /o  Accept 40  Bootstrap-Discover: `</>;lwm2m=1.1`, then per
//          object its instances (`</o>` when it has none); Security instances
//          carry ssid= and uri="..." (none on the Bootstrap-Server's), Server
//          instances ssid=. 2.05; 4.00 (deeper path); 4.04 (unknown object).
//   GET    /1[/i] or /2[/i]  Bootstrap-Read, encoded as Accept asks (SenML
//          CBOR by default). 2.05; 4.04; 4.05 (any other target); 4.06.
//   DELETE /, /o or /o/i   Bootstrap-Delete. Never deletes the
//          Bootstrap-Server's Security instance nor the Device /3 instance:
//          skipped when deleting / or /o, 4.00 when targeted by /0/i or /3/0.
//          Attributes under a deleted instance go with it. 2.02; 4.00.
//   POST   /bs            Bootstrap-Finish: 2.04 and *finished = true when the
//          configuration is consistent — at least one non-bootstrap Security
//          instance with a valid coap(s) URI and a Short Server ID that a
//          Server /1 instance also has, at most one Bootstrap-Server account,
//          no Short Server ID on two Security instances — else 4.06 Not
//          Acceptable with a text/plain payload saying what is wrong.
//   anything else          4.05 Method Not Allowed.
//
// Most 4.00/4.05 answers carry a short text/plain diagnostic payload too
// (the CoAP layer may send or drop it). *finished (may be null) is false
// unless a Bootstrap-Finish succeeded. The caller keeps its BootstrapMachine
// informed: OnServerRequest for every request, OnFinish for POST /bs.
#ifndef LWCL_CLIENT_BOOTSTRAP_DM_H_
#define LWCL_CLIENT_BOOTSTRAP_DM_H_

#include <optional>
#include <string>

#include "client/dm_request.h"
#include "client/registry.h"

namespace lwcl::client {

DmResponse HandleBootstrapRequest(Registry& registry, const DmRequest& request, bool* finished);

// The Bootstrap-Finish consistency check on its own: nullopt when the
// configuration is usable, else what is wrong (the 4.06 diagnostic).
std::optional<std::string> CheckBootstrapConsistency(const Registry& registry);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_BOOTSTRAP_DM_H_
