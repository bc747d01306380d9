// Plain-text codec (plain_text.h).
#include "lwm2m/plain_text.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "lwm2m/base64.h"

namespace lwcl::lwm2m {
namespace {

CodecError Err(std::string message, size_t offset = 0) { return CodecError{std::move(message), offset}; }

// from_chars already refuses leading whitespace and '+'; we also insist the
// whole text is consumed, so "12a" and "1 " fail.
template <typename T>
std::optional<CodecError> ParseInteger(std::string_view text, T* out, const char* what) {
  if (text.empty()) return Err(std::string("empty ") + what);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec == std::errc::result_out_of_range) return Err(std::string(what) + " out of range");
  if (ec != std::errc()) return Err(std::string("not a valid ") + what);
  if (end != text.data() + text.size()) {
    return Err(std::string("junk after ") + what, static_cast<size_t>(end - text.data()));
  }
  return std::nullopt;
}

std::optional<CodecError> ParseFloat(std::string_view text, double* out) {
  if (text.empty()) return Err("empty float");
  // from_chars would take "inf", "nan" and hex-less forms like "infinity";
  // only decimal numbers are LwM2M floats.
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == 'E' || c == '+')) {
      return Err("not a valid float");
    }
  }
  if (text[0] == '+') return Err("not a valid float");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out,
                                         std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return Err("float out of range");
  if (ec != std::errc()) return Err("not a valid float");
  if (end != text.data() + text.size()) {
    return Err("junk after float", static_cast<size_t>(end - text.data()));
  }
  if (!std::isfinite(*out)) return Err("float out of range");
  return std::nullopt;
}

}  // namespace

std::optional<CodecError> ParsePlainText(std::string_view text, DataType type, Value* out) {
  switch (type) {
    case DataType::kNone:
    case DataType::kString:
      if (!IsValidUtf8(text)) return Err("string is not valid UTF-8");
      *out = std::string(text);
      return std::nullopt;
    case DataType::kCoreLnk:
      if (!IsValidUtf8(text)) return Err("corelnk is not valid UTF-8");
      *out = CoreLnk{std::string(text)};
      return std::nullopt;
    case DataType::kInteger: {
      int64_t v = 0;
      if (auto e = ParseInteger(text, &v, "integer")) return e;
      *out = v;
      return std::nullopt;
    }
    case DataType::kUnsignedInteger: {
      uint64_t v = 0;
      if (auto e = ParseInteger(text, &v, "unsigned integer")) return e;
      *out = v;
      return std::nullopt;
    }
    case DataType::kTime: {
      int64_t v = 0;
      if (auto e = ParseInteger(text, &v, "time")) return e;
      *out = Time{v};
      return std::nullopt;
    }
    case DataType::kFloat: {
      double v = 0;
      if (auto e = ParseFloat(text, &v)) return e;
      *out = v;
      return std::nullopt;
    }
    case DataType::kBoolean:
      if (text == "0" || text == "1") {
        *out = text == "1";
        return std::nullopt;
      }
      return Err("boolean must be 0 or 1");
    case DataType::kObjlnk: {
      const size_t colon = text.find(':');
      if (colon == std::string_view::npos) return Err("objlnk must be object:instance");
      uint16_t o = 0, i = 0;
      // Each half is an unsigned 16-bit id; 65535:65535 is the null link.
      if (auto e = ParseInteger(text.substr(0, colon), &o, "objlnk object id")) return e;
      if (auto e = ParseInteger(text.substr(colon + 1), &i, "objlnk instance id")) {
        e->offset += colon + 1;
        return e;
      }
      *out = Objlnk{o, i};
      return std::nullopt;
    }
    case DataType::kOpaque: {
      auto bytes = Base64Decode(text);
      if (!bytes) return Err("opaque in plain text must be base64");
      *out = std::move(*bytes);
      return std::nullopt;
    }
  }
  return Err("unknown data type");
}

std::optional<CodecError> FormatPlainText(const Value& value, std::string* out) {
  out->clear();
  char buf[32];
  auto put_chars = [&](auto v) {
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out->assign(buf, end);
    (void)ec;  // 32 bytes hold any int64, uint64 or shortest double
  };
  switch (TypeOf(value)) {
    case DataType::kNone: return Err("no value to encode");
    case DataType::kString: *out = std::get<std::string>(value); return std::nullopt;
    case DataType::kCoreLnk: *out = std::get<CoreLnk>(value).text; return std::nullopt;
    case DataType::kInteger: put_chars(std::get<int64_t>(value)); return std::nullopt;
    case DataType::kUnsignedInteger: put_chars(std::get<uint64_t>(value)); return std::nullopt;
    case DataType::kTime: put_chars(std::get<Time>(value).seconds); return std::nullopt;
    case DataType::kFloat: {
      const double d = std::get<double>(value);
      if (!std::isfinite(d)) return Err("cannot encode a non-finite float");
      put_chars(d);  // shortest round-trip form
      return std::nullopt;
    }
    case DataType::kBoolean: *out = std::get<bool>(value) ? "1" : "0"; return std::nullopt;
    case DataType::kObjlnk: {
      const Objlnk& l = std::get<Objlnk>(value);
      *out = std::to_string(l.object_id) + ":" + std::to_string(l.instance_id);
      return std::nullopt;
    }
    case DataType::kOpaque: *out = Base64Encode(std::get<Opaque>(value)); return std::nullopt;
  }
  return Err("unknown data type");
}

std::optional<CodecError> DecodePlainText(std::span<const uint8_t> payload, const Path& path,
                                          DataType type, Record* out) {
  if (path.depth < 3) return Err("plain text needs a resource or resource-instance path");
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  Value v;
  if (auto e = ParsePlainText(text, type, &v)) return e;
  *out = Record{path, std::move(v), std::nullopt};
  return std::nullopt;
}

std::optional<CodecError> EncodePlainText(const Record& record, std::vector<uint8_t>* out) {
  if (record.path.depth < 3) return Err("plain text needs a resource or resource-instance path");
  std::string text;
  if (auto e = FormatPlainText(record.value, &text)) return e;
  out->assign(text.begin(), text.end());
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
