// OMA DDF XML -> ObjectDefinition (ddf_parser.h).
#include "lwm2m/ddf_parser.h"

#include <charconv>
#include <set>

#include "lwm2m/xml.h"

namespace lwcl::lwm2m {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

CodecError Err(std::string m) { return CodecError{std::move(m), 0}; }

std::optional<CodecError> Text(const XmlElement& parent, const char* name, std::string* out, bool required,
                               const std::string& where) {
  const XmlElement* c = parent.Child(name);
  if (c == nullptr) {
    if (required) return Err(where + ": missing <" + name + ">");
    out->clear();
    return std::nullopt;
  }
  *out = std::string(Trim(c->text));
  return std::nullopt;
}

std::optional<CodecError> Id(std::string_view text, uint16_t* out, const std::string& where) {
  text = Trim(text);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v >= kInvalidId) {
    return Err(where + ": bad id '" + std::string(text) + "'");
  }
  *out = static_cast<uint16_t>(v);
  return std::nullopt;
}

std::optional<CodecError> Choice(const XmlElement& parent, const char* name, const char* yes, const char* no,
                                 bool* out, const std::string& where) {
  std::string v;
  if (auto e = Text(parent, name, &v, true, where)) return e;
  if (v == yes) {
    *out = true;
  } else if (v == no) {
    *out = false;
  } else {
    return Err(where + ": <" + name + "> must be " + yes + " or " + no);
  }
  return std::nullopt;
}

std::optional<CodecError> Item(const XmlElement& item, const std::string& object_where, ResourceDefinition* r) {
  const std::string* id = item.Attribute("ID");
  if (id == nullptr) return Err(object_where + ": <Item> without ID");
  const std::string where = object_where + " resource " + *id;
  if (auto e = Id(*id, &r->id, where)) return e;
  if (auto e = Text(item, "Name", &r->name, true, where)) return e;
  std::string ops;
  if (auto e = Text(item, "Operations", &ops, true, where)) return e;
  if (ops.empty()) {
    r->operations = Operations::kNone;
  } else if (ops == "R") {
    r->operations = Operations::kRead;
  } else if (ops == "W") {
    r->operations = Operations::kWrite;
  } else if (ops == "RW") {
    r->operations = Operations::kReadWrite;
  } else if (ops == "E") {
    r->operations = Operations::kExecute;
  } else {
    return Err(where + ": unknown Operations '" + ops + "'");
  }
  if (auto e = Choice(item, "MultipleInstances", "Multiple", "Single", &r->multiple, where)) return e;
  if (auto e = Choice(item, "Mandatory", "Mandatory", "Optional", &r->mandatory, where)) return e;
  std::string type;
  if (auto e = Text(item, "Type", &type, true, where)) return e;
  const auto t = DataTypeFromDdfName(type);
  if (!t) return Err(where + ": unknown Type '" + type + "'");
  r->type = *t;
  if (r->operations == Operations::kExecute && r->type != DataType::kNone) {
    return Err(where + ": an executable resource has no Type");
  }
  if (r->operations != Operations::kExecute && r->type == DataType::kNone) {
    return Err(where + ": a non-executable resource needs a Type");
  }
  if (auto e = Text(item, "RangeEnumeration", &r->range, false, where)) return e;
  if (auto e = Text(item, "Units", &r->units, false, where)) return e;
  if (auto e = Text(item, "Description", &r->description, false, where)) return e;
  return std::nullopt;
}

std::optional<CodecError> Object(const XmlElement& obj, ObjectDefinition* d) {
  std::string id_text;
  if (auto e = Text(obj, "ObjectID", &id_text, true, "<Object>")) return e;
  if (auto e = Id(id_text, &d->id, "<Object>")) return e;
  const std::string where = "object " + std::to_string(d->id);
  if (auto e = Text(obj, "Name", &d->name, true, where)) return e;
  if (auto e = Text(obj, "Description1", &d->description, false, where)) return e;
  if (auto e = Text(obj, "ObjectURN", &d->urn, false, where)) return e;
  if (auto e = Text(obj, "LWM2MVersion", &d->lwm2m_version, false, where)) return e;
  if (auto e = Text(obj, "ObjectVersion", &d->version, false, where)) return e;
  if (d->version.empty()) d->version = "1.0";
  if (auto e = Choice(obj, "MultipleInstances", "Multiple", "Single", &d->multiple, where)) return e;
  if (auto e = Choice(obj, "Mandatory", "Mandatory", "Optional", &d->mandatory, where)) return e;
  const XmlElement* resources = obj.Child("Resources");
  if (resources == nullptr) return Err(where + ": missing <Resources>");
  std::set<uint16_t> seen;
  for (const XmlElement& item : resources->children) {
    if (item.name != "Item") continue;
    ResourceDefinition r;
    if (auto e = Item(item, where, &r)) return e;
    if (!seen.insert(r.id).second) return Err(where + ": duplicate resource id " + std::to_string(r.id));
    d->resources.push_back(std::move(r));
  }
  return std::nullopt;
}

}  // namespace

std::optional<DataType> DataTypeFromDdfName(std::string_view name) {
  for (const DataType t : {DataType::kNone, DataType::kString, DataType::kInteger, DataType::kUnsignedInteger,
                           DataType::kFloat, DataType::kBoolean, DataType::kOpaque, DataType::kTime,
                           DataType::kObjlnk, DataType::kCoreLnk}) {
    if (name == DataTypeName(t)) return t;
  }
  if (name.empty()) return DataType::kNone;
  return std::nullopt;
}

std::optional<CodecError> ParseDdf(std::string_view xml, std::vector<ObjectDefinition>* out) {
  XmlElement root;
  if (auto e = ParseXml(xml, &root)) return e;
  if (root.name != "LWM2M") return Err("DDF root element must be <LWM2M>, not <" + root.name + ">");
  std::vector<ObjectDefinition> defs;
  for (const XmlElement& obj : root.children) {
    if (obj.name != "Object") continue;
    ObjectDefinition d;
    if (auto e = Object(obj, &d)) return e;
    defs.push_back(std::move(d));
  }
  if (defs.empty()) return Err("DDF has no <Object>");
  out->insert(out->end(), std::make_move_iterator(defs.begin()), std::make_move_iterator(defs.end()));
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
