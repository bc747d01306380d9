// CoRE Link Format (RFC 6690, Content-Format 40) as LwM2M uses it: the
// object list a client registers with (`</1/0>,</3/0>;ver=1.1,</3303>`,
// `</>;rt="oma.lwm2m";ct=110`) and Discover responses
// (`</3/0/7>;dim=2;pmin=10`).
//
// Parsing is strict RFC 6690: `<uri>` then `;name[=value]` parameters, links
// separated by `,`, no whitespace; values are ptokens or quoted strings
// (backslash escapes). Empty input, empty links, unterminated quotes or URIs
// and characters outside the grammar are errors (CodecError with the byte
// offset). Attribute order and repeats are kept, so Format(Parse(x)) == x for
// canonical input.
#ifndef LWCL_LWM2M_LINK_FORMAT_H_
#define LWCL_LWM2M_LINK_FORMAT_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/path.h"

namespace lwcl::lwm2m {

struct LinkAttribute {
  std::string name;
  std::optional<std::string> value;  // nullopt: a bare flag like `;obs`
  // Emit the value quoted even when it is a valid ptoken (rt="oma.lwm2m"
  // is quoted by convention). Values that are not ptokens are always quoted.
  bool quoted = false;
  friend bool operator==(const LinkAttribute&, const LinkAttribute&) = default;
};

struct Link {
  std::string uri;           // exactly what was between < and >
  std::optional<Path> path;  // set when `uri` is an LwM2M path ("/", "/3/0", ...)
  std::vector<LinkAttribute> attributes;

  // The first attribute called `name`, or nullptr.
  const LinkAttribute* Find(std::string_view name) const;
  friend bool operator==(const Link&, const Link&) = default;
};

// A link to an LwM2M path with no attributes.
Link LinkTo(const Path& path);

std::optional<CodecError> ParseLinkFormat(std::string_view text, std::vector<Link>* out);
std::string FormatLinkFormat(std::span<const Link> links);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_LINK_FORMAT_H_
