// CBOR (RFC 8949): a small reader and writer for the CBOR-based LwM2M content
// formats (CBOR 60, SenML CBOR 112, LwM2M CBOR 11544).
//
// The reader parses one data item into a tree (Item). It accepts every major
// type, definite and indefinite lengths, half/single/double floats, tags
// (exposed as a kTag item wrapping its content) and simple values. It never
// reads out of bounds, refuses nesting deeper than kMaxDepth, refuses lengths
// larger than what is left of the input before allocating anything, refuses
// text strings that are not UTF-8, and reports each failure with the byte
// offset of the offending item. It never throws.
//
// The writer appends encoded items to a byte vector. Integers use the
// shortest head; Float() picks the shortest of half/single/double that holds
// the value exactly (what Leshan and Anjay peers send and expect; NaN becomes
// the canonical half 0xf97e00); Double() always writes 8 bytes.
#ifndef LWCL_LWM2M_CBOR_H_
#define LWCL_LWM2M_CBOR_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"

namespace lwcl::lwm2m::cbor {

// Arrays, maps and tags nested deeper than this are refused: a payload of
// nested arrays would otherwise exhaust the (device) stack.
inline constexpr int kMaxDepth = 32;

struct Item {
  enum class Kind : uint8_t {
    kUnsigned,   // major 0: `number`
    kNegative,   // major 1: value is -1 - `number`
    kBytes,      // major 2: `bytes`
    kText,       // major 3: `text` (valid UTF-8)
    kArray,      // major 4: `children`
    kMap,        // major 5: `children` as key, value, key, value, ...
    kTag,        // major 6: tag `number`, content in children[0]
    kFloat,      // major 7, half/single/double: `real`
    kFalse,
    kTrue,
    kNull,
    kUndefined,
    kSimple,     // any other simple value: `number`
  };
  Kind kind = Kind::kNull;
  uint64_t number = 0;
  double real = 0.0;
  std::vector<uint8_t> bytes;
  std::string text;
  std::vector<Item> children;
  // Byte offset of this item's head in the parsed input (for error messages).
  size_t offset = 0;
  // True for indefinite-length strings, arrays and maps (informational).
  bool indefinite = false;

  // Integers (major 0/1) that fit int64 / uint64; nullopt otherwise.
  std::optional<int64_t> AsInt() const;
  std::optional<uint64_t> AsUint() const;
  bool IsInteger() const { return kind == Kind::kUnsigned || kind == Kind::kNegative; }
  // Map entries: children.size() / 2.
  size_t map_size() const { return children.size() / 2; }
  const Item& key(size_t i) const { return children[2 * i]; }
  const Item& value(size_t i) const { return children[2 * i + 1]; }
  // This item with any tags peeled off.
  const Item& Untagged() const;

  // Convenience constructors for building items to encode.
  static Item Uint(uint64_t v);
  static Item Int(int64_t v);
  static Item Text(std::string_view s);
  static Item Bytes(std::span<const uint8_t> b);
  static Item Float(double d);
  static Item Bool(bool b);
  static Item Null();
  static Item Array(std::vector<Item> items);
  static Item Map(std::vector<Item> keys_and_values);
  static Item Tag(uint64_t tag, Item content);

  // Structural equality (offset and `indefinite` ignored; floats compare by
  // bit pattern so NaN equals NaN).
  bool SameAs(const Item& other) const;
};

// Parses exactly one data item spanning all of `in` (trailing bytes are an
// error).
std::optional<CodecError> Parse(std::span<const uint8_t> in, Item* out);
// Parses one data item starting at `*offset` and advances `*offset` past it
// (for CBOR sequences).
std::optional<CodecError> ParseNext(std::span<const uint8_t> in, size_t* offset, Item* out);

// Float conversions, exposed for tests and for other encoders.
double HalfToDouble(uint16_t half);
// The half-precision bits holding `d` exactly, or nullopt.
std::optional<uint16_t> DoubleToHalfExact(double d);

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(out) {}

  void Uint(uint64_t v) { Head(0, v); }
  void Int(int64_t v);
  // Major type 1 with argument n: the integer -1 - n (reaches -2^64).
  void NegativeRaw(uint64_t n) { Head(1, n); }
  void Bytes(std::span<const uint8_t> b);
  void Text(std::string_view s);
  void ArrayHeader(uint64_t n) { Head(4, n); }
  void MapHeader(uint64_t pairs) { Head(5, pairs); }
  // Indefinite-length starts; close each with Break(). Major 2, 3, 4 or 5.
  void BeginIndefinite(uint8_t major);
  void Break() { out_->push_back(0xff); }
  void Tag(uint64_t tag) { Head(6, tag); }
  void Bool(bool b) { out_->push_back(b ? 0xf5 : 0xf4); }
  void Null() { out_->push_back(0xf6); }
  void Undefined() { out_->push_back(0xf7); }
  // Simple values 0..19 and 32..255 (20..31 are false/true/null/... or reserved).
  void Simple(uint8_t v);
  // Shortest lossless float (half, single or double).
  void Float(double d);
  // Always an 8-byte double.
  void Double(double d);
  // Encodes a whole tree with definite lengths and shortest floats.
  void Write(const Item& item);

  void Head(uint8_t major, uint64_t arg);

 private:
  std::vector<uint8_t>* out_;
};

// Encodes `item` into a fresh vector (definite lengths, shortest floats).
std::vector<uint8_t> Encode(const Item& item);

}  // namespace lwcl::lwm2m::cbor

#endif  // LWCL_LWM2M_CBOR_H_
