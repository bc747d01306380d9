// BootstrapServer: the LwM2M Bootstrap-Server role (Core spec 5.2.3, 6.1,
// Transport spec 8.2.2) over libcoap, on its own context and port(s) (UDP,
// plus DTLS-PSK when a key lookup is given), next to the DM server
// (lwm2m_server.h). It answers Client Initiated Bootstrap and then configures
// the client with one LwM2M Server account:
//
//   client                          BootstrapServer
//   POST /bs?ep=NAME[&pct=N]  --->  2.04 (4.00 without ep= or for an endpoint
//                                   the provisioning callback does not know;
//                                   4.15 for a pct it cannot encode)
//                             <---  Bootstrap-Delete /0 and /1 (or "/")
//                             <---  Bootstrap-Discover /0 (finds the instance
//                                   the Bootstrap-Server account keeps)
//                             <---  Bootstrap-Write /0/x: URI, not bootstrap,
//                                   Security Mode 0 (PSK) or 3 (NoSec), PSK
//                                   identity and key, Short Server ID
//                             <---  Bootstrap-Write /1/y: SSID, lifetime,
//                                   binding, notification storing, pmin/pmax
//                             <---  Bootstrap-Finish POST /bs
//
// Writes use the format the client asked for with pct= when it is SenML
// CBOR, SenML JSON, LwM2M CBOR or TLV, else BootstrapOptions::format.
//
// Single-threaded like Lwm2mServer: everything (answers, the next request of
// each exchange, timeouts) happens inside Step, and callbacks are called
// there. libcoap types stay out of this header.
//
// It promises: while the server lives, every accepted Bootstrap-Request
// ends in exactly one on_outcome (finished, or failed with the step, the
// code the client answered, or a timeout / lost session); a refused
// Bootstrap-Request gets an on_outcome too. A new Bootstrap-Request from
// an endpoint whose exchange is still running ends the old one as failed
// ("superseded").
#ifndef LWCL_SERVER_BOOTSTRAP_SERVER_H_
#define LWCL_SERVER_BOOTSTRAP_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/coap_code.h"
#include "lwm2m/content_format.h"

struct coap_context_t;
struct coap_session_t;

namespace lwcl::server {

// What the Bootstrap-Server writes for one endpoint: one LwM2M Server
// account (Security /0 instance + Server /1 instance).
struct BootstrapConfig {
  std::string server_uri;  // coap://host:port or coaps://host:port
  uint16_t short_server_id = 1;
  int64_t lifetime_s = 86400;
  std::string binding = "U";
  bool notification_storing = true;
  std::optional<int64_t> default_pmin;
  std::optional<int64_t> default_pmax;
  // Both set: Security Mode 0 (PSK); both empty: Security Mode 3 (NoSec).
  std::string psk_identity;
  std::vector<uint8_t> psk_key;
  // The Server /1 instance to write; the Security /0 instance is the lowest
  // id the Bootstrap-Server account does not use (learnt by Discover).
  uint16_t server_instance = 0;
  // Bootstrap-Delete "/" (every instance but the bootstrap account and
  // /3/0, per Core 6.1.7.6) instead of only /0 and /1. Off by default: it
  // would also delete application instances (e.g. /33650 detectors).
  bool delete_all = false;
};

// The end of one bootstrap exchange (or a refused Bootstrap-Request).
struct BootstrapOutcome {
  std::string endpoint;  // empty when the request named none
  std::string peer;      // the client's address, "127.0.0.1:40000"
  bool ok = false;
  bool timed_out = false;  // the client stopped answering
  // The step that failed: "request" (refused Bootstrap-Request),
  // "delete /0", "discover /0", "write /0/1", "write /1/0", "finish".
  std::string step;
  // The CoAP code seen: what the client answered at `step`, or what the
  // server answered a refused Bootstrap-Request. nullopt on timeout.
  std::optional<lwm2m::CoapCode> code;
  std::string reason;  // empty when ok; a 4.06 Finish carries the client's diagnostic
};

struct BootstrapOptions {
  std::string address = "127.0.0.1";  // numeric IPv4
  uint16_t udp_port = 5685;           // 0: any free port
  std::optional<uint16_t> dtls_port;  // set (0: any free) to listen for DTLS-PSK
  // The key for a DTLS-PSK identity of a bootstrapping client; nullopt refuses.
  std::function<std::optional<std::vector<uint8_t>>(std::string_view identity)> psk_lookup;
  double request_timeout_s = 30;  // each request's answer
  // Used when the client names no pct= (TLV: every LwM2M 1.0/1.1 client reads it).
  lwm2m::ContentFormat format = lwm2m::ContentFormat::kTlv;
};

struct BootstrapEvents {
  // Per endpoint what to write; nullopt: unknown endpoint (answered 4.00).
  std::function<std::optional<BootstrapConfig>(const std::string& endpoint)> provision;
  // May refuse a Bootstrap-Request (answered 4.00): e.g. a DTLS identity
  // that does not belong to the endpoint. `psk_identity` is empty over UDP.
  std::function<bool(const std::string& endpoint, const std::string& psk_identity)> authorize;
  std::function<void(const BootstrapOutcome&)> on_outcome;
};

struct CoapMessage;  // a decoded request or answer (src/coap/coap_endpoint.h)

class BootstrapServer {
 public:
  BootstrapServer(BootstrapOptions options, BootstrapEvents events);
  ~BootstrapServer();
  BootstrapServer(const BootstrapServer&) = delete;
  BootstrapServer& operator=(const BootstrapServer&) = delete;

  // Opens the endpoints; false with the reason on failure (port in use...).
  bool Start(std::string* error);
  uint16_t udp_port() const { return udp_port_; }
  uint16_t dtls_port() const { return dtls_port_; }

  // Runs libcoap I/O once (at most `timeout_ms`), sends what the running
  // exchanges need next, and fails those whose request timed out.
  void Step(uint32_t timeout_ms);

  // Seconds; tests inject their own. Default: since the Unix epoch.
  void SetClock(std::function<double()> clock) { clock_ = std::move(clock); }
  double Now() const { return clock_(); }

  // Exchanges accepted and not yet ended.
  size_t active() const { return exchanges_.size(); }

  // Internal: libcoap's callbacks land here. OnRequest returns the code to
  // answer (with `diagnostic` as the payload when not empty).
  lwm2m::CoapCode OnRequest(coap_session_t* session, const CoapMessage& m, std::string* diagnostic);
  bool OnResponse(const CoapMessage& m);
  // A request got no answer (`why`: retransmissions exhausted, RST, DTLS failure...).
  void OnNack(const std::vector<uint8_t>& token, const std::string& why);
  const std::vector<uint8_t>* PskFor(const std::string& identity);

 private:
  enum class Stage : uint8_t { kStart, kDeleteSecurity, kDeleteServer, kDeleteAll, kDiscover, kWriteSecurity,
                               kWriteServer, kFinish };
  struct Exchange {
    coap_session_t* session = nullptr;
    std::string peer;
    BootstrapConfig config;
    lwm2m::ContentFormat format = lwm2m::ContentFormat::kTlv;
    Stage stage = Stage::kStart;
    std::string step;  // the request in flight, for the outcome
    std::vector<uint8_t> token;
    double deadline = 0;
    uint16_t security_instance = 1;
  };

  // Sends what follows `ex.stage` (or ends the exchange after Finish).
  void Advance(const std::string& endpoint);
  bool SendNext(const std::string& endpoint, Exchange& ex);
  void End(const std::string& endpoint, bool ok, std::string reason, std::optional<lwm2m::CoapCode> code,
           bool timed_out = false);
  void Report(BootstrapOutcome outcome);
  void RunTimers();

  BootstrapOptions options_;
  BootstrapEvents events_;
  std::function<double()> clock_;
  coap_context_t* ctx_ = nullptr;
  uint16_t udp_port_ = 0;
  uint16_t dtls_port_ = 0;
  std::map<std::string, Exchange> exchanges_;             // by endpoint
  std::map<std::vector<uint8_t>, std::string> by_token_;  // request in flight -> endpoint
  std::vector<std::string> to_start_;  // accepted in the last I/O round: start after the 2.04 went out
  std::map<std::string, std::vector<uint8_t>> psk_keys_;  // by identity, as last looked up
  uint64_t token_counter_ = 0;
  uint32_t token_salt_ = 0;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_BOOTSTRAP_SERVER_H_
