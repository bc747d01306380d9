// SenML CBOR (Content-Format 112): payload <-> SenML records (senml.h).
// Labels are RFC 8428's integers (section 6), plus the text label "vlo"
// LwM2M 1.1 adds for object links.
#include <cmath>

#include "lwm2m/cbor.h"
#include "lwm2m/senml.h"
#include "lwm2m/utf8.h"

namespace lwcl::lwm2m {
namespace {

using cbor::Item;

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

enum Label : int64_t {
  kBver = -1,
  kBn = -2,
  kBt = -3,
  kBu = -4,
  kBv = -5,
  kN = 0,
  kU = 1,
  kV = 2,
  kVs = 3,
  kVb = 4,
  kT = 6,
  kVd = 8,
};

// A CBOR number as a SenML value: integers stay integers, floats become
// doubles, and decimal fractions (tag 4, [exponent, mantissa]) are read too.
std::optional<CodecError> Number(const Item& item, Value* out) {
  if (item.kind == Item::Kind::kUnsigned) {
    if (auto i = item.AsInt()) {
      *out = *i;
    } else {
      *out = item.number;
    }
    return std::nullopt;
  }
  if (item.kind == Item::Kind::kNegative) {
    auto i = item.AsInt();
    if (!i) return Err("negative integer out of range", item.offset);
    *out = *i;
    return std::nullopt;
  }
  if (item.kind == Item::Kind::kFloat) {
    *out = item.real;
    return std::nullopt;
  }
  if (item.kind == Item::Kind::kTag && item.number == 4) {
    const Item& a = item.children[0];
    if (a.kind != Item::Kind::kArray || a.children.size() != 2) return Err("bad decimal fraction", item.offset);
    auto e = a.children[0].AsInt();
    auto m = a.children[1].AsInt();
    if (!e || !m || *e < -400 || *e > 400) return Err("bad decimal fraction", item.offset);
    *out = static_cast<double>(*m) * std::pow(10.0, static_cast<double>(*e));
    return std::nullopt;
  }
  return Err("expected a number", item.offset);
}

std::optional<CodecError> Real(const Item& item, std::optional<double>* out) {
  Value v;
  if (auto e = Number(item, &v)) return e;
  if (auto* i = std::get_if<int64_t>(&v)) {
    *out = static_cast<double>(*i);
  } else if (auto* u = std::get_if<uint64_t>(&v)) {
    *out = static_cast<double>(*u);
  } else {
    *out = std::get<double>(v);
  }
  return std::nullopt;
}

std::optional<CodecError> TextField(const Item& item, std::optional<std::string>* out) {
  if (item.kind != Item::Kind::kText) return Err("expected a text string", item.offset);
  *out = item.text;
  return std::nullopt;
}

std::optional<CodecError> ParseRecord(const Item& map, SenmlRecord* r) {
  if (map.kind != Item::Kind::kMap) return Err("SenML record must be a map", map.offset);
  r->offset = map.offset;
  int values = 0;
  for (size_t i = 0; i < map.map_size(); ++i) {
    const Item& key = map.key(i);
    const Item& v = map.value(i);
    for (size_t j = 0; j < i; ++j) {
      if (map.key(j).SameAs(key)) return Err("duplicate label", key.offset);
    }
    std::optional<CodecError> e;
    if (key.kind == Item::Kind::kText) {
      if (key.text == "vlo") {
        ++values;
        if (v.kind != Item::Kind::kText) return Err("vlo must be a text string", v.offset);
        auto link = ParseObjlnkText(v.text);
        if (!link) return Err("vlo is not an object link \"o:i\"", v.offset);
        r->value = *link;
      } else if (!key.text.empty() && key.text.back() == '_') {
        return Err("unsupported must-understand label " + key.text, key.offset);
      }
      continue;
    }
    auto label = key.AsInt();
    if (!label) return Err("SenML label must be an integer or text", key.offset);
    switch (*label) {
      case kBn: e = TextField(v, &r->base_name); break;
      case kBt: e = Real(v, &r->base_time); break;
      case kBu: e = TextField(v, &r->base_unit); break;
      case kBv: {
        Value b;
        e = Number(v, &b);
        r->base_value = b;
        break;
      }
      case kN: e = TextField(v, &r->name); break;
      case kU: e = TextField(v, &r->unit); break;
      case kT: e = Real(v, &r->time); break;
      case kV:
        ++values;
        e = Number(v, &r->value);
        break;
      case kVs:
        ++values;
        if (v.kind != Item::Kind::kText) return Err("vs must be a text string", v.offset);
        r->value = v.text;
        break;
      case kVb:
        ++values;
        if (v.kind != Item::Kind::kTrue && v.kind != Item::Kind::kFalse) return Err("vb must be a boolean", v.offset);
        r->value = v.kind == Item::Kind::kTrue;
        break;
      case kVd:
        ++values;
        if (v.kind != Item::Kind::kBytes) return Err("vd must be a byte string", v.offset);
        r->value = v.bytes;
        break;
      case kBver:
        if (!v.IsInteger()) return Err("bver must be an integer", v.offset);
        break;
      default:
        // s, ut, bs and extension labels carry nothing LwM2M uses.
        break;
    }
    if (e) return e;
  }
  if (values > 1) return Err("more than one value in a record", map.offset);
  return std::nullopt;
}

void WriteNumber(const Value& v, cbor::Writer* w) {
  if (auto* i = std::get_if<int64_t>(&v)) {
    w->Int(*i);
  } else if (auto* u = std::get_if<uint64_t>(&v)) {
    w->Uint(*u);
  } else if (auto* d = std::get_if<double>(&v)) {
    w->Float(*d);
  } else if (auto* t = std::get_if<Time>(&v)) {
    w->Int(t->seconds);
  }
}

void WriteReal(double d, cbor::Writer* w) {
  // Whole-second times are integers on the wire, as peers write them.
  if (std::abs(d) < 9e15 && static_cast<double>(static_cast<int64_t>(d)) == d) {
    w->Int(static_cast<int64_t>(d));
  } else {
    w->Float(d);
  }
}

}  // namespace

std::optional<CodecError> ParseSenmlCbor(std::span<const uint8_t> payload, std::vector<SenmlRecord>* out) {
  Item doc;
  if (auto e = cbor::Parse(payload, &doc)) return e;
  if (doc.kind != Item::Kind::kArray) return Err("SenML pack must be an array", doc.offset);
  out->reserve(out->size() + doc.children.size());
  for (const Item& map : doc.children) {
    SenmlRecord r;
    if (auto e = ParseRecord(map, &r)) return e;
    out->push_back(std::move(r));
  }
  return std::nullopt;
}

std::optional<CodecError> WriteSenmlCbor(std::span<const SenmlRecord> records, std::vector<uint8_t>* out) {
  cbor::Writer w(out);
  w.ArrayHeader(records.size());
  for (const SenmlRecord& r : records) {
    const Value& v = r.value;
    const bool has_value = !std::holds_alternative<std::monostate>(v);
    const uint64_t fields = uint64_t{r.base_name.has_value()} + r.base_time.has_value() + r.base_unit.has_value() +
                            r.base_value.has_value() + r.name.has_value() + r.unit.has_value() +
                            r.time.has_value() + has_value;
    w.MapHeader(fields);
    if (r.base_name) w.Int(kBn), w.Text(*r.base_name);
    if (r.base_time) w.Int(kBt), WriteReal(*r.base_time, &w);
    if (r.base_unit) w.Int(kBu), w.Text(*r.base_unit);
    if (r.base_value) w.Int(kBv), WriteNumber(*r.base_value, &w);
    if (r.name) w.Int(kN), w.Text(*r.name);
    if (r.unit) w.Int(kU), w.Text(*r.unit);
    if (r.time) w.Int(kT), WriteReal(*r.time, &w);
    if (!has_value) continue;
    if (std::holds_alternative<int64_t>(v) || std::holds_alternative<uint64_t>(v) ||
        std::holds_alternative<double>(v) || std::holds_alternative<Time>(v)) {
      w.Int(kV), WriteNumber(v, &w);
    } else if (auto* str = std::get_if<std::string>(&v)) {
      w.Int(kVs), w.Text(*str);
    } else if (auto* lnk = std::get_if<CoreLnk>(&v)) {
      w.Int(kVs), w.Text(lnk->text);
    } else if (auto* b = std::get_if<bool>(&v)) {
      w.Int(kVb), w.Bool(*b);
    } else if (auto* o = std::get_if<Opaque>(&v)) {
      w.Int(kVd), w.Bytes(*o);
    } else if (auto* l = std::get_if<Objlnk>(&v)) {
      w.Text("vlo"), w.Text(ObjlnkText(*l));
    }
  }
  return std::nullopt;
}

std::optional<CodecError> DecodeSenmlCbor(std::span<const uint8_t> payload, const TypeResolver& types,
                                          std::vector<Record>* out) {
  std::vector<SenmlRecord> senml;
  if (auto e = ParseSenmlCbor(payload, &senml)) return e;
  return SenmlToRecords(senml, types, out);
}

std::optional<CodecError> EncodeSenmlCbor(const Path& base, std::span<const Record> records,
                                          std::vector<uint8_t>* out) {
  std::vector<SenmlRecord> senml;
  if (auto e = RecordsToSenml(base, records, &senml)) return e;
  return WriteSenmlCbor(senml, out);
}

std::optional<CodecError> DecodeSenmlCborPaths(std::span<const uint8_t> payload, std::vector<Path>* out) {
  std::vector<SenmlRecord> senml;
  if (auto e = ParseSenmlCbor(payload, &senml)) return e;
  return SenmlToPaths(senml, out);
}

std::optional<CodecError> EncodeSenmlCborPaths(std::span<const Path> paths, std::vector<uint8_t>* out) {
  std::vector<SenmlRecord> senml;
  for (const Path& p : paths) {
    SenmlRecord r;
    r.name = p.ToString();
    senml.push_back(std::move(r));
  }
  return WriteSenmlCbor(senml, out);
}

}  // namespace lwcl::lwm2m
