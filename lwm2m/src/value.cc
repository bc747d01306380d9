// TypeOf, DataTypeName and ConvertValue (value.h).
#include "lwm2m/value.h"

#include <cmath>
#include <limits>

#include "lwm2m/plain_text.h"

namespace lwcl::lwm2m {

DataType TypeOf(const Value& v) {
  // The variant's alternatives are declared in DataType's order.
  return static_cast<DataType>(v.index());
}

const char* DataTypeName(DataType t) {
  // Spelled as OMA DDF files spell them (<Type>), so the names round-trip.
  switch (t) {
    case DataType::kNone: return "none";
    case DataType::kString: return "String";
    case DataType::kInteger: return "Integer";
    case DataType::kUnsignedInteger: return "Unsigned Integer";
    case DataType::kFloat: return "Float";
    case DataType::kBoolean: return "Boolean";
    case DataType::kOpaque: return "Opaque";
    case DataType::kTime: return "Time";
    case DataType::kObjlnk: return "Objlnk";
    case DataType::kCoreLnk: return "Corelnk";
  }
  return "?";
}

namespace {

// A double that holds an exact integer within int64 range.
std::optional<int64_t> ExactInt(double d) {
  if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
  // 2^63 is exactly representable; anything >= it overflows int64.
  if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(d);
}

std::optional<uint64_t> ExactUint(double d) {
  if (!std::isfinite(d) || std::trunc(d) != d || d < 0.0) return std::nullopt;
  if (d >= 18446744073709551616.0) return std::nullopt;
  return static_cast<uint64_t>(d);
}

// Everything numeric goes through one of these three, then out to `want`.
std::optional<Value> FromInt(int64_t i, DataType want) {
  switch (want) {
    case DataType::kInteger: return Value{i};
    case DataType::kUnsignedInteger:
      if (i < 0) return std::nullopt;
      return Value{static_cast<uint64_t>(i)};
    case DataType::kFloat: return Value{static_cast<double>(i)};
    case DataType::kTime: return Value{Time{i}};
    case DataType::kBoolean:
      // TLV and CBOR peers sometimes send 0/1 for booleans.
      if (i == 0 || i == 1) return Value{i == 1};
      return std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<Value> ConvertValue(const Value& v, DataType want) {
  const DataType have = TypeOf(v);
  if (have == want) return v;
  switch (have) {
    case DataType::kInteger: return FromInt(std::get<int64_t>(v), want);
    case DataType::kTime: return FromInt(std::get<Time>(v).seconds, want);
    case DataType::kUnsignedInteger: {
      const uint64_t u = std::get<uint64_t>(v);
      if (want == DataType::kFloat) return Value{static_cast<double>(u)};
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
      return FromInt(static_cast<int64_t>(u), want);
    }
    case DataType::kFloat: {
      const double d = std::get<double>(v);
      if (want == DataType::kUnsignedInteger) {
        if (auto u = ExactUint(d)) return Value{*u};
        return std::nullopt;
      }
      if (auto i = ExactInt(d)) return FromInt(*i, want);
      return std::nullopt;
    }
    case DataType::kBoolean:
      if (want == DataType::kInteger) return Value{int64_t{std::get<bool>(v) ? 1 : 0}};
      if (want == DataType::kUnsignedInteger) return Value{uint64_t{std::get<bool>(v) ? 1U : 0U}};
      return std::nullopt;
    case DataType::kString: {
      const std::string& s = std::get<std::string>(v);
      if (want == DataType::kCoreLnk) return Value{CoreLnk{s}};
      if (want == DataType::kNone) return std::nullopt;
      // Text into a typed resource: read it exactly as a plain-text payload.
      Value out;
      if (ParsePlainText(s, want, &out)) return std::nullopt;
      return out;
    }
    case DataType::kCoreLnk:
      if (want == DataType::kString) return Value{std::get<CoreLnk>(v).text};
      return std::nullopt;
    case DataType::kOpaque:
      // Raw bytes of an untyped payload (e.g. TLV with no object definition)
      // may be text.
      if (want == DataType::kString || want == DataType::kCoreLnk) {
        const Opaque& o = std::get<Opaque>(v);
        std::string s(o.begin(), o.end());
        if (!IsValidUtf8(s)) return std::nullopt;
        if (want == DataType::kString) return Value{std::move(s)};
        return Value{CoreLnk{std::move(s)}};
      }
      return std::nullopt;
    case DataType::kNone:
    case DataType::kObjlnk:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
