// CoRE Link Format parser and writer (link_format.h).
#include "lwm2m/link_format.h"

namespace lwcl::lwm2m {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 6690 parmname characters.
bool IsParmChar(char c) {
  if (IsAlnum(c)) return true;
  for (const char x : std::string_view("!#$&+-.^_`|~")) {
    if (c == x) return true;
  }
  return false;
}

// RFC 6690 ptokenchar.
bool IsPtokenChar(char c) {
  if (IsAlnum(c)) return true;
  for (const char x : std::string_view("!#$%&'()*+-./:<=>?@[]^_`{|}~")) {
    if (c == x) return true;
  }
  return false;
}

bool IsPtoken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!IsPtokenChar(c)) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  std::optional<CodecError> Links(std::vector<Link>* out) {
    if (t_.empty()) return Err("empty link format");
    std::vector<Link> links;
    while (true) {
      Link l;
      if (auto e = OneLink(&l)) return e;
      links.push_back(std::move(l));
      if (pos_ == t_.size()) break;
      if (t_[pos_] != ',') return Err("expected ',' or ';'");
      ++pos_;
      if (pos_ == t_.size()) return Err("trailing ','");
    }
    out->insert(out->end(), std::make_move_iterator(links.begin()), std::make_move_iterator(links.end()));
    return std::nullopt;
  }

 private:
  CodecError Err(std::string m) const { return CodecError{std::move(m), pos_}; }

  std::optional<CodecError> OneLink(Link* l) {
    if (pos_ >= t_.size() || t_[pos_] != '<') return Err("expected '<'");
    const size_t close = t_.find('>', pos_ + 1);
    if (close == std::string_view::npos) return Err("unterminated '<'");
    const std::string_view uri = t_.substr(pos_ + 1, close - pos_ - 1);
    if (uri.empty()) return Err("empty URI");
    for (const char c : uri) {
      // URI-Reference characters: printable ASCII other than space, quotes,
      // angle brackets and the few RFC 3986 excludes.
      if (c <= ' ' || c > '~' || c == '"' || c == '<' || c == '\\' || c == '^' || c == '`' ||
          c == '{' || c == '|' || c == '}') {
        return Err("invalid character in URI");
      }
    }
    l->uri = std::string(uri);
    l->path = Path::Parse(uri);
    if (uri.front() != '/') l->path.reset();  // "" parses as root; a relative uri is not a path
    pos_ = close + 1;
    while (pos_ < t_.size() && t_[pos_] == ';') {
      ++pos_;
      LinkAttribute a;
      if (auto e = Attribute(&a)) return e;
      l->attributes.push_back(std::move(a));
    }
    return std::nullopt;
  }

  std::optional<CodecError> Attribute(LinkAttribute* a) {
    const size_t start = pos_;
    while (pos_ < t_.size() && IsParmChar(t_[pos_])) ++pos_;
    if (pos_ == start) return Err("expected an attribute name");
    a->name = std::string(t_.substr(start, pos_ - start));
    if (pos_ == t_.size() || t_[pos_] != '=') return std::nullopt;
    ++pos_;
    if (pos_ < t_.size() && t_[pos_] == '"') {
      ++pos_;
      std::string v;
      while (true) {
        if (pos_ >= t_.size()) return Err("unterminated quoted string");
        const char c = t_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (pos_ >= t_.size()) return Err("unterminated quoted string");
          v += t_[pos_++];
        } else {
          v += c;
        }
      }
      a->value = std::move(v);
      a->quoted = true;
      return std::nullopt;
    }
    const size_t vstart = pos_;
    while (pos_ < t_.size() && IsPtokenChar(t_[pos_])) ++pos_;
    if (pos_ == vstart) return Err("expected a value after '='");
    a->value = std::string(t_.substr(vstart, pos_ - vstart));
    return std::nullopt;
  }

  std::string_view t_;
  size_t pos_ = 0;
};

}  // namespace

const LinkAttribute* Link::Find(std::string_view name) const {
  for (const LinkAttribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Link LinkTo(const Path& path) { return Link{path.ToString(), path, {}}; }

std::optional<CodecError> ParseLinkFormat(std::string_view text, std::vector<Link>* out) {
  return Parser(text).Links(out);
}

std::string FormatLinkFormat(std::span<const Link> links) {
  std::string s;
  for (size_t i = 0; i < links.size(); ++i) {
    if (i > 0) s += ',';
    s += '<';
    s += links[i].uri;
    s += '>';
    for (const LinkAttribute& a : links[i].attributes) {
      s += ';';
      s += a.name;
      if (!a.value) continue;
      s += '=';
      if (!a.quoted && IsPtoken(*a.value)) {
        s += *a.value;
        continue;
      }
      s += '"';
      for (const char c : *a.value) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
      }
      s += '"';
    }
  }
  return s;
}

}  // namespace lwcl::lwm2m
