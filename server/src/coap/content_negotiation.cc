#include "server/content_negotiation.h"

#include <algorithm>
#include <charconv>
#include <variant>

#include "lwm2m/link_format.h"

namespace lwcl::server {

using lwm2m::ContentFormat;

namespace {

bool IsDataFormat(ContentFormat f) {
  return f != ContentFormat::kCoreLinkFormat && f != ContentFormat::kLwm2mJson;
}

// Formats that carry several values (an instance, an object, a list).
bool CarriesSeveral(ContentFormat f) {
  return f == ContentFormat::kTlv || f == ContentFormat::kSenmlJson || f == ContentFormat::kSenmlCbor ||
         f == ContentFormat::kLwm2mCbor;
}

// Formats a composite request can use: they name absolute paths, for the
// path list the server sends and for the values that come back.
bool CompositeCapable(ContentFormat f) {
  return f == ContentFormat::kSenmlJson || f == ContentFormat::kSenmlCbor || f == ContentFormat::kLwm2mCbor;
}

void AddOnce(std::vector<ContentFormat>* out, ContentFormat f) {
  if (std::find(out->begin(), out->end(), f) == out->end()) out->push_back(f);
}

// Each number in a `ct` value: "110", or the quoted list "110 112".
void AddNumbers(std::string_view value, std::vector<ContentFormat>* out) {
  while (!value.empty()) {
    const size_t space = value.find(' ');
    const std::string_view token = value.substr(0, space);
    uint16_t n = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
    if (ec == std::errc() && end == token.data() + token.size()) {
      if (std::optional<ContentFormat> f = lwm2m::ContentFormatFromNumber(n); f && IsDataFormat(*f)) AddOnce(out, *f);
    }
    if (space == std::string_view::npos) break;
    value.remove_prefix(space + 1);
  }
}

bool Operates(const DeviceRequest& r, std::initializer_list<Operation> ops) {
  return std::find(ops.begin(), ops.end(), r.op) != ops.end();
}

bool IsComposite(const DeviceRequest& r) {
  return Operates(r, {Operation::kReadComposite, Operation::kObserveComposite, Operation::kWriteComposite});
}

// Whether the request carries or asks for exactly one value, and whether
// that value is opaque (then opaque, not plain text, is its plain format).
struct Shape {
  bool single = false;
  bool opaque = false;
};

Shape ShapeOf(const DeviceRequest& r, const lwm2m::ObjectRegistry& objects) {
  Shape s;
  if (r.paths.size() != 1) return s;
  const lwm2m::Path& path = r.paths[0];
  if (Operates(r, {Operation::kRead, Operation::kObserve})) {
    if (path.depth < 3) return s;
    const lwm2m::ResourceDefinition* def = objects.FindResource(path);
    // A resource the definitions do not know is tried as one value first;
    // the candidates for several follow.
    s.single = path.depth == 4 || def == nullptr || !def->multiple;
    s.opaque = def != nullptr && def->type == lwm2m::DataType::kOpaque;
    return s;
  }
  s.single = path.depth >= 3 && r.records.size() == 1 && r.records[0].path == path;
  s.opaque = s.single && std::holds_alternative<lwm2m::Opaque>(r.records[0].value);
  return s;
}

// With no `ct`: what a client of this LwM2M version must take for several values.
void AddVersionDefaults(std::string_view version, std::vector<ContentFormat>* out) {
  if (version == "1.0") {
    AddOnce(out, ContentFormat::kTlv);  // the one multi-value format 1.0 mandates
    return;
  }
  AddOnce(out, ContentFormat::kSenmlCbor);
  AddOnce(out, ContentFormat::kTlv);
}

std::vector<ContentFormat> CandidatesFor(const Shape& shape, const std::vector<ContentFormat>& advertised,
                                         std::string_view version) {
  std::vector<ContentFormat> out;
  const ContentFormat plain = shape.opaque ? ContentFormat::kOpaque : ContentFormat::kPlainText;
  if (shape.single && advertised.empty()) AddOnce(&out, plain);
  for (ContentFormat f : advertised) {
    if (shape.single ? (f != ContentFormat::kOpaque || shape.opaque) : CarriesSeveral(f)) AddOnce(&out, f);
  }
  if (shape.single) AddOnce(&out, plain);
  if (out.empty() || (shape.single && advertised.empty())) AddVersionDefaults(version, &out);
  return out;
}

}  // namespace

std::vector<ContentFormat> AdvertisedFormats(std::string_view object_links) {
  std::vector<ContentFormat> out;
  std::vector<lwm2m::Link> links;
  if (object_links.empty() || lwm2m::ParseLinkFormat(object_links, &links)) return out;
  for (const lwm2m::Link& link : links) {
    if (link.uri != "/") continue;
    for (const lwm2m::LinkAttribute& a : link.attributes) {
      if (a.name == "ct" && a.value) AddNumbers(*a.value, &out);
    }
  }
  return out;
}

std::vector<ContentFormat> FormatCandidates(const DeviceRequest& request, const std::vector<ContentFormat>& advertised,
                                            std::string_view version, const lwm2m::ObjectRegistry& objects) {
  std::vector<ContentFormat> out;
  if (IsComposite(request)) {
    if (request.format || request.accept) return out;
    for (ContentFormat f : advertised) {
      if (CompositeCapable(f)) AddOnce(&out, f);
    }
    AddOnce(&out, ContentFormat::kSenmlCbor);
    AddOnce(&out, ContentFormat::kSenmlJson);
    return out;
  }
  const bool reads = Operates(request, {Operation::kRead, Operation::kObserve});
  const bool writes = Operates(request, {Operation::kWrite, Operation::kWritePartial, Operation::kCreate});
  if ((reads && request.accept) || (writes && request.format) || (!reads && !writes)) return out;
  return CandidatesFor(ShapeOf(request, objects), advertised, version);
}

DefaultFormats DefaultsFor(const std::vector<ContentFormat>& advertised, std::string_view version) {
  DefaultFormats d;
  d.single = CandidatesFor(Shape{true, false}, advertised, version).front();
  d.several = CandidatesFor(Shape{false, false}, advertised, version).front();
  DeviceRequest composite;
  composite.op = Operation::kReadComposite;
  d.composite = FormatCandidates(composite, advertised, version, lwm2m::ObjectRegistry()).front();
  return d;
}


DeviceRequest WithFormat(DeviceRequest request, ContentFormat format) {
  if (IsComposite(request)) {
    request.format = format;
    if (request.op != Operation::kWriteComposite) request.accept = format;
  } else if (Operates(request, {Operation::kRead, Operation::kObserve})) {
    request.accept = format;
  } else {
    request.format = format;
  }
  return request;
}

bool RefusedFormat(lwm2m::CoapCode code) {
  return code == lwm2m::CoapCode::kNotAcceptable || code == lwm2m::CoapCode::kUnsupportedContentFormat ||
         code == lwm2m::CoapCode::kInternalServerError;
}

}  // namespace lwcl::server
