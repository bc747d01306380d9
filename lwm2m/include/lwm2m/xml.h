// A minimal XML reader: just enough for OMA DDF object definitions (and
// anything as plain). Elements, attributes, character data, the five
// predefined entities and numeric character references, comments, CDATA
// sections, processing instructions and the XML declaration.
//
// It refuses what DDF files never need and attackers love: DOCTYPE (so no
// entity expansion or external entities), undefined entities, and nesting
// deeper than kMaxXmlDepth. Malformed input (mismatched or unclosed tags,
// duplicate attributes, stray text outside the root, invalid UTF-8) is an
// error with a byte offset; nothing throws, nothing reads out of bounds.
#ifndef LWCL_LWM2M_XML_H_
#define LWCL_LWM2M_XML_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lwm2m/content_format.h"

namespace lwcl::lwm2m {

inline constexpr size_t kMaxXmlDepth = 32;

struct XmlElement {
  std::string name;  // qualified name as written ("LWM2M", "xsi:schemaLocation")
  std::vector<std::pair<std::string, std::string>> attributes;  // in document order, decoded
  std::string text;  // all character data directly inside (CDATA included), decoded
  std::vector<XmlElement> children;

  const XmlElement* Child(std::string_view child_name) const;  // first one, or nullptr
  const std::string* Attribute(std::string_view attr_name) const;
};

std::optional<CodecError> ParseXml(std::string_view text, XmlElement* root);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_XML_H_
