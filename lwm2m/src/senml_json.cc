// SenML JSON (Content-Format 110): payload <-> SenML records (senml.h).
#include <string_view>

#include "lwm2m/base64.h"
#include "lwm2m/json.h"
#include "lwm2m/senml.h"

namespace lwcl::lwm2m {
namespace {

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

std::optional<CodecError> Text(const json::Value& v, std::string_view label, std::optional<std::string>* out) {
  if (v.kind != json::Value::Kind::kString) return Err(std::string(label) + " must be a string", v.offset);
  *out = v.string;
  return std::nullopt;
}

std::optional<CodecError> Number(const json::Value& v, std::string_view label, Value* out) {
  if (v.kind != json::Value::Kind::kNumber) return Err(std::string(label) + " must be a number", v.offset);
  if (v.integer) {
    *out = *v.integer;
  } else if (v.unsigned_integer) {
    *out = *v.unsigned_integer;
  } else {
    *out = v.number;
  }
  return std::nullopt;
}

std::optional<CodecError> Real(const json::Value& v, std::string_view label, std::optional<double>* out) {
  if (v.kind != json::Value::Kind::kNumber) return Err(std::string(label) + " must be a number", v.offset);
  *out = v.number;
  return std::nullopt;
}

// base64url per RFC 8428; peers that send standard base64 or padding are
// understood too.
std::optional<Opaque> DecodeData(std::string_view text) {
  std::string_view unpadded = text;
  while (!unpadded.empty() && unpadded.back() == '=') unpadded.remove_suffix(1);
  if (auto b = Base64Decode(unpadded, Base64Alphabet::kUrl)) return b;
  if (auto b = Base64Decode(text, Base64Alphabet::kStandard)) return b;
  std::string padded(unpadded);
  while (padded.size() % 4 != 0) padded.push_back('=');
  return Base64Decode(padded, Base64Alphabet::kStandard);
}

std::optional<CodecError> ParseRecord(const json::Value& obj, SenmlRecord* r) {
  if (obj.kind != json::Value::Kind::kObject) return Err("SenML record must be an object", obj.offset);
  r->offset = obj.offset;
  int values = 0;
  for (size_t i = 0; i < obj.object.size(); ++i) {
    const auto& [key, v] = obj.object[i];
    for (size_t j = 0; j < i; ++j) {
      if (obj.object[j].key == key) return Err("duplicate label " + key, v.offset);
    }
    std::optional<CodecError> e;
    if (key == "bn") {
      e = Text(v, key, &r->base_name);
    } else if (key == "bt") {
      e = Real(v, key, &r->base_time);
    } else if (key == "bu") {
      e = Text(v, key, &r->base_unit);
    } else if (key == "bv") {
      Value b;
      e = Number(v, key, &b);
      r->base_value = b;
    } else if (key == "n") {
      e = Text(v, key, &r->name);
    } else if (key == "u") {
      e = Text(v, key, &r->unit);
    } else if (key == "t") {
      e = Real(v, key, &r->time);
    } else if (key == "v") {
      ++values;
      e = Number(v, key, &r->value);
    } else if (key == "vs") {
      ++values;
      if (v.kind != json::Value::Kind::kString) return Err("vs must be a string", v.offset);
      r->value = v.string;
    } else if (key == "vb") {
      ++values;
      if (v.kind != json::Value::Kind::kBool) return Err("vb must be a boolean", v.offset);
      r->value = v.boolean;
    } else if (key == "vd") {
      ++values;
      if (v.kind != json::Value::Kind::kString) return Err("vd must be a string", v.offset);
      auto data = DecodeData(v.string);
      if (!data) return Err("vd is not base64url", v.offset);
      r->value = std::move(*data);
    } else if (key == "vlo") {
      ++values;
      if (v.kind != json::Value::Kind::kString) return Err("vlo must be a string", v.offset);
      auto link = ParseObjlnkText(v.string);
      if (!link) return Err("vlo is not an object link \"o:i\"", v.offset);
      r->value = *link;
    } else if (key == "bver") {
      if (v.kind != json::Value::Kind::kNumber) return Err("bver must be a number", v.offset);
    } else if (!key.empty() && key.back() == '_') {
      return Err("unsupported must-understand label " + key, v.offset);
    }
    // Other labels (s, ut, bs, extensions) carry nothing LwM2M uses.
    if (e) return e;
  }
  if (values > 1) return Err("more than one value in a record", obj.offset);
  return std::nullopt;
}

}  // namespace

std::optional<CodecError> ParseSenmlJson(std::span<const uint8_t> payload, std::vector<SenmlRecord>* out) {
  json::Value doc;
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (auto e = json::Parse(text, &doc)) return e;
  if (doc.kind != json::Value::Kind::kArray) return Err("SenML pack must be an array", doc.offset);
  out->reserve(out->size() + doc.array.size());
  for (const json::Value& obj : doc.array) {
    SenmlRecord r;
    if (auto e = ParseRecord(obj, &r)) return e;
    out->push_back(std::move(r));
  }
  return std::nullopt;
}

std::optional<CodecError> WriteSenmlJson(std::span<const SenmlRecord> records, std::vector<uint8_t>* out) {
  std::string s = "[";
  for (size_t k = 0; k < records.size(); ++k) {
    const SenmlRecord& r = records[k];
    if (k) s += ',';
    s += '{';
    bool first = true;
    auto label = [&](const char* l) {
      if (!first) s += ',';
      first = false;
      json::AppendString(l, &s);
      s += ':';
    };
    auto number = [&](const Value& v) -> bool {
      if (auto* i = std::get_if<int64_t>(&v)) {
        s += std::to_string(*i);
      } else if (auto* u = std::get_if<uint64_t>(&v)) {
        s += std::to_string(*u);
      } else if (auto* d = std::get_if<double>(&v)) {
        return json::AppendDouble(*d, &s);
      } else if (auto* t = std::get_if<Time>(&v)) {
        s += std::to_string(t->seconds);
      }
      return true;
    };
    auto real = [&](double d) -> bool {
      // Whole-second times read best as integers.
      if (std::abs(d) < 9e15 && static_cast<double>(static_cast<int64_t>(d)) == d) {
        s += std::to_string(static_cast<int64_t>(d));
        return true;
      }
      return json::AppendDouble(d, &s);
    };
    if (r.base_name) label("bn"), json::AppendString(*r.base_name, &s);
    if (r.base_time) {
      label("bt");
      if (!real(*r.base_time)) return Err("non-finite base time", k);
    }
    if (r.base_unit) label("bu"), json::AppendString(*r.base_unit, &s);
    if (r.base_value) {
      label("bv");
      if (!number(*r.base_value)) return Err("non-finite base value", k);
    }
    if (r.name) label("n"), json::AppendString(*r.name, &s);
    if (r.unit) label("u"), json::AppendString(*r.unit, &s);
    if (r.time) {
      label("t");
      if (!real(*r.time)) return Err("non-finite time", k);
    }
    const Value& v = r.value;
    if (std::holds_alternative<int64_t>(v) || std::holds_alternative<uint64_t>(v) ||
        std::holds_alternative<double>(v) || std::holds_alternative<Time>(v)) {
      label("v");
      if (!number(v)) return Err("non-finite float cannot be written as SenML JSON", k);
    } else if (auto* str = std::get_if<std::string>(&v)) {
      label("vs"), json::AppendString(*str, &s);
    } else if (auto* lnk = std::get_if<CoreLnk>(&v)) {
      label("vs"), json::AppendString(lnk->text, &s);
    } else if (auto* b = std::get_if<bool>(&v)) {
      label("vb"), s += *b ? "true" : "false";
    } else if (auto* o = std::get_if<Opaque>(&v)) {
      label("vd"), json::AppendString(Base64Encode(*o, Base64Alphabet::kUrl), &s);
    } else if (auto* l = std::get_if<Objlnk>(&v)) {
      label("vlo"), json::AppendString(ObjlnkText(*l), &s);
    }
    s += '}';
  }
  s += ']';
  out->insert(out->end(), s.begin(), s.end());
  return std::nullopt;
}

std::optional<CodecError> DecodeSenmlJson(std::span<const uint8_t> payload, const TypeResolver& types,
                                          std::vector<Record>* out) {
  std::vector<SenmlRecord> senml;
  if (auto e = ParseSenmlJson(payload, &senml)) return e;
  return SenmlToRecords(senml, types, out);
}

std::optional<CodecError> EncodeSenmlJson(const Path& base, std::span<const Record> records,
                                          std::vector<uint8_t>* out) {
  std::vector<SenmlRecord> senml;
  if (auto e = RecordsToSenml(base, records, &senml)) return e;
  return WriteSenmlJson(senml, out);
}

std::optional<CodecError> DecodeSenmlJsonPaths(std::span<const uint8_t> payload, std::vector<Path>* out) {
  std::vector<SenmlRecord> senml;
  if (auto e = ParseSenmlJson(payload, &senml)) return e;
  return SenmlToPaths(senml, out);
}

std::optional<CodecError> EncodeSenmlJsonPaths(std::span<const Path> paths, std::vector<uint8_t>* out) {
  std::vector<SenmlRecord> senml;
  for (const Path& p : paths) {
    SenmlRecord r;
    r.name = p.ToString();
    senml.push_back(std::move(r));
  }
  return WriteSenmlJson(senml, out);
}

}  // namespace lwcl::lwm2m
