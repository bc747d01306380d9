// SenML (RFC 8428) as LwM2M 1.1 uses it: SenML JSON (Content-Format 110) and
// SenML CBOR (112), Core TS sections 7.4.4 and 7.4.5.
//
// Two layers. The SenML layer (SenmlRecord, Parse/Write, ResolveSenml) knows
// only RFC 8428: fields, base name/time/value resolution, labels (JSON
// names; CBOR integer labels bn=-2 bt=-3 bu=-4 bv=-5 n=0 u=1 v=2 vs=3 vb=4
// t=6 vd=8, and the text label "vlo" for LwM2M object links). The LwM2M
// layer (Decode/Encode...) maps resolved names to Paths and values to typed
// Records, typing SenML's untyped numbers with a TypeResolver.
//
// Times: Record.time is bt+t as sent. RFC 8428 reads values below 2^28 as
// relative to "now"; this library has no clock, so callers that care apply
// ResolveSenmlTime with theirs.
//
// Encoding follows Leshan/Anjay: the request path as "bn" on the first
// record ("/3/0/" with names "0", "6/1", ...; a single resource read gives
// just {"bn":"/3/0/0", value}); a request on the root (Send, composite)
// gives absolute names and no bn. Opaque "vd" is base64url without padding
// in JSON (standard base64 and padding are accepted on input). Floats are
// written as JSON floats ("3.0") and as the shortest lossless CBOR float.
//
// Nothing here throws; malformed payloads come back as CodecError.
#ifndef LWCL_LWM2M_SENML_H_
#define LWCL_LWM2M_SENML_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::lwm2m {

// One SenML record as written. `value` holds the one value field present:
// monostate (none), int64/uint64/double ("v"), string ("vs"), bool ("vb"),
// Opaque ("vd") or Objlnk ("vlo"). Time and CoreLnk values are written as
// "v" and "vs".
struct SenmlRecord {
  std::optional<std::string> base_name;
  std::optional<double> base_time;
  std::optional<std::string> base_unit;
  std::optional<Value> base_value;  // numeric
  std::optional<std::string> name;
  std::optional<std::string> unit;
  std::optional<double> time;
  Value value;
  size_t offset = 0;  // of the record in the payload, for errors
  friend bool operator==(const SenmlRecord&, const SenmlRecord&) = default;
};

// Payload <-> SenML records (no base resolution). Unknown labels are
// skipped; unknown labels ending in '_' (RFC 8428 4.4) are errors.
std::optional<CodecError> ParseSenmlJson(std::span<const uint8_t> payload, std::vector<SenmlRecord>* out);
std::optional<CodecError> WriteSenmlJson(std::span<const SenmlRecord> records, std::vector<uint8_t>* out);
std::optional<CodecError> ParseSenmlCbor(std::span<const uint8_t> payload, std::vector<SenmlRecord>* out);
std::optional<CodecError> WriteSenmlCbor(std::span<const SenmlRecord> records, std::vector<uint8_t>* out);

// RFC 8428 4.6: applies base name, base time, base value and base unit to
// every record; the results carry full names (name = bn + n), full times
// (bt + t; absent when neither is given) and no base fields.
std::optional<CodecError> ResolveSenml(std::span<const SenmlRecord> in, std::vector<SenmlRecord>* out);

// A SenML time to absolute seconds: values below 2^28 are relative to `now`.
double ResolveSenmlTime(double t, double now);

// "o:i" <-> Objlnk (both decimal uint16).
std::optional<Objlnk> ParseObjlnkText(std::string_view text);
std::string ObjlnkText(const Objlnk& l);

// LwM2M layer. Decoded records carry absolute paths; records without a value
// come back with monostate. `types` may be empty.
std::optional<CodecError> DecodeSenmlJson(std::span<const uint8_t> payload, const TypeResolver& types,
                                          std::vector<Record>* out);
std::optional<CodecError> EncodeSenmlJson(const Path& base, std::span<const Record> records,
                                          std::vector<uint8_t>* out);
std::optional<CodecError> DecodeSenmlCbor(std::span<const uint8_t> payload, const TypeResolver& types,
                                          std::vector<Record>* out);
std::optional<CodecError> EncodeSenmlCbor(const Path& base, std::span<const Record> records,
                                          std::vector<uint8_t>* out);

// Composite Read / Observe request bodies: names only, e.g.
// [{"n":"/3/0/1"},{"n":"/3/0/2"}]. Paths may be of any depth.
std::optional<CodecError> DecodeSenmlJsonPaths(std::span<const uint8_t> payload, std::vector<Path>* out);
std::optional<CodecError> EncodeSenmlJsonPaths(std::span<const Path> paths, std::vector<uint8_t>* out);
std::optional<CodecError> DecodeSenmlCborPaths(std::span<const uint8_t> payload, std::vector<Path>* out);
std::optional<CodecError> EncodeSenmlCborPaths(std::span<const Path> paths, std::vector<uint8_t>* out);

// Shared by both SenML encodings: records -> SenML records (bn on the first
// record, see above), and resolved SenML records -> typed Records / Paths.
std::optional<CodecError> RecordsToSenml(const Path& base, std::span<const Record> records,
                                         std::vector<SenmlRecord>* out);
std::optional<CodecError> SenmlToRecords(std::span<const SenmlRecord> senml, const TypeResolver& types,
                                         std::vector<Record>* out);
std::optional<CodecError> SenmlToPaths(std::span<const SenmlRecord> senml, std::vector<Path>* out);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_SENML_H_
