// JSON (RFC 8259): a minimal reader and writer for SenML JSON, standard
// library only so the lwm2m part can run on a device.
//
// The reader builds a tree (json::Value), keeps object members in document
// order (duplicates included: the caller decides), decodes string escapes
// including \uXXXX surrogate pairs to UTF-8, refuses unpaired surrogates,
// raw control characters and invalid UTF-8, refuses nesting deeper than
// kMaxDepth, and remembers when a number literal was an integer that fits
// int64/uint64 so large integers survive exactly. It never throws.
//
// The writer emits compact JSON; integers print exactly; doubles print with
// the shortest text that reads back to the same double, always with a '.' or
// exponent so a reader sees a float (3.0, not 3). Non-finite numbers cannot
// be written (JSON has no NaN/Infinity).
#ifndef LWCL_LWM2M_JSON_H_
#define LWCL_LWM2M_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"

namespace lwcl::lwm2m::json {

inline constexpr int kMaxDepth = 32;

struct Member;

struct Value {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0.0;
  // Set for integer literals (no fraction, no exponent) in range: exactly one
  // of the two when the literal is an integer (int64 preferred).
  std::optional<int64_t> integer;
  std::optional<uint64_t> unsigned_integer;
  std::string string;
  std::vector<Value> array;
  std::vector<Member> object;  // in document order
  // Byte offset of the value's first character in the parsed text.
  size_t offset = 0;

  // The first member named `key`, or nullptr.
  const Value* Find(std::string_view key) const;

  static Value Null();
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Uint(uint64_t u);
  static Value Double(double d);
  static Value String(std::string s);
  static Value Array(std::vector<Value> items);
  static Value Object(std::vector<Member> members);
};

struct Member {
  std::string key;
  Value value;
};

// Parses one JSON text (surrounding whitespace allowed, nothing else).
std::optional<CodecError> Parse(std::string_view text, Value* out);

// Appends compact JSON for `v`; fails only on non-finite numbers.
std::optional<CodecError> Serialize(const Value& v, std::string* out);

// Pieces for hand-written encoders.
void AppendString(std::string_view s, std::string* out);  // quoted and escaped
bool AppendDouble(double d, std::string* out);             // false if non-finite

}  // namespace lwcl::lwm2m::json

#endif  // LWCL_LWM2M_JSON_H_
