// OMA TLV codec (tlv.h).
#include "lwm2m/tlv.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>
#include <string>

#include "lwm2m/utf8.h"

namespace lwcl::lwm2m {
namespace {

enum class Kind : uint8_t { kObjectInstance = 0, kResourceInstance = 1, kMultipleResource = 2, kResource = 3 };

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kObjectInstance: return "object instance";
    case Kind::kResourceInstance: return "resource instance";
    case Kind::kMultipleResource: return "multiple resource";
    case Kind::kResource: return "resource";
  }
  return "?";
}

struct Entry {
  Kind kind;
  uint16_t id;
  size_t value_offset;  // absolute, into the whole payload
  std::span<const uint8_t> value;
};

CodecError Err(std::string m, size_t offset) { return CodecError{std::move(m), offset}; }

// Reads one entry header at `pos` of `buf` (which starts at absolute `base`).
std::optional<CodecError> ReadEntry(std::span<const uint8_t> buf, size_t* pos, size_t base, Entry* e) {
  const size_t start = *pos;
  auto need = [&](size_t n) { return buf.size() - *pos >= n; };
  if (!need(1)) return Err("truncated TLV header", base + start);
  const uint8_t t = buf[(*pos)++];
  e->kind = static_cast<Kind>(t >> 6);
  const size_t id_len = (t & 0x20) ? 2 : 1;
  const size_t len_len = (t >> 3) & 0x03;
  if (!need(id_len + len_len)) return Err("truncated TLV header", base + start);
  uint32_t id = 0;
  for (size_t i = 0; i < id_len; ++i) id = (id << 8) | buf[(*pos)++];
  if (id == kInvalidId) return Err("TLV id 65535 is reserved", base + start);
  e->id = static_cast<uint16_t>(id);
  size_t len = 0;
  if (len_len == 0) {
    len = t & 0x07;
  } else {
    for (size_t i = 0; i < len_len; ++i) len = (len << 8) | buf[(*pos)++];
  }
  if (!need(len)) return Err("TLV length runs past the end of the payload", base + start);
  e->value_offset = base + *pos;
  e->value = buf.subspan(*pos, len);
  *pos += len;
  return std::nullopt;
}

template <typename T>
T BigEndian(std::span<const uint8_t> b) {
  uint64_t u = 0;
  for (const uint8_t x : b) u = (u << 8) | x;
  return static_cast<T>(u);
}

std::optional<int64_t> SignedInt(std::span<const uint8_t> b) {
  switch (b.size()) {
    case 1: return static_cast<int8_t>(b[0]);
    case 2: return static_cast<int16_t>(BigEndian<uint16_t>(b));
    case 4: return static_cast<int32_t>(BigEndian<uint32_t>(b));
    case 8: return static_cast<int64_t>(BigEndian<uint64_t>(b));
    default: return std::nullopt;
  }
}

class Decoder {
 public:
  Decoder(const TypeResolver& types, std::vector<Record>* out) : types_(types), out_(out) {}

  // Entries at `level` (the depth the next id adds: 2 instance, 3 resource,
  // 4 resource instance) under `parent`.
  std::optional<CodecError> Entries(std::span<const uint8_t> buf, size_t base, const Path& parent) {
    size_t pos = 0;
    while (pos < buf.size()) {
      Entry e;
      const size_t at = base + pos;
      if (auto err = ReadEntry(buf, &pos, base, &e)) return err;
      if (auto err = One(e, parent, at)) return err;
    }
    return std::nullopt;
  }

  // One entry whose id extends `parent` by one level.
  std::optional<CodecError> One(const Entry& e, const Path& parent, size_t at) {
    const uint8_t level = static_cast<uint8_t>(parent.depth + 1);
    const Kind want = level == 2   ? Kind::kObjectInstance
                      : level == 4 ? Kind::kResourceInstance
                                   : Kind::kResource;  // or kMultipleResource
    const bool ok = e.kind == want || (level == 3 && e.kind == Kind::kMultipleResource);
    if (!ok || level > 4) {
      return Err(std::string("unexpected TLV ") + KindName(e.kind) + " under " + parent.ToString(), at);
    }
    const Path p = parent.Child(e.id);
    switch (e.kind) {
      case Kind::kObjectInstance:
        if (e.value.empty()) {
          out_->push_back(Record{p, std::monostate{}, std::nullopt});
          return std::nullopt;
        }
        return Entries(e.value, e.value_offset, p);
      case Kind::kMultipleResource:
        return Entries(e.value, e.value_offset, p);
      case Kind::kResource:
      case Kind::kResourceInstance:
        return Leaf(e, p);
    }
    return std::nullopt;
  }

  std::optional<CodecError> Leaf(const Entry& e, const Path& p) {
    const DataType type = types_ ? types_(p) : DataType::kNone;
    Value v;
    if (auto err = DecodeTlvValue(e.value, type, &v)) {
      err->message += " at " + p.ToString();
      err->offset += e.value_offset;
      return err;
    }
    out_->push_back(Record{p, std::move(v), std::nullopt});
    return std::nullopt;
  }

 private:
  const TypeResolver& types_;
  std::vector<Record>* out_;
};

// --- encoding ---

void PutHeader(Kind kind, uint16_t id, size_t len, std::vector<uint8_t>* out) {
  uint8_t t = static_cast<uint8_t>(static_cast<uint8_t>(kind) << 6);
  if (id > 0xFF) t |= 0x20;
  size_t len_len = 0;
  if (len <= 7) {
    t |= static_cast<uint8_t>(len);
  } else {
    len_len = len <= 0xFF ? 1 : len <= 0xFFFF ? 2 : 3;
    t |= static_cast<uint8_t>(len_len << 3);
  }
  out->push_back(t);
  if (id > 0xFF) out->push_back(static_cast<uint8_t>(id >> 8));
  out->push_back(static_cast<uint8_t>(id & 0xFF));
  for (size_t i = len_len; i > 0; --i) out->push_back(static_cast<uint8_t>((len >> (8 * (i - 1))) & 0xFF));
}

constexpr size_t kMaxTlvLength = 0xFFFFFF;

std::optional<CodecError> PutEntry(Kind kind, uint16_t id, const std::vector<uint8_t>& body,
                                   std::vector<uint8_t>* out) {
  if (body.size() > kMaxTlvLength) return Err("TLV entry longer than 16 MiB", out->size());
  PutHeader(kind, id, body.size(), out);
  out->insert(out->end(), body.begin(), body.end());
  return std::nullopt;
}

void PutBigEndian(uint64_t v, size_t width, std::vector<uint8_t>* out) {
  for (size_t i = width; i > 0; --i) out->push_back(static_cast<uint8_t>((v >> (8 * (i - 1))) & 0xFF));
}

void PutSigned(int64_t v, std::vector<uint8_t>* out) {
  const size_t w = (v >= INT8_MIN && v <= INT8_MAX)     ? 1
                   : (v >= INT16_MIN && v <= INT16_MAX) ? 2
                   : (v >= INT32_MIN && v <= INT32_MAX) ? 4
                                                        : 8;
  PutBigEndian(static_cast<uint64_t>(v), w, out);
}

// Encodes records[idx[b..e)] (all sharing `parent`, depth(parent) < depth of each)
// as entries one level below `parent`.
std::optional<CodecError> Level(std::span<const Record> records, std::span<const size_t> idx,
                                const Path& parent, std::vector<uint8_t>* out) {
  const uint8_t level = static_cast<uint8_t>(parent.depth + 1);
  size_t i = 0;
  while (i < idx.size()) {
    const uint16_t id = records[idx[i]].path.ids[level - 1];
    size_t j = i;
    while (j < idx.size() && records[idx[j]].path.ids[level - 1] == id) ++j;
    const std::span<const size_t> group = idx.subspan(i, j - i);
    const Record& first = records[group[0]];
    const bool leaf = first.path.depth == level;
    if (leaf && group.size() != 1) {
      return Err("records " + first.path.ToString() + " repeat or mix levels", 0);
    }
    std::vector<uint8_t> body;
    Kind kind;
    if (level == 2) {
      kind = Kind::kObjectInstance;
      if (leaf) {
        if (!std::holds_alternative<std::monostate>(first.value)) {
          return Err("an object instance record cannot hold a value", 0);
        }
      } else if (auto e = Level(records, group, parent.Child(id), &body)) {
        return e;
      }
    } else if (level == 3) {
      if (leaf) {
        kind = Kind::kResource;
        if (auto e = EncodeTlvValue(first.value, &body)) return e;
      } else {
        kind = Kind::kMultipleResource;
        if (auto e = Level(records, group, parent.Child(id), &body)) return e;
      }
    } else {
      kind = Kind::kResourceInstance;
      if (auto e = EncodeTlvValue(first.value, &body)) return e;
    }
    if (auto e = PutEntry(kind, id, body, out)) return e;
    i = j;
  }
  return std::nullopt;
}

}  // namespace

std::optional<CodecError> DecodeTlvValue(std::span<const uint8_t> b, DataType type, Value* out) {
  switch (type) {
    case DataType::kNone:
    case DataType::kOpaque:
      *out = Opaque(b.begin(), b.end());
      return std::nullopt;
    case DataType::kString:
    case DataType::kCoreLnk: {
      std::string s(b.begin(), b.end());
      if (!IsValidUtf8(s)) return Err("string is not valid UTF-8", 0);
      if (type == DataType::kString) {
        *out = std::move(s);
      } else {
        *out = CoreLnk{std::move(s)};
      }
      return std::nullopt;
    }
    case DataType::kInteger:
    case DataType::kTime: {
      const auto v = SignedInt(b);
      if (!v) return Err("integer must be 1, 2, 4 or 8 bytes", 0);
      if (type == DataType::kTime) {
        *out = Time{*v};
      } else {
        *out = *v;
      }
      return std::nullopt;
    }
    case DataType::kUnsignedInteger:
      if (b.size() != 1 && b.size() != 2 && b.size() != 4 && b.size() != 8) {
        return Err("unsigned integer must be 1, 2, 4 or 8 bytes", 0);
      }
      *out = BigEndian<uint64_t>(b);
      return std::nullopt;
    case DataType::kFloat:
      if (b.size() == 4) {
        *out = static_cast<double>(std::bit_cast<float>(BigEndian<uint32_t>(b)));
      } else if (b.size() == 8) {
        *out = std::bit_cast<double>(BigEndian<uint64_t>(b));
      } else {
        return Err("float must be 4 or 8 bytes", 0);
      }
      return std::nullopt;
    case DataType::kBoolean:
      if (b.size() != 1 || b[0] > 1) return Err("boolean must be one byte, 0 or 1", 0);
      *out = b[0] == 1;
      return std::nullopt;
    case DataType::kObjlnk:
      if (b.size() != 4) return Err("objlnk must be 4 bytes", 0);
      *out = Objlnk{BigEndian<uint16_t>(b.first(2)), BigEndian<uint16_t>(b.subspan(2))};
      return std::nullopt;
  }
  return Err("unknown data type", 0);
}

std::optional<CodecError> EncodeTlvValue(const Value& value, std::vector<uint8_t>* out) {
  switch (TypeOf(value)) {
    case DataType::kNone: return Err("no value to encode", 0);
    case DataType::kString: {
      const auto& s = std::get<std::string>(value);
      out->insert(out->end(), s.begin(), s.end());
      return std::nullopt;
    }
    case DataType::kCoreLnk: {
      const auto& s = std::get<CoreLnk>(value).text;
      out->insert(out->end(), s.begin(), s.end());
      return std::nullopt;
    }
    case DataType::kOpaque: {
      const auto& o = std::get<Opaque>(value);
      out->insert(out->end(), o.begin(), o.end());
      return std::nullopt;
    }
    case DataType::kInteger: PutSigned(std::get<int64_t>(value), out); return std::nullopt;
    case DataType::kTime: PutSigned(std::get<Time>(value).seconds, out); return std::nullopt;
    case DataType::kUnsignedInteger: {
      const uint64_t u = std::get<uint64_t>(value);
      PutBigEndian(u, u <= 0xFF ? 1 : u <= 0xFFFF ? 2 : u <= 0xFFFFFFFFu ? 4 : 8, out);
      return std::nullopt;
    }
    case DataType::kFloat: {
      const double d = std::get<double>(value);
      const auto f = static_cast<float>(d);
      // Four bytes when that loses nothing (NaN stays eight: it never compares equal).
      if (static_cast<double>(f) == d) {
        PutBigEndian(std::bit_cast<uint32_t>(f), 4, out);
      } else {
        PutBigEndian(std::bit_cast<uint64_t>(d), 8, out);
      }
      return std::nullopt;
    }
    case DataType::kBoolean: out->push_back(std::get<bool>(value) ? 1 : 0); return std::nullopt;
    case DataType::kObjlnk: {
      const Objlnk& l = std::get<Objlnk>(value);
      PutBigEndian(l.object_id, 2, out);
      PutBigEndian(l.instance_id, 2, out);
      return std::nullopt;
    }
  }
  return Err("unknown data type", 0);
}

std::optional<CodecError> DecodeTlv(std::span<const uint8_t> payload, const Path& base,
                                    const TypeResolver& types, std::vector<Record>* out) {
  if (base.depth == 0) return Err("TLV cannot address the root: it carries no object id", 0);
  Decoder d(types, out);
  const size_t first_new = out->size();
  auto fail = [&](CodecError e) {
    out->resize(first_new);  // no half-decoded payloads
    return std::optional<CodecError>(std::move(e));
  };
  // At instance level and below the payload may repeat the request path's
  // own last entry (e.g. /3/0/7 answered as a multiple resource 7, /3/0 as
  // object instance 0): unwrap it when the ids agree.
  size_t pos = 0;
  while (pos < payload.size()) {
    Entry e;
    const size_t at = pos;
    if (auto err = ReadEntry(payload, &pos, 0, &e)) return fail(*err);
    std::optional<CodecError> err;
    const Kind self = base.depth == 2   ? Kind::kObjectInstance
                      : base.depth == 4 ? Kind::kResourceInstance
                                        : Kind::kResource;
    const bool is_self = base.depth >= 2 && e.id == base.ids[base.depth - 1] &&
                         (e.kind == self || (base.depth == 3 && e.kind == Kind::kMultipleResource));
    if (is_self) {
      err = d.One(e, base.Prefix(static_cast<uint8_t>(base.depth - 1)), at);
    } else if (base.depth == 4) {
      err = Err("TLV entry does not match request path " + base.ToString(), at);
    } else if (base.depth == 3 && e.kind != Kind::kResourceInstance) {
      err = Err("TLV entry does not match request path " + base.ToString(), at);
    } else {
      err = d.One(e, base, at);
    }
    if (err) return fail(*err);
  }
  return std::nullopt;
}

std::optional<CodecError> EncodeTlv(const Path& base, std::span<const Record> records,
                                    std::vector<uint8_t>* out) {
  if (base.depth == 0) return Err("TLV cannot address the root: it carries no object id", 0);
  std::vector<size_t> idx(records.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  // A resource-level request answers with the resource itself (value or
  // multiple resource); a resource-instance request with that instance. An
  // instance-level request lists its resources bare, as the spec's examples do.
  const uint8_t parent_depth = base.depth >= 3 ? static_cast<uint8_t>(base.depth - 1) : base.depth;
  for (const Record& r : records) {
    if (!base.Contains(r.path)) return Err(r.path.ToString() + " is not inside " + base.ToString(), 0);
    if (r.path.depth <= parent_depth) {
      return Err("record " + r.path.ToString() + " is not below " + base.ToString(), 0);
    }
  }
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return records[a].path < records[b].path; });
  std::vector<uint8_t> body;
  if (auto e = Level(records, idx, base.Prefix(parent_depth), &body)) return e;
  out->insert(out->end(), body.begin(), body.end());
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
