#include "client/dm_request.h"

#include <string_view>
#include <variant>

#include "lwm2m/lwm2m_cbor.h"
#include "lwm2m/senml.h"

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

using lwm2m::ContentFormat;
using lwm2m::Path;
using lwm2m::Record;

namespace {

DmResponse Reply(CoapCode c) {
  DmResponse r;
  r.code = c;
  return r;
}

// Decodes a request payload; the response code when that fails.
std::optional<CoapCode> DecodePayload(const Registry& registry, const DmRequest& req, const Path& base,
                                      std::vector<Record>* out) {
  if (!req.content_format) return CoapCode::kBadRequest;
  if (!registry.content_formats().Supports(*req.content_format)) return CoapCode::kUnsupportedContentFormat;
  const ContentFormat f = *lwm2m::ContentFormatFromNumber(*req.content_format);
  if (lwm2m::Decode(f, req.payload, base, registry.Resolver(), out)) return CoapCode::kBadRequest;
  return std::nullopt;
}

// The formats composite operations use: hierarchical, with absolute paths,
// and supported by this client.
bool CompositeFormat(const Registry& registry, uint16_t n) {
  return (n == static_cast<uint16_t>(ContentFormat::kSenmlJson) ||
          n == static_cast<uint16_t>(ContentFormat::kSenmlCbor) ||
          n == static_cast<uint16_t>(ContentFormat::kLwm2mCbor)) &&
         registry.content_formats().Supports(n);
}

// Write-Composite: iPATCH on "/" with records.
DmResponse WriteComposite(Registry& registry, const DmRequest& req) {
  if (!req.uri_path.empty()) return Reply(CoapCode::kMethodNotAllowed);
  if (!req.content_format) return Reply(CoapCode::kBadRequest);
  if (!CompositeFormat(registry, *req.content_format)) return Reply(CoapCode::kUnsupportedContentFormat);
  const ContentFormat f = *lwm2m::ContentFormatFromNumber(*req.content_format);
  std::vector<Record> records;
  if (lwm2m::Decode(f, req.payload, Path::Root(), registry.Resolver(), &records)) {
    return Reply(CoapCode::kBadRequest);
  }
  return Reply(registry.WriteComposite(records));
}

}  // namespace

std::optional<std::vector<Path>> ParseCompositePaths(const Registry& registry, const DmRequest& request,
                                                     CoapCode* error) {
  auto fail = [error](CoapCode c) {
    *error = c;
    return std::nullopt;
  };
  if (!request.uri_path.empty()) return fail(CoapCode::kMethodNotAllowed);
  if (!request.content_format) return fail(CoapCode::kBadRequest);
  if (!CompositeFormat(registry, *request.content_format)) return fail(CoapCode::kUnsupportedContentFormat);
  std::vector<Path> paths;
  switch (*lwm2m::ContentFormatFromNumber(*request.content_format)) {
    case ContentFormat::kSenmlJson:
      if (lwm2m::DecodeSenmlJsonPaths(request.payload, &paths)) return fail(CoapCode::kBadRequest);
      break;
    case ContentFormat::kSenmlCbor:
      if (lwm2m::DecodeSenmlCborPaths(request.payload, &paths)) return fail(CoapCode::kBadRequest);
      break;
    default: {
      // LwM2M CBOR: {3: {0: {1: null}}, 4: null} lists /3/0/1 and /4.
      std::vector<Record> records;
      if (lwm2m::DecodeLwm2mCbor(request.payload, lwm2m::TypeResolver(), &records)) {
        return fail(CoapCode::kBadRequest);
      }
      for (const Record& r : records) {
        if (!std::holds_alternative<std::monostate>(r.value)) return fail(CoapCode::kBadRequest);
        paths.push_back(r.path);
      }
      break;
    }
  }
  if (paths.empty()) return fail(CoapCode::kBadRequest);
  return paths;
}

DmResponse ReadCompositeAndEncode(const Registry& registry, std::span<const Path> paths,
                                  std::optional<uint16_t> accept) {
  if (accept && !CompositeFormat(registry, *accept)) return Reply(CoapCode::kNotAcceptable);
  std::vector<Record> records;
  if (CoapCode c = registry.ReadComposite(paths, &records); !IsSuccess(c)) return Reply(c);
  const ContentFormat f = accept ? *lwm2m::ContentFormatFromNumber(*accept)
                                 : registry.content_formats().DefaultFor(/*single_value=*/false, false);
  if (!CompositeFormat(registry, static_cast<uint16_t>(f))) return Reply(CoapCode::kNotAcceptable);
  DmResponse r;
  if (lwm2m::Encode(f, Path::Root(), records, &r.payload)) return Reply(CoapCode::kInternalServerError);
  r.code = CoapCode::kContent;
  r.content_format = static_cast<uint16_t>(f);
  return r;
}

std::optional<Path> PathFromSegments(const std::vector<std::string>& segments) {
  // Built from the ids directly (not by re-joining text) so "3/0" and "/3/0" cannot differ.
  if (segments.size() > 4) return std::nullopt;
  Path p;
  for (const std::string& s : segments) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10u + static_cast<unsigned>(c - '0');
    }
    if (v >= lwm2m::kInvalidId || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    p = p.Child(static_cast<uint16_t>(v));
  }
  return p;
}

ContentFormat DefaultReadFormat(const ContentFormats& formats, const Path& path, std::span<const Record> records) {
  const bool single = path.depth >= 3 && records.size() == 1 && records[0].path.depth == path.depth;
  return formats.DefaultFor(single, single && lwm2m::TypeOf(records[0].value) == lwm2m::DataType::kOpaque);
}

DmResponse ReadAndEncode(const Registry& registry, const Path& path, std::optional<uint16_t> accept) {
  if (accept && !registry.content_formats().Supports(*accept)) return Reply(CoapCode::kNotAcceptable);
  std::vector<Record> records;
  if (CoapCode c = registry.Read(path, &records); !IsSuccess(c)) return Reply(c);
  const ContentFormat f = accept ? *lwm2m::ContentFormatFromNumber(*accept)
                                 : DefaultReadFormat(registry.content_formats(), path, records);
  DmResponse r;
  if (lwm2m::Encode(f, path, records, &r.payload)) {
    // Single-value formats cannot carry several values (or none).
    return Reply(CoapCode::kNotAcceptable);
  }
  r.code = CoapCode::kContent;
  r.content_format = static_cast<uint16_t>(f);
  return r;
}

DmResponse HandleDmRequest(Registry& registry, const DmRequest& req) {
  // Composite operations first: their path is "/" and their answers differ.
  if (req.method == CoapMethod::kFetch) {
    CoapCode error = CoapCode::kBadRequest;
    const std::optional<std::vector<Path>> paths = ParseCompositePaths(registry, req, &error);
    if (!paths) return Reply(error);
    return ReadCompositeAndEncode(registry, *paths, req.accept);
  }
  if (req.method == CoapMethod::kIPatch) return WriteComposite(registry, req);
  const std::optional<Path> parsed = PathFromSegments(req.uri_path);
  if (!parsed) return Reply(CoapCode::kNotFound);
  const Path path = *parsed;
  // Security /0 holds the keys: only the Bootstrap-Server may touch it
  // (bootstrap_dm.h), a DM server is refused whatever it asks.
  if (path.depth >= 1 && path.object() == 0) return Reply(CoapCode::kUnauthorized);
  switch (req.method) {
    case CoapMethod::kGet: {
      if (req.accept && *req.accept == static_cast<uint16_t>(ContentFormat::kCoreLinkFormat)) {
        std::vector<lwm2m::Link> links;
        if (CoapCode c = registry.Discover(path, &links); !IsSuccess(c)) return Reply(c);
        DmResponse r;
        r.code = CoapCode::kContent;
        r.content_format = static_cast<uint16_t>(ContentFormat::kCoreLinkFormat);
        const std::string text = lwm2m::FormatLinkFormat(links);
        r.payload.assign(text.begin(), text.end());
        return r;
      }
      return ReadAndEncode(registry, path, req.accept);
    }
    case CoapMethod::kPut: {
      if (req.payload.empty() && !req.uri_query.empty()) {
        return Reply(registry.WriteAttributes(path, req.uri_query));
      }
      if (path.depth < 2) return Reply(CoapCode::kMethodNotAllowed);
      std::vector<Record> records;
      if (std::optional<CoapCode> c = DecodePayload(registry, req, path, &records)) return Reply(*c);
      return Reply(registry.Write(path, records, /*replace=*/true));
    }
    case CoapMethod::kPost: {
      if (path.depth == 3) {
        const std::string_view args(reinterpret_cast<const char*>(req.payload.data()), req.payload.size());
        return Reply(registry.Execute(path, args));
      }
      if (path.depth == 1) {
        std::vector<Record> records;
        if (!req.payload.empty()) {
          if (std::optional<CoapCode> c = DecodePayload(registry, req, path, &records)) return Reply(*c);
        }
        uint16_t created = 0;
        DmResponse r = Reply(registry.Create(path, records, &created));
        if (r.code == CoapCode::kCreated) {
          r.location_path = {std::to_string(path.object()), std::to_string(created)};
        }
        return r;
      }
      if (path.depth == 2) {
        std::vector<Record> records;
        if (std::optional<CoapCode> c = DecodePayload(registry, req, path, &records)) return Reply(*c);
        return Reply(registry.Write(path, records, /*replace=*/false));
      }
      return Reply(CoapCode::kMethodNotAllowed);
    }
    case CoapMethod::kDelete:
      return Reply(registry.Delete(path));
    default:
      return Reply(CoapCode::kMethodNotAllowed);
  }
}

}  // namespace lwcl::client
