// The records the LwM2M server keeps: plain structs, no behaviour.
//
// Times are milliseconds since the Unix epoch (TimeMs) except lifetimes,
// which LwM2M gives in seconds. Paths are LwM2M paths as text ("/3/0/1").
// Endpoint names are the devices' LwM2M endpoint client names; they are the
// key that ties every record to a device.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace lwcl::store {

using TimeMs = std::int64_t;
using Bytes = std::vector<std::uint8_t>;

// A device the server knows, registered or not.
struct Device {
  std::string endpoint;
  TimeMs created_ms = 0;
  std::string model_version;  // active model package version, "" if unknown
  std::string metadata;       // free text (JSON by convention)
  bool operator==(const Device&) const = default;
};

// A DTLS pre-shared key. The identity is unique across the fleet: the DTLS
// handshake looks the key up by identity before it knows the endpoint.
struct Credential {
  std::string endpoint;
  std::string psk_identity;
  Bytes psk_key;
  bool operator==(const Credential&) const = default;
};

// A live registration (one per endpoint). Removed on de-registration or when
// its lifetime runs out; the event log keeps the history.
struct Registration {
  std::string endpoint;
  std::string location;  // the server-assigned location id ("/rd/<location>")
  std::int64_t lifetime_s = 0;
  std::string binding;        // "U", "UQ", ...
  std::string lwm2m_version;  // "1.1", "1.2"
  std::string object_links;   // the registration payload (CoRE link format)
  std::string peer_address;   // "ip:port" the device registered from
  TimeMs registered_at_ms = 0;
  TimeMs updated_at_ms = 0;
  bool operator==(const Registration&) const = default;
};

// An observation the server holds on a device, kept so that it can be
// re-established (same token) after the server restarts. A composite
// observation has several paths.
struct Observation {
  std::int64_t id = 0;  // assigned by the store on AddObservation
  std::string endpoint;
  std::vector<std::string> paths;
  Bytes token;
  std::int32_t content_format = -1;  // CoAP Content-Format, -1 if none asked
  std::string attributes;            // "pmin=10&pmax=60&gt=3" as sent
  TimeMs created_ms = 0;
  bool operator==(const Observation&) const = default;
};

// The LwM2M data type of a stored value (mirrors lwm2m::DataType without
// depending on it).
enum class ValueType : std::uint8_t {
  kNone = 0,
  kString = 1,
  kInteger = 2,
  kUnsignedInteger = 3,
  kFloat = 4,
  kBoolean = 5,
  kOpaque = 6,
  kTime = 7,
  kObjlnk = 8,
  kCoreLnk = 9,
};

// One value of one resource at one time. Numeric types (integer, unsigned,
// float, boolean as 0/1, time) set `number` (it is what range queries and
// downsampling aggregate); string, objlnk and corelnk set `text`; opaque sets
// `blob`. A value may carry a number and a text both (e.g. a label and its
// code) — the store keeps whatever is set.
struct Sample {
  std::string endpoint;
  std::string path;
  TimeMs time_ms = 0;
  ValueType type = ValueType::kNone;
  std::optional<double> number;
  std::optional<std::string> text;
  std::optional<Bytes> blob;
  bool operator==(const Sample&) const = default;
};

// Event kinds the server writes. Free text in the store, so new kinds need
// no migration; these are the ones the REST API and dashboard know.
namespace event_kind {
inline constexpr const char* kRegistered = "registered";
inline constexpr const char* kUpdated = "updated";
inline constexpr const char* kDeregistered = "deregistered";
inline constexpr const char* kLost = "lost";  // lifetime expired
inline constexpr const char* kRequest = "request";
inline constexpr const char* kNotification = "notification";
inline constexpr const char* kSend = "send";
}  // namespace event_kind

// Something that happened, in the order it was stored (ids increase).
struct Event {
  std::int64_t id = 0;  // assigned by the store on AppendEvent
  TimeMs time_ms = 0;
  std::optional<std::string> endpoint;  // absent for fleet-wide events
  std::string kind;
  std::string detail_json = "{}";
  bool operator==(const Event&) const = default;
};

// A model package in the registry: the bytes as uploaded, and what the
// server read from them. Identified by id; the digest is unique (the same
// package uploaded twice is one model).
struct ModelRecord {
  std::int64_t id = 0;  // assigned by the store on AddModel
  std::string name;
  std::string version;
  std::string digest;       // SHA-256 of the package body, hex
  std::string base_digest;  // a delta's base (hex); empty for a full package
  bool is_signed = false;
  std::string metadata_json = "{}";  // labels, sizes, DSP: what the server shows
  Bytes package;                     // empty in ListModels
  TimeMs created_ms = 0;
  bool operator==(const ModelRecord&) const = default;
};

// A window a device captured to learn from (/33652 Training Sample), as a
// Send brought it, and its label. Identified by id; (endpoint, instance,
// taken_ms) is unique, so a sample sent twice (an Upload repeated before
// the first was acknowledged) is stored once.
struct TrainingSampleRecord {
  std::int64_t id = 0;        // assigned by the store
  std::string endpoint;
  std::int64_t instance = 0;  // the /33652 instance id on the device
  TimeMs taken_ms = 0;        // /33652/x/0, when the window ended
  TimeMs received_ms = 0;
  std::string model;          // "name version" the device ran, when known
  std::string predicted;      // /33652/x/1
  double confidence = 0.0;    // /33652/x/2
  double drift = 0.0;         // /33652/x/3
  std::string label;          // the true label; empty while unlabelled
  std::string labelled_by;    // "device" (it came labelled), "person", "oracle", ...
  Bytes features;             // /33652/x/5: little-endian float32, raw
  bool operator==(const TrainingSampleRecord&) const = default;
};

// ---- query shapes -------------------------------------------------------

// A device as the device list shows it.
struct DeviceSummary {
  Device device;
  std::optional<Registration> registration;  // set while registered
  TimeMs last_seen_ms = 0;  // latest of registration update and stored value; 0 if never
  bool registered() const { return registration.has_value(); }
};

// One downsampling bucket of a range query: samples with time in
// [start_ms, end_ms). min/max/avg are over the numeric values only; they are
// absent when the bucket holds none.
struct Bucket {
  TimeMs start_ms = 0;
  TimeMs end_ms = 0;
  std::int64_t count = 0;          // samples in the bucket
  std::int64_t numeric_count = 0;  // of which carry a number
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> avg;
};

// Which events to return: time in [from_ms, to_ms), optionally one endpoint,
// only ids above after_id (SSE resume with Last-Event-ID), at most limit,
// oldest first.
// Training samples newest first (by id), optionally of one device and by
// whether they are labelled; `before_id` pages back.
struct TrainingSampleQuery {
  std::optional<std::string> endpoint{};
  std::optional<bool> labelled{};
  std::int64_t before_id = 0;  // 0: from the newest
  std::int64_t limit = 1000;
};

struct EventQuery {
  TimeMs from_ms = 0;
  TimeMs to_ms = std::numeric_limits<TimeMs>::max();
  std::optional<std::string> endpoint;
  std::int64_t after_id = 0;
  std::int64_t limit = 1000;
};

}  // namespace lwcl::store
