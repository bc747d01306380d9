// Minimal XML reader (xml.h).
#include "lwm2m/xml.h"

#include <cstdint>

#include "lwm2m/utf8.h"

namespace lwcl::lwm2m {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  std::optional<CodecError> Document(XmlElement* root) {
    if (!IsValidUtf8(t_)) return Err("XML is not valid UTF-8");
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // byte-order mark
    if (auto e = Misc()) return e;
    if (!Starts("<")) return Err("expected the root element");
    if (auto e = Element(root, 1)) return e;
    if (auto e = Misc()) return e;
    if (pos_ != t_.size()) return Err("content after the root element");
    return std::nullopt;
  }

 private:
  CodecError Err(std::string m) const { return CodecError{std::move(m), pos_}; }
  bool Starts(std::string_view s) const { return t_.substr(pos_, s.size()) == s; }
  void SkipSpace() {
    while (pos_ < t_.size() && IsSpace(t_[pos_])) ++pos_;
  }

  // Whitespace, comments and processing instructions (incl. the declaration).
  std::optional<CodecError> Misc() {
    while (true) {
      SkipSpace();
      if (Starts("<!--")) {
        if (auto e = Comment()) return e;
      } else if (Starts("<?")) {
        if (auto e = Pi()) return e;
      } else if (Starts("<!")) {
        return Err("DOCTYPE and other declarations are not supported");
      } else {
        return std::nullopt;
      }
    }
  }

  std::optional<CodecError> Comment() {
    const size_t end = t_.find("-->", pos_ + 4);
    if (end == std::string_view::npos) return Err("unterminated comment");
    pos_ = end + 3;
    return std::nullopt;
  }

  std::optional<CodecError> Pi() {
    const size_t end = t_.find("?>", pos_ + 2);
    if (end == std::string_view::npos) return Err("unterminated processing instruction");
    pos_ = end + 2;
    return std::nullopt;
  }

  std::optional<CodecError> Name(std::string* out) {
    const size_t start = pos_;
    if (pos_ >= t_.size() || !IsNameStart(t_[pos_])) return Err("expected a name");
    while (pos_ < t_.size() && IsNameChar(t_[pos_])) ++pos_;
    *out = std::string(t_.substr(start, pos_ - start));
    return std::nullopt;
  }

  // Decodes one reference starting at '&'.
  std::optional<CodecError> Reference(std::string* out) {
    const size_t semi = t_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Err("unterminated entity reference");
    const std::string_view ref = t_.substr(pos_ + 1, semi - pos_ - 1);
    if (ref == "lt") {
      *out += '<';
    } else if (ref == "gt") {
      *out += '>';
    } else if (ref == "amp") {
      *out += '&';
    } else if (ref == "quot") {
      *out += '"';
    } else if (ref == "apos") {
      *out += '\'';
    } else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return Err("empty character reference");
      uint32_t cp = 0;
      for (const char c : digits) {
        uint32_t d;
        if (c >= '0' && c <= '9') {
          d = static_cast<uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          d = static_cast<uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          d = static_cast<uint32_t>(c - 'A' + 10);
        } else {
          return Err("bad character reference");
        }
        cp = cp * (hex ? 16U : 10U) + d;
        if (cp > 0x10FFFF) return Err("character reference out of range");
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return Err("character reference out of range");
      AppendUtf8(cp, out);
    } else {
      return Err("undefined entity '&" + std::string(ref) + ";'");
    }
    pos_ = semi + 1;
    return std::nullopt;
  }

  std::optional<CodecError> AttributeValue(std::string* out) {
    if (pos_ >= t_.size() || (t_[pos_] != '"' && t_[pos_] != '\'')) return Err("expected a quoted value");
    const char q = t_[pos_++];
    while (true) {
      if (pos_ >= t_.size()) return Err("unterminated attribute value");
      const char c = t_[pos_];
      if (c == q) {
        ++pos_;
        return std::nullopt;
      }
      if (c == '<') return Err("'<' in attribute value");
      if (c == '&') {
        if (auto e = Reference(out)) return e;
      } else {
        *out += c;
        ++pos_;
      }
    }
  }

  // At '<' of a start tag.
  std::optional<CodecError> Element(XmlElement* el, size_t depth) {
    if (depth > kMaxXmlDepth) return Err("XML nested too deeply");
    ++pos_;
    if (auto e = Name(&el->name)) return e;
    while (true) {
      const size_t before = pos_;
      SkipSpace();
      if (pos_ >= t_.size()) return Err("unterminated start tag");
      if (Starts("/>")) {
        pos_ += 2;
        return std::nullopt;
      }
      if (t_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (pos_ == before) return Err("expected whitespace before an attribute");
      std::string name, value;
      if (auto e = Name(&name)) return e;
      SkipSpace();
      if (pos_ >= t_.size() || t_[pos_] != '=') return Err("expected '='");
      ++pos_;
      SkipSpace();
      if (auto e = AttributeValue(&value)) return e;
      if (el->Attribute(name) != nullptr) return Err("duplicate attribute '" + name + "'");
      el->attributes.emplace_back(std::move(name), std::move(value));
    }
    // Content.
    while (true) {
      if (pos_ >= t_.size()) return Err("unclosed element <" + el->name + ">");
      const char c = t_[pos_];
      if (c == '&') {
        if (auto e = Reference(&el->text)) return e;
      } else if (c != '<') {
        if (c == '>' && pos_ >= 2 && t_.substr(pos_ - 2, 3) == "]]>") return Err("']]>' in text");
        el->text += c;
        ++pos_;
      } else if (Starts("</")) {
        pos_ += 2;
        std::string name;
        if (auto e = Name(&name)) return e;
        if (name != el->name) return Err("</" + name + "> closes <" + el->name + ">");
        SkipSpace();
        if (pos_ >= t_.size() || t_[pos_] != '>') return Err("expected '>'");
        ++pos_;
        return std::nullopt;
      } else if (Starts("<!--")) {
        if (auto e = Comment()) return e;
      } else if (Starts("<![CDATA[")) {
        const size_t end = t_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return Err("unterminated CDATA section");
        el->text.append(t_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (Starts("<?")) {
        if (auto e = Pi()) return e;
      } else if (Starts("<!")) {
        return Err("declarations are not allowed inside elements");
      } else {
        el->children.emplace_back();
        if (auto e = Element(&el->children.back(), depth + 1)) return e;
      }
    }
  }

  std::string_view t_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

const std::string* XmlElement::Attribute(std::string_view attr_name) const {
  for (const auto& [k, v] : attributes) {
    if (k == attr_name) return &v;
  }
  return nullptr;
}

std::optional<CodecError> ParseXml(std::string_view text, XmlElement* root) {
  XmlElement r;
  if (auto e = Parser(text).Document(&r)) return e;
  *root = std::move(r);
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
