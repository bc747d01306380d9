// CBOR reader (cbor.h): a recursive-descent parser bounded by kMaxDepth.
#include <cmath>
#include <cstring>
#include <limits>

#include "lwm2m/cbor.h"
#include "lwm2m/utf8.h"

namespace lwcl::lwm2m::cbor {
namespace {

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

struct Parser {
  std::span<const uint8_t> in;
  size_t pos = 0;

  size_t remaining() const { return in.size() - pos; }

  // Reads an item's head: major type, additional info, argument. For
  // additional info 31 (indefinite / break) the argument is unset.
  std::optional<CodecError> Head(uint8_t* major, uint8_t* info, uint64_t* arg) {
    if (pos >= in.size()) return Err("truncated: expected a data item", pos);
    const uint8_t b = in[pos];
    *major = static_cast<uint8_t>(b >> 5);
    *info = static_cast<uint8_t>(b & 0x1f);
    const size_t head = pos;
    ++pos;
    if (*info < 24) {
      *arg = *info;
      return std::nullopt;
    }
    if (*info >= 28 && *info <= 30) return Err("reserved additional information", head);
    if (*info == 31) {
      *arg = 0;
      return std::nullopt;
    }
    const size_t n = size_t{1} << (*info - 24);
    if (remaining() < n) return Err("truncated: item head", head);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | in[pos + i];
    pos += n;
    *arg = v;
    return std::nullopt;
  }

  std::optional<CodecError> StringChunk(uint64_t len, size_t head, Item* out) {
    if (len > remaining()) return Err("string length exceeds input", head);
    const auto n = static_cast<size_t>(len);
    if (out->kind == Item::Kind::kBytes) {
      out->bytes.insert(out->bytes.end(), in.begin() + static_cast<std::ptrdiff_t>(pos),
                        in.begin() + static_cast<std::ptrdiff_t>(pos + n));
    } else {
      const auto* p = reinterpret_cast<const char*>(in.data() + pos);
      if (!IsValidUtf8(std::string_view(p, n))) return Err("text string is not valid UTF-8", head);
      out->text.append(p, n);
    }
    pos += n;
    return std::nullopt;
  }

  bool AtBreak() const { return pos < in.size() && in[pos] == 0xff; }

  std::optional<CodecError> Item_(Item* out, int depth) {
    const size_t head = pos;
    uint8_t major = 0, info = 0;
    uint64_t arg = 0;
    if (auto e = Head(&major, &info, &arg)) return e;
    *out = Item{};
    out->offset = head;
    const bool indefinite = info == 31;
    switch (major) {
      case 0:
      case 1:
        if (indefinite) return Err("indefinite length on an integer", head);
        out->kind = major == 0 ? Item::Kind::kUnsigned : Item::Kind::kNegative;
        out->number = arg;
        return std::nullopt;
      case 2:
      case 3: {
        out->kind = major == 2 ? Item::Kind::kBytes : Item::Kind::kText;
        if (!indefinite) return StringChunk(arg, head, out);
        out->indefinite = true;
        // Chunks: definite strings of the same major type, then a break.
        while (true) {
          if (pos >= in.size()) return Err("truncated: indefinite string without break", head);
          if (AtBreak()) {
            ++pos;
            return std::nullopt;
          }
          const size_t chunk = pos;
          uint8_t cm = 0, ci = 0;
          uint64_t clen = 0;
          if (auto e = Head(&cm, &ci, &clen)) return e;
          if (cm != major || ci == 31) return Err("bad chunk in indefinite-length string", chunk);
          // Text chunks must each be valid UTF-8 on their own (RFC 8949 3.2.3).
          if (auto e = StringChunk(clen, chunk, out)) return e;
        }
      }
      case 4:
      case 5: {
        if (depth >= kMaxDepth) return Err("nesting too deep", head);
        out->kind = major == 4 ? Item::Kind::kArray : Item::Kind::kMap;
        const uint64_t per = major == 4 ? 1 : 2;
        if (indefinite) {
          out->indefinite = true;
          while (true) {
            if (pos >= in.size()) return Err("truncated: indefinite container without break", head);
            if (AtBreak()) {
              ++pos;
              break;
            }
            for (uint64_t k = 0; k < per; ++k) {
              if (k == 1 && AtBreak()) return Err("map key without value", pos);
              out->children.emplace_back();
              if (auto e = Item_(&out->children.back(), depth + 1)) return e;
            }
          }
          return std::nullopt;
        }
        // Every item takes at least one byte: refuse impossible counts before
        // reserving memory for them.
        if (arg > remaining() || arg * per > remaining()) return Err("container length exceeds input", head);
        out->children.reserve(static_cast<size_t>(arg * per));
        for (uint64_t k = 0; k < arg * per; ++k) {
          out->children.emplace_back();
          if (auto e = Item_(&out->children.back(), depth + 1)) return e;
        }
        return std::nullopt;
      }
      case 6: {
        if (indefinite) return Err("indefinite length on a tag", head);
        if (depth >= kMaxDepth) return Err("nesting too deep", head);
        out->kind = Item::Kind::kTag;
        out->number = arg;
        out->children.emplace_back();
        return Item_(&out->children.back(), depth + 1);
      }
      default: {  // 7
        if (indefinite) return Err("unexpected break", head);
        switch (info) {
          case 20: out->kind = Item::Kind::kFalse; return std::nullopt;
          case 21: out->kind = Item::Kind::kTrue; return std::nullopt;
          case 22: out->kind = Item::Kind::kNull; return std::nullopt;
          case 23: out->kind = Item::Kind::kUndefined; return std::nullopt;
          case 24:
            // Two-byte simple values below 32 are not well-formed (RFC 8949 3.3).
            if (arg < 32) return Err("simple value encoded in two bytes below 32", head);
            out->kind = Item::Kind::kSimple;
            out->number = arg;
            return std::nullopt;
          case 25:
            out->kind = Item::Kind::kFloat;
            out->real = HalfToDouble(static_cast<uint16_t>(arg));
            return std::nullopt;
          case 26: {
            out->kind = Item::Kind::kFloat;
            const auto bits = static_cast<uint32_t>(arg);
            float f;
            std::memcpy(&f, &bits, sizeof f);
            out->real = static_cast<double>(f);
            return std::nullopt;
          }
          case 27: {
            out->kind = Item::Kind::kFloat;
            double d;
            std::memcpy(&d, &arg, sizeof d);
            out->real = d;
            return std::nullopt;
          }
          default:
            out->kind = Item::Kind::kSimple;
            out->number = arg;
            return std::nullopt;
        }
      }
    }
  }
};

}  // namespace

double HalfToDouble(uint16_t half) {
  const int exp = (half >> 10) & 0x1f;
  const int mant = half & 0x3ff;
  double v;
  if (exp == 0) {
    v = std::ldexp(static_cast<double>(mant), -24);
  } else if (exp != 31) {
    v = std::ldexp(static_cast<double>(mant + 1024), exp - 25);
  } else {
    v = mant == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  }
  return (half & 0x8000) ? -v : v;
}

std::optional<uint16_t> DoubleToHalfExact(double d) {
  const uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  if (std::isnan(d)) return std::nullopt;
  if (std::isinf(d)) return static_cast<uint16_t>(sign | 0x7c00);
  const double a = std::fabs(d);
  if (a == 0.0) return sign;
  int e = 0;
  const double m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  // Normal halves: a in [2^-14, 65504]; 11 significant bits.
  if (e >= -13 && e <= 16) {
    const double scaled = std::ldexp(m, 11);  // in [1024, 2048)
    if (scaled != std::trunc(scaled)) return std::nullopt;
    const auto mant = static_cast<uint16_t>(static_cast<int>(scaled) - 1024);
    const auto exp = static_cast<uint16_t>(e - 1 + 15);
    return static_cast<uint16_t>(sign | (exp << 10) | mant);
  }
  // Subnormal halves: multiples of 2^-24 below 2^-14.
  if (e < -13) {
    const double units = std::ldexp(a, 24);
    if (units != std::trunc(units) || units < 1.0) return std::nullopt;
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(units));
  }
  return std::nullopt;
}

std::optional<int64_t> Item::AsInt() const {
  if (kind == Kind::kUnsigned) {
    if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(number);
  }
  if (kind == Kind::kNegative) {
    if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return -1 - static_cast<int64_t>(number);
  }
  return std::nullopt;
}

std::optional<uint64_t> Item::AsUint() const {
  if (kind == Kind::kUnsigned) return number;
  return std::nullopt;
}

const Item& Item::Untagged() const {
  const Item* p = this;
  while (p->kind == Kind::kTag && !p->children.empty()) p = &p->children[0];
  return *p;
}

Item Item::Uint(uint64_t v) {
  Item i;
  i.kind = Kind::kUnsigned;
  i.number = v;
  return i;
}
Item Item::Int(int64_t v) {
  Item i;
  if (v >= 0) {
    i.kind = Kind::kUnsigned;
    i.number = static_cast<uint64_t>(v);
  } else {
    i.kind = Kind::kNegative;
    i.number = static_cast<uint64_t>(-(v + 1));
  }
  return i;
}
Item Item::Text(std::string_view s) {
  Item i;
  i.kind = Kind::kText;
  i.text = std::string(s);
  return i;
}
Item Item::Bytes(std::span<const uint8_t> b) {
  Item i;
  i.kind = Kind::kBytes;
  i.bytes.assign(b.begin(), b.end());
  return i;
}
Item Item::Float(double d) {
  Item i;
  i.kind = Kind::kFloat;
  i.real = d;
  return i;
}
Item Item::Bool(bool b) {
  Item i;
  i.kind = b ? Kind::kTrue : Kind::kFalse;
  return i;
}
Item Item::Null() { return Item{}; }
Item Item::Array(std::vector<Item> items) {
  Item i;
  i.kind = Kind::kArray;
  i.children = std::move(items);
  return i;
}
Item Item::Map(std::vector<Item> keys_and_values) {
  Item i;
  i.kind = Kind::kMap;
  i.children = std::move(keys_and_values);
  return i;
}
Item Item::Tag(uint64_t tag, Item content) {
  Item i;
  i.kind = Kind::kTag;
  i.number = tag;
  i.children.push_back(std::move(content));
  return i;
}

bool Item::SameAs(const Item& o) const {
  if (kind != o.kind || number != o.number || bytes != o.bytes || text != o.text ||
      children.size() != o.children.size()) {
    return false;
  }
  if (kind == Kind::kFloat) {
    if (std::isnan(real) || std::isnan(o.real)) {
      if (std::isnan(real) != std::isnan(o.real)) return false;
    } else {
      uint64_t a, b;
      std::memcpy(&a, &real, sizeof a);
      std::memcpy(&b, &o.real, sizeof b);
      if (a != b) return false;
    }
  }
  for (size_t i = 0; i < children.size(); ++i) {
    if (!children[i].SameAs(o.children[i])) return false;
  }
  return true;
}

std::optional<CodecError> ParseNext(std::span<const uint8_t> in, size_t* offset, Item* out) {
  Parser p{in, *offset};
  if (auto e = p.Item_(out, 0)) return e;
  *offset = p.pos;
  return std::nullopt;
}

std::optional<CodecError> Parse(std::span<const uint8_t> in, Item* out) {
  size_t offset = 0;
  if (auto e = ParseNext(in, &offset, out)) return e;
  if (offset != in.size()) return Err("trailing bytes after the data item", offset);
  return std::nullopt;
}

}  // namespace lwcl::lwm2m::cbor
