// Security /0: where and how the client reaches each LwM2M Server and the
// Bootstrap-Server (one instance per account), as the OMA definition
// lwm2m/objects/0.xml gives it. Its resources have no DM operations at all:
// only the Bootstrap-Server writes them (bootstrap_dm.h), the registry never
// lets a DM server read or write them, and the object list never names /0.
//
// Also here: the accounts read back as plain structs (what the connection
// logic needs), a helper that writes one (factory bootstrap), and the
// coap:// / coaps:// URI parser for the LwM2M Server URI resource.
#ifndef LWCL_CLIENT_SECURITY_OBJECT_H_
#define LWCL_CLIENT_SECURITY_OBJECT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/registry.h"
#include "client/simple_object.h"

namespace lwcl::client {

// Resource ids of Security /0 (0.xml).
namespace security_rid {
inline constexpr uint16_t kServerUri = 0;                  // String
inline constexpr uint16_t kBootstrapServer = 1;            // Boolean
inline constexpr uint16_t kSecurityMode = 2;               // Integer 0..4
inline constexpr uint16_t kPublicKeyOrIdentity = 3;        // Opaque (PSK identity)
inline constexpr uint16_t kServerPublicKey = 4;            // Opaque
inline constexpr uint16_t kSecretKey = 5;                  // Opaque (PSK key)
inline constexpr uint16_t kSmsSecurityMode = 6;            // Integer
inline constexpr uint16_t kSmsBindingKeyParameters = 7;    // Opaque
inline constexpr uint16_t kSmsBindingSecretKeys = 8;       // Opaque
inline constexpr uint16_t kServerSmsNumber = 9;            // String
inline constexpr uint16_t kShortServerId = 10;             // Integer 1..65534
inline constexpr uint16_t kClientHoldOffTime = 11;         // Integer, s
inline constexpr uint16_t kBootstrapAccountTimeout = 12;   // Integer, s
inline constexpr uint16_t kMatchingType = 13;              // Unsigned Integer
inline constexpr uint16_t kSni = 14;                       // String
inline constexpr uint16_t kCertificateUsage = 15;          // Unsigned Integer
inline constexpr uint16_t kCiphersuite = 16;               // Unsigned Integer, multiple
inline constexpr uint16_t kOscoreSecurityMode = 17;        // Objlnk
}  // namespace security_rid

// Security Mode (/0/x/2) values.
inline constexpr int64_t kSecurityModePsk = 0;
inline constexpr int64_t kSecurityModeRawPublicKey = 1;
inline constexpr int64_t kSecurityModeCertificate = 2;
inline constexpr int64_t kSecurityModeNoSec = 3;
inline constexpr int64_t kSecurityModeCertificateWithEst = 4;

// Security /0, multiple instances, none yet; every resource of 0.xml
// (0..17) declared with Operations::kNone.
std::unique_ptr<SimpleObject> MakeSecurityObject();

// One Security instance as the connection logic sees it. Absent optional
// resources read as the defaults below.
struct ServerAccount {
  uint16_t instance = 0;
  std::string uri;                        // /0/x/0, e.g. "coap://192.0.2.1:5683"
  bool bootstrap = false;                 // /0/x/1
  int64_t security_mode = kSecurityModeNoSec;  // /0/x/2
  std::vector<uint8_t> identity;          // /0/x/3 Public Key or Identity
  std::vector<uint8_t> server_public_key; // /0/x/4
  std::vector<uint8_t> secret_key;        // /0/x/5
  uint16_t short_server_id = 0;           // /0/x/10; 0 when absent (the bootstrap account has none)
  int64_t hold_off_s = 0;                 // /0/x/11 Client Hold Off Time
  int64_t bootstrap_account_timeout_s = 0;  // /0/x/12; 0: never purge
};

// Every Security instance, ascending by instance id; empty when /0 is not
// registered. Reads through the Object API (the resources are not readable
// by DM servers, so Registry::Read would refuse them).
std::vector<ServerAccount> ServerAccounts(const Registry& registry);

// Writes `account` as Security instance account.instance (replacing an
// instance with that id), registering MakeSecurityObject() first when the
// registry has no /0. Writes resources 0..5 and 11 always, 10 for a
// non-bootstrap account, 12 for a bootstrap account. Touches /0 only: the
// matching Server /1 instance (lifetime, binding, ...) is the caller's
// (MakeServerObject in standard_objects.h). Returns false when the object
// refused (e.g. a custom /0 that cannot create instances).
bool AddServerAccount(Registry& registry, const ServerAccount& account);

// A parsed LwM2M Server URI: "coap://host[:port][/]" or "coaps://...".
struct CoapUri {
  bool secure = false;  // coaps
  std::string host;     // IPv4 literal, host name, or IPv6 literal without brackets
  uint16_t port = 0;    // 5683 (coap) / 5684 (coaps) when not given
  friend bool operator==(const CoapUri&, const CoapUri&) = default;
};

// Accepts scheme coap or coaps (any case), a host that is a valid IPv4
// dotted quad, an RFC 1123 host name, or a bracketed IPv6 literal, an
// optional port 1..65535 and an optional trailing "/". Anything else (other
// schemes, user info, paths, queries, empty hosts, out-of-range octets or
// ports) is nullopt.
std::optional<CoapUri> ParseCoapUri(std::string_view uri);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_SECURITY_OBJECT_H_
