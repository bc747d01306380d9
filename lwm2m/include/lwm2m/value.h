// Value and Record: typed LwM2M resource values, the currency of every codec.
//
// A Record is one resource (or resource instance) with its value: a decoder
// turns a payload into Records, an encoder turns Records into a payload, and
// the client/server data models exchange nothing else. Types follow the
// LwM2M 1.1/1.2 data types (Core spec, Appendix C).
#ifndef LWCL_LWM2M_VALUE_H_
#define LWCL_LWM2M_VALUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lwm2m/path.h"

namespace lwcl::lwm2m {

enum class DataType : uint8_t {
  kNone,      // no value (e.g. a resource that is only executable)
  kString,
  kInteger,
  kUnsignedInteger,
  kFloat,
  kBoolean,
  kOpaque,
  kTime,      // seconds since the Unix epoch
  kObjlnk,
  kCoreLnk,   // a CoRE link-format string
};

struct Objlnk {
  uint16_t object_id = kInvalidId;
  uint16_t instance_id = kInvalidId;
  friend bool operator==(const Objlnk&, const Objlnk&) = default;
};
struct Time {
  int64_t seconds = 0;
  friend bool operator==(const Time&, const Time&) = default;
};
struct CoreLnk {
  std::string text;
  friend bool operator==(const CoreLnk&, const CoreLnk&) = default;
};
using Opaque = std::vector<uint8_t>;

// The alternatives line up with DataType's order.
using Value = std::variant<std::monostate, std::string, int64_t, uint64_t, double, bool, Opaque,
                           Time, Objlnk, CoreLnk>;

DataType TypeOf(const Value& v);
const char* DataTypeName(DataType t);

// Converts a value to `want` where the LwM2M data model allows it (e.g. an
// integer decoded from SenML's untyped number into a Float resource, or text
// from a plain-text payload into an Integer). nullopt when it cannot.
std::optional<Value> ConvertValue(const Value& v, DataType want);

struct Record {
  Path path;             // depth 3 or 4 for values; depth < 3 with monostate for empty instances
  Value value;
  // Optional SenML time (seconds, absolute) for timestamped Send/notify data.
  std::optional<double> time;
  friend bool operator==(const Record&, const Record&) = default;
};

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_VALUE_H_
