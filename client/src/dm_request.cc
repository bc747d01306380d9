#include "client/dm_request.h"

#include <string_view>

namespace lwcl::client {

using lwm2m::ContentFormat;
using lwm2m::Path;
using lwm2m::Record;

namespace {

DmResponse Reply(CoapCode c) {
  DmResponse r;
  r.code = c;
  return r;
}

// Content formats this client decodes and encodes for the data model.
bool DataFormatSupported(uint16_t n) {
  std::optional<ContentFormat> f = lwm2m::ContentFormatFromNumber(n);
  if (!f) return false;
  switch (*f) {
    case ContentFormat::kPlainText:
    case ContentFormat::kOpaque:
    case ContentFormat::kTlv:
    case ContentFormat::kSenmlJson:
    case ContentFormat::kSenmlCbor:
    case ContentFormat::kLwm2mCbor:
    case ContentFormat::kCbor:
      return true;
    default:
      return false;
  }
}

// Decodes a request payload; the response code when that fails.
std::optional<CoapCode> DecodePayload(const Registry& registry, const DmRequest& req, const Path& base,
                                      std::vector<Record>* out) {
  if (!req.content_format) return CoapCode::kBadRequest;
  if (!DataFormatSupported(*req.content_format)) return CoapCode::kUnsupportedContentFormat;
  const ContentFormat f = *lwm2m::ContentFormatFromNumber(*req.content_format);
  if (lwm2m::Decode(f, req.payload, base, registry.Resolver(), out)) return CoapCode::kBadRequest;
  return std::nullopt;
}

}  // namespace

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

ContentFormat DefaultReadFormat(const Path& path, std::span<const Record> records) {
  if (path.depth >= 3 && records.size() == 1 && records[0].path.depth == path.depth) {
    return lwm2m::TypeOf(records[0].value) == lwm2m::DataType::kOpaque ? ContentFormat::kOpaque
                                                                         : ContentFormat::kPlainText;
  }
  return ContentFormat::kSenmlCbor;
}

DmResponse ReadAndEncode(const Registry& registry, const Path& path, std::optional<uint16_t> accept) {
  if (accept && !DataFormatSupported(*accept)) return Reply(CoapCode::kNotAcceptable);
  std::vector<Record> records;
  if (CoapCode c = registry.Read(path, &records); !IsSuccess(c)) return Reply(c);
  const ContentFormat f = accept ? *lwm2m::ContentFormatFromNumber(*accept) : DefaultReadFormat(path, records);
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
  const std::optional<Path> parsed = PathFromSegments(req.uri_path);
  if (!parsed) return Reply(CoapCode::kNotFound);
  const Path path = *parsed;
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
