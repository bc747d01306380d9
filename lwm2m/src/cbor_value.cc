// One LwM2M value as one CBOR item (cbor_value.h).
#include "lwm2m/cbor_value.h"

#include <cmath>
#include <type_traits>

#include "lwm2m/senml.h"

namespace lwcl::lwm2m {
namespace {

using cbor::Item;

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

}  // namespace

std::optional<CodecError> CborToValue(const Item& item, Value* out) {
  switch (item.kind) {
    case Item::Kind::kUnsigned:
      if (auto i = item.AsInt()) {
        *out = *i;
      } else {
        *out = item.number;
      }
      return std::nullopt;
    case Item::Kind::kNegative:
      if (auto i = item.AsInt()) {
        *out = *i;
        return std::nullopt;
      }
      return Err("negative integer out of range", item.offset);
    case Item::Kind::kFloat: *out = item.real; return std::nullopt;
    case Item::Kind::kText: *out = item.text; return std::nullopt;
    case Item::Kind::kBytes: *out = item.bytes; return std::nullopt;
    case Item::Kind::kTrue: *out = true; return std::nullopt;
    case Item::Kind::kFalse: *out = false; return std::nullopt;
    case Item::Kind::kNull: *out = std::monostate{}; return std::nullopt;
    case Item::Kind::kTag: {
      const Item& c = item.children[0];
      if (item.number == 1) {  // epoch-based date/time
        if (auto i = c.AsInt()) {
          *out = Time{*i};
          return std::nullopt;
        }
        if (c.kind == Item::Kind::kFloat && std::isfinite(c.real) && std::fabs(c.real) < 9.2e18) {
          *out = Time{static_cast<int64_t>(std::floor(c.real))};
          return std::nullopt;
        }
        return Err("bad epoch time", item.offset);
      }
      if (item.number == 4) {  // decimal fraction [exponent, mantissa]
        if (c.kind == Item::Kind::kArray && c.children.size() == 2) {
          auto e = c.children[0].AsInt();
          auto m = c.children[1].AsInt();
          if (e && m && *e >= -400 && *e <= 400) {
            *out = static_cast<double>(*m) * std::pow(10.0, static_cast<double>(*e));
            return std::nullopt;
          }
        }
        return Err("bad decimal fraction", item.offset);
      }
      return Err("unsupported tag " + std::to_string(item.number), item.offset);
    }
    default: return Err("unsupported value type", item.offset);
  }
}

std::optional<CodecError> TypeValue(const Path& path, DataType want, size_t offset, Value* v) {
  if (want == DataType::kNone || std::holds_alternative<std::monostate>(*v) || TypeOf(*v) == want) {
    return std::nullopt;
  }
  std::optional<Value> converted;
  if (want == DataType::kObjlnk && std::holds_alternative<std::string>(*v)) {
    if (auto l = ParseObjlnkText(std::get<std::string>(*v))) converted = Value{*l};
  } else {
    converted = ConvertValue(*v, want);
  }
  if (!converted) {
    return Err(std::string("value of type ") + DataTypeName(TypeOf(*v)) + " does not fit resource " +
                   path.ToString() + " of type " + DataTypeName(want),
               offset);
  }
  *v = std::move(*converted);
  return std::nullopt;
}

void WriteCborValue(const Value& value, cbor::Writer* w) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          w->Null();
        } else if constexpr (std::is_same_v<T, std::string>) {
          w->Text(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          w->Int(v);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          w->Uint(v);
        } else if constexpr (std::is_same_v<T, double>) {
          w->Float(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          w->Bool(v);
        } else if constexpr (std::is_same_v<T, Opaque>) {
          w->Bytes(v);
        } else if constexpr (std::is_same_v<T, Time>) {
          w->Int(v.seconds);
        } else if constexpr (std::is_same_v<T, Objlnk>) {
          w->Text(ObjlnkText(v));
        } else {
          static_assert(std::is_same_v<T, CoreLnk>);
          w->Text(v.text);
        }
      },
      value);
}

std::optional<CodecError> DecodeCborValue(std::span<const uint8_t> payload, const Path& path, DataType type,
                                          Record* out) {
  if (path.depth < 3) return Err("CBOR carries a single resource value: path " + path.ToString() + " is too short", 0);
  Item item;
  if (auto e = cbor::Parse(payload, &item)) return e;
  Record r;
  r.path = path;
  if (auto e = CborToValue(item, &r.value)) return e;
  if (auto e = TypeValue(path, type, item.offset, &r.value)) return e;
  *out = std::move(r);
  return std::nullopt;
}

std::optional<CodecError> EncodeCborValue(const Record& record, std::vector<uint8_t>* out) {
  if (record.path.depth < 3) return Err("CBOR carries a single resource value", 0);
  cbor::Writer w(out);
  WriteCborValue(record.value, &w);
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
