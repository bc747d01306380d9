// JSON reader and writer (json.h).
#include "lwm2m/json.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "lwm2m/utf8.h"

namespace lwcl::lwm2m::json {
namespace {

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Parser {
  std::string_view s;
  size_t pos = 0;

  void SkipWs() {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  }

  bool Literal(std::string_view word) {
    if (s.substr(pos, word.size()) != word) return false;
    pos += word.size();
    return true;
  }

  std::optional<CodecError> Hex4(uint32_t* out) {
    if (s.size() - pos < 4) return Err("truncated \\u escape", pos);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s[pos++];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Err("bad hex digit in \\u escape", pos - 1);
      }
      v = v * 16 + d;
    }
    *out = v;
    return std::nullopt;
  }

  std::optional<CodecError> String(std::string* out) {
    const size_t start = pos;
    ++pos;  // opening quote
    size_t run = pos;
    while (true) {
      if (pos >= s.size()) return Err("unterminated string", start);
      const char c = s[pos];
      if (c == '"') {
        out->append(s.substr(run, pos - run));
        ++pos;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) return Err("control character in string", pos);
      if (c != '\\') {
        ++pos;
        continue;
      }
      out->append(s.substr(run, pos - run));
      const size_t esc = pos;
      ++pos;
      if (pos >= s.size()) return Err("unterminated escape", esc);
      const char e = s[pos++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (auto err = Hex4(&cp)) return err;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Err("unpaired low surrogate", esc);
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s.size() - pos < 2 || s[pos] != '\\' || s[pos + 1] != 'u') {
              return Err("unpaired high surrogate", esc);
            }
            pos += 2;
            uint32_t lo = 0;
            if (auto err = Hex4(&lo)) return err;
            if (lo < 0xDC00 || lo > 0xDFFF) return Err("unpaired high surrogate", esc);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default: return Err("bad escape", esc);
      }
      run = pos;
    }
    if (!IsValidUtf8(*out)) return Err("string is not valid UTF-8", start);
    return std::nullopt;
  }

  std::optional<CodecError> Number(Value* out) {
    const size_t start = pos;
    bool integral = true;
    if (pos < s.size() && s[pos] == '-') ++pos;
    if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return Err("bad number", start);
    if (s[pos] == '0') {
      ++pos;
    } else {
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    if (pos < s.size() && s[pos] == '.') {
      integral = false;
      ++pos;
      if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return Err("bad number: digit expected after '.'", start);
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
      integral = false;
      ++pos;
      if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
      if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return Err("bad number: digit expected in exponent", start);
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    const char* b = s.data() + start;
    const char* e = s.data() + pos;
    out->kind = Value::Kind::kNumber;
    auto [p, ec] = std::from_chars(b, e, out->number);
    if (ec == std::errc::result_out_of_range) {
      // Overflow: refuse rather than hand on an infinity; underflow reads as 0.
      double mag = 0.0;
      for (const char* q = b; q < e && *q != 'e' && *q != 'E'; ++q) {
        if (*q >= '1' && *q <= '9') mag = 1.0;
      }
      const bool negexp = std::string_view(b, static_cast<size_t>(e - b)).find("e-") != std::string_view::npos ||
                          std::string_view(b, static_cast<size_t>(e - b)).find("E-") != std::string_view::npos;
      if (mag != 0.0 && !negexp) return Err("number out of range", start);
      out->number = *b == '-' ? -0.0 : 0.0;
    } else if (ec != std::errc() || p != e) {
      return Err("bad number", start);
    }
    if (integral) {
      int64_t i = 0;
      auto r = std::from_chars(b, e, i);
      if (r.ec == std::errc() && r.ptr == e) {
        out->integer = i;
      } else if (*b != '-') {
        uint64_t u = 0;
        auto r2 = std::from_chars(b, e, u);
        if (r2.ec == std::errc() && r2.ptr == e) out->unsigned_integer = u;
      }
    }
    return std::nullopt;
  }

  std::optional<CodecError> Parse(Value* out, int depth) {
    SkipWs();
    if (pos >= s.size()) return Err("truncated: value expected", pos);
    *out = Value{};
    out->offset = pos;
    const char c = s[pos];
    if (c == '{' || c == '[') {
      if (depth >= kMaxDepth) return Err("nesting too deep", pos);
      const bool obj = c == '{';
      const char close = obj ? '}' : ']';
      out->kind = obj ? Value::Kind::kObject : Value::Kind::kArray;
      ++pos;
      SkipWs();
      if (pos < s.size() && s[pos] == close) {
        ++pos;
        return std::nullopt;
      }
      while (true) {
        SkipWs();
        if (obj) {
          if (pos >= s.size() || s[pos] != '"') return Err("object key expected", pos);
          std::string key;
          if (auto e = String(&key)) return e;
          SkipWs();
          if (pos >= s.size() || s[pos] != ':') return Err("':' expected", pos);
          ++pos;
          out->object.push_back(Member{std::move(key), Value{}});
          if (auto e = Parse(&out->object.back().value, depth + 1)) return e;
        } else {
          out->array.emplace_back();
          if (auto e = Parse(&out->array.back(), depth + 1)) return e;
        }
        SkipWs();
        if (pos >= s.size()) return Err(obj ? "unterminated object" : "unterminated array", out->offset);
        if (s[pos] == ',') {
          ++pos;
          continue;
        }
        if (s[pos] == close) {
          ++pos;
          return std::nullopt;
        }
        return Err("',' or closing bracket expected", pos);
      }
    }
    if (c == '"') {
      out->kind = Value::Kind::kString;
      return String(&out->string);
    }
    if (c == 't' || c == 'f' || c == 'n') {
      if (Literal("true")) {
        out->kind = Value::Kind::kBool;
        out->boolean = true;
      } else if (Literal("false")) {
        out->kind = Value::Kind::kBool;
      } else if (Literal("null")) {
        out->kind = Value::Kind::kNull;
      } else {
        return Err("unknown literal", pos);
      }
      return std::nullopt;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    return Err("unexpected character", pos);
  }
};

}  // namespace

const Value* Value::Find(std::string_view key) const {
  for (const auto& [k, v] : object) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value Value::Null() { return Value{}; }

Value Value::Bool(bool b) {
  Value v;
  v.kind = Kind::kBool;
  v.boolean = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.kind = Kind::kNumber;
  v.integer = i;
  v.number = static_cast<double>(i);
  return v;
}
Value Value::Uint(uint64_t u) {
  if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Int(static_cast<int64_t>(u));
  Value v;
  v.kind = Kind::kNumber;
  v.unsigned_integer = u;
  v.number = static_cast<double>(u);
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.kind = Kind::kNumber;
  v.number = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.kind = Kind::kString;
  v.string = std::move(s);
  return v;
}
Value Value::Array(std::vector<Value> items) {
  Value v;
  v.kind = Kind::kArray;
  v.array = std::move(items);
  return v;
}
Value Value::Object(std::vector<Member> members) {
  Value v;
  v.kind = Kind::kObject;
  v.object = std::move(members);
  return v;
}

std::optional<CodecError> Parse(std::string_view text, Value* out) {
  Parser p{text};
  if (auto e = p.Parse(out, 0)) return e;
  p.SkipWs();
  if (p.pos != text.size()) return Err("trailing characters after the JSON value", p.pos);
  return std::nullopt;
}

void AppendString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

bool AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) return false;
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return false;
  std::string_view t(buf, static_cast<size_t>(p - buf));
  out->append(t);
  // Keep floats recognisable as floats to the reader ("3.0", not "3").
  if (t.find_first_of(".eE") == std::string_view::npos) out->append(".0");
  return true;
}

std::optional<CodecError> Serialize(const Value& v, std::string* out) {
  switch (v.kind) {
    case Value::Kind::kNull: out->append("null"); return std::nullopt;
    case Value::Kind::kBool: out->append(v.boolean ? "true" : "false"); return std::nullopt;
    case Value::Kind::kNumber:
      if (v.integer) {
        out->append(std::to_string(*v.integer));
      } else if (v.unsigned_integer) {
        out->append(std::to_string(*v.unsigned_integer));
      } else if (!AppendDouble(v.number, out)) {
        return Err("non-finite number cannot be written as JSON", out->size());
      }
      return std::nullopt;
    case Value::Kind::kString: AppendString(v.string, out); return std::nullopt;
    case Value::Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < v.array.size(); ++i) {
        if (i) out->push_back(',');
        if (auto e = Serialize(v.array[i], out)) return e;
      }
      out->push_back(']');
      return std::nullopt;
    case Value::Kind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < v.object.size(); ++i) {
        if (i) out->push_back(',');
        AppendString(v.object[i].key, out);
        out->push_back(':');
        if (auto e = Serialize(v.object[i].value, out)) return e;
      }
      out->push_back('}');
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace lwcl::lwm2m::json
