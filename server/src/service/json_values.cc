#include "server/json_values.h"

#include <array>
#include <cmath>

#include "lwm2m/base64.h"
#include "lwm2m/senml.h"

namespace lwcl::server {

namespace {

const char* TypeName(lwm2m::DataType t) {
  switch (t) {
    case lwm2m::DataType::kString: return "string";
    case lwm2m::DataType::kInteger: return "integer";
    case lwm2m::DataType::kUnsignedInteger: return "unsigned";
    case lwm2m::DataType::kFloat: return "float";
    case lwm2m::DataType::kBoolean: return "boolean";
    case lwm2m::DataType::kOpaque: return "opaque";
    case lwm2m::DataType::kTime: return "time";
    case lwm2m::DataType::kObjlnk: return "objlnk";
    case lwm2m::DataType::kCoreLnk: return "corelnk";
    default: return "none";
  }
}

const char* StoredTypeName(store::ValueType t) {
  return TypeName(static_cast<lwm2m::DataType>(static_cast<uint8_t>(t)));
}

}  // namespace

nlohmann::json ValueToJson(const lwm2m::Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) return nullptr;
        else if constexpr (std::is_same_v<T, lwm2m::Opaque>) return lwm2m::Base64Encode(v);
        else if constexpr (std::is_same_v<T, lwm2m::Time>) return v.seconds;
        else if constexpr (std::is_same_v<T, lwm2m::Objlnk>) return lwm2m::ObjlnkText(v);
        else if constexpr (std::is_same_v<T, lwm2m::CoreLnk>) return v.text;
        else return v;
      },
      value);
}

nlohmann::json RecordsToJson(const std::vector<lwm2m::Record>& records) {
  nlohmann::json out = nlohmann::json::array();
  for (const lwm2m::Record& r : records) {
    nlohmann::json j{{"path", r.path.ToString()}, {"type", TypeName(lwm2m::TypeOf(r.value))},
                     {"value", ValueToJson(r.value)}};
    if (r.time) j["time"] = *r.time;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json SampleToJson(const store::Sample& s) {
  nlohmann::json j{{"path", s.path}, {"time_ms", s.time_ms}, {"type", StoredTypeName(s.type)}};
  if (s.number) {
    if (s.type == store::ValueType::kBoolean) j["value"] = *s.number != 0.0;
    else if (s.type == store::ValueType::kInteger || s.type == store::ValueType::kTime)
      j["value"] = static_cast<int64_t>(*s.number);
    else j["value"] = *s.number;
  } else if (s.text) {
    j["value"] = *s.text;
  } else if (s.blob) {
    j["value"] = lwm2m::Base64Encode(*s.blob);
  } else {
    j["value"] = nullptr;
  }
  return j;
}

std::optional<lwm2m::Value> JsonToValue(const nlohmann::json& json, const lwm2m::Path& path,
                                        const lwm2m::ObjectRegistry& objects, std::string* error) {
  lwm2m::DataType want = path.depth >= 3 ? objects.TypeAt(path) : lwm2m::DataType::kNone;
  lwm2m::Value raw;
  if (json.is_string()) {
    const std::string text = json.get<std::string>();
    if (want == lwm2m::DataType::kOpaque) {
      std::optional<std::vector<uint8_t>> bytes = lwm2m::Base64Decode(text);
      if (!bytes) {
        *error = path.ToString() + " is Opaque: give base64 text";
        return std::nullopt;
      }
      return lwm2m::Value(*bytes);
    }
    raw = text;
  } else if (json.is_boolean()) {
    raw = json.get<bool>();
  } else if (json.is_number_unsigned()) {
    raw = json.get<uint64_t>();
  } else if (json.is_number_integer()) {
    raw = json.get<int64_t>();
  } else if (json.is_number_float()) {
    raw = json.get<double>();
  } else {
    *error = path.ToString() + ": a value must be a string, number or boolean";
    return std::nullopt;
  }
  if (want == lwm2m::DataType::kNone) return raw;
  std::optional<lwm2m::Value> v = lwm2m::ConvertValue(raw, want);
  if (!v) *error = path.ToString() + " is " + TypeName(want) + ", not " + json.dump();
  return v;
}

namespace {

constexpr std::array<std::pair<const char*, lwm2m::ContentFormat>, 7> kFormatNames{{
      {"text", lwm2m::ContentFormat::kPlainText},
      {"opaque", lwm2m::ContentFormat::kOpaque},
      {"cbor", lwm2m::ContentFormat::kCbor},
      {"senml-json", lwm2m::ContentFormat::kSenmlJson},
      {"senml-cbor", lwm2m::ContentFormat::kSenmlCbor},
      {"tlv", lwm2m::ContentFormat::kTlv},
      {"lwm2m-cbor", lwm2m::ContentFormat::kLwm2mCbor},
}};

}  // namespace

std::optional<lwm2m::ContentFormat> FormatFromName(const std::string& name) {
  for (const auto& [n, f] : kFormatNames) {
    if (name == n) return f;
  }
  return std::nullopt;
}

std::string FormatShortName(lwm2m::ContentFormat format) {
  for (const auto& [n, f] : kFormatNames) {
    if (f == format) return n;
  }
  return std::to_string(static_cast<uint16_t>(format));
}

}  // namespace lwcl::server
