#include "server/device_request.h"

#include <array>
#include <string_view>
#include <variant>

#include "lwm2m/senml.h"

namespace lwcl::server {

namespace {

constexpr std::array<std::pair<Operation, const char*>, 12> kNames{{
    {Operation::kRead, "read"},
    {Operation::kDiscover, "discover"},
    {Operation::kWrite, "write"},
    {Operation::kWritePartial, "write-partial"},
    {Operation::kWriteAttributes, "write-attributes"},
    {Operation::kExecute, "execute"},
    {Operation::kCreate, "create"},
    {Operation::kDelete, "delete"},
    {Operation::kReadComposite, "read-composite"},
    {Operation::kWriteComposite, "write-composite"},
    {Operation::kObserve, "observe"},
    {Operation::kObserveComposite, "observe-composite"},
}};

void PathSegments(const lwm2m::Path& path, std::vector<std::string>* out) {
  for (uint8_t d = 0; d < path.depth; ++d) out->push_back(std::to_string(path.ids[d]));
}

bool IsComposite(Operation op) {
  return op == Operation::kReadComposite || op == Operation::kWriteComposite ||
         op == Operation::kObserveComposite;
}

}  // namespace

const char* OperationName(Operation op) {
  for (const auto& [o, n] : kNames) {
    if (o == op) return n;
  }
  return "?";
}

std::optional<Operation> OperationFromName(std::string_view name) {
  for (const auto& [o, n] : kNames) {
    if (name == n) return o;
  }
  return std::nullopt;
}

std::optional<std::string> BuildCoapRequest(const DeviceRequest& request, CoapRequest* out) {
  *out = CoapRequest{};
  const Operation op = request.op;
  if (!IsComposite(op) && request.paths.size() != 1) return "the operation takes exactly one path";
  if (IsComposite(op) && op != Operation::kWriteComposite && request.paths.empty()) {
    return "a composite operation needs at least one path";
  }
  const lwm2m::Path path = request.paths.empty() ? lwm2m::Path::Root() : request.paths[0];
  if (!IsComposite(op)) PathSegments(path, &out->uri_path);
  if (request.accept) out->accept = static_cast<uint16_t>(*request.accept);
  auto encode_records = [&](const lwm2m::Path& base) -> std::optional<std::string> {
    if (request.records.empty()) return "no values to write";
    for (const lwm2m::Record& r : request.records) {
      if (!base.Contains(r.path)) return "value for " + r.path.ToString() + " is not under " + base.ToString();
    }
    const lwm2m::ContentFormat format = request.format.value_or(lwm2m::ContentFormat::kSenmlCbor);
    out->content_format = static_cast<uint16_t>(format);
    if (auto err = lwm2m::Encode(format, base, request.records, &out->payload)) {
      return "cannot encode the values as " + std::string(lwm2m::ContentFormatName(format)) + ": " +
             err->message;
    }
    return std::nullopt;
  };
  switch (op) {
    case Operation::kRead:
      out->method = 1;
      return std::nullopt;
    case Operation::kObserve:
      out->method = 1;
      out->observe = 0;
      return std::nullopt;
    case Operation::kDiscover:
      out->method = 1;
      out->accept = static_cast<uint16_t>(lwm2m::ContentFormat::kCoreLinkFormat);
      return std::nullopt;
    case Operation::kWrite:
      if (path.depth < 2) return "Write needs an instance, resource or resource-instance path";
      out->method = 3;
      return encode_records(path);
    case Operation::kWritePartial:
      if (path.depth < 2) return "a partial update needs an instance path or deeper";
      out->method = 2;
      return encode_records(path);
    case Operation::kWriteAttributes:
      if (request.attributes.empty()) return "no attributes to write";
      out->method = 3;
      out->uri_query = request.attributes;
      return std::nullopt;
    case Operation::kExecute:
      if (path.depth != 3) return "Execute needs a resource path /o/i/r";
      out->method = 2;
      out->payload.assign(request.arguments.begin(), request.arguments.end());
      if (!request.arguments.empty()) out->content_format = 0;
      return std::nullopt;
    case Operation::kCreate:
      if (path.depth != 1) return "Create needs an object path /o";
      out->method = 2;
      return encode_records(path);
    case Operation::kDelete:
      if (path.depth != 2) return "Delete needs an instance path /o/i";
      out->method = 4;
      return std::nullopt;
    case Operation::kReadComposite:
    case Operation::kObserveComposite: {
      out->method = 5;
      if (op == Operation::kObserveComposite) out->observe = 0;
      // The path list in SenML JSON, LwM2M CBOR (paths as keys with no
      // values) or, by default, SenML CBOR.
      const lwm2m::ContentFormat body = request.format == lwm2m::ContentFormat::kSenmlJson ||
                                                request.format == lwm2m::ContentFormat::kLwm2mCbor
                                            ? *request.format
                                            : lwm2m::ContentFormat::kSenmlCbor;
      out->content_format = static_cast<uint16_t>(body);
      std::optional<lwm2m::CodecError> err;
      if (body == lwm2m::ContentFormat::kSenmlJson) {
        err = lwm2m::EncodeSenmlJsonPaths(request.paths, &out->payload);
      } else if (body == lwm2m::ContentFormat::kSenmlCbor) {
        err = lwm2m::EncodeSenmlCborPaths(request.paths, &out->payload);
      } else {
        std::vector<lwm2m::Record> keys;
        for (const lwm2m::Path& p : request.paths) keys.push_back({p, std::monostate{}, std::nullopt});
        err = lwm2m::Encode(body, lwm2m::Path::Root(), keys, &out->payload);
      }
      if (err) return "cannot encode the path list: " + err->message;
      if (!out->accept) out->accept = *out->content_format;
      return std::nullopt;
    }
    case Operation::kWriteComposite:
      out->method = 7;
      return encode_records(lwm2m::Path::Root());
  }
  return "unknown operation";
}

void DecodeDeviceResponse(const DeviceRequest& request, const lwm2m::TypeResolver& types,
                          DeviceResponse* response) {
  if (response->payload.empty() || !lwm2m::IsSuccess(response->code)) return;
  if (!response->content_format) {
    // Some CoAP stacks (libcoap among them) leave out Content-Format 0: a
    // single value without one is plain text.
    const bool single = !request.paths.empty() && request.paths[0].depth >= 3 &&
                        (request.op == Operation::kRead || request.op == Operation::kObserve);
    if (!single) {
      response->error = "a payload without a Content-Format";
      return;
    }
    response->content_format = static_cast<uint16_t>(lwm2m::ContentFormat::kPlainText);
  }
  const auto format = lwm2m::ContentFormatFromNumber(*response->content_format);
  if (!format) {
    response->error = "unknown content format " + std::to_string(*response->content_format);
    return;
  }
  if (*format == lwm2m::ContentFormat::kCoreLinkFormat) {
    const std::string text(response->payload.begin(), response->payload.end());
    if (auto err = lwm2m::ParseLinkFormat(text, &response->links)) {
      response->error = "undecodable link format: " + err->message;
    }
    return;
  }
  const bool composite = request.op == Operation::kReadComposite || request.op == Operation::kObserveComposite;
  const lwm2m::Path base = composite || request.paths.empty() ? lwm2m::Path::Root() : request.paths[0];
  if (auto err = lwm2m::Decode(*format, response->payload, base, types, &response->records)) {
    response->records.clear();
    response->error = std::string("undecodable ") + lwm2m::ContentFormatName(*format) + " payload: " +
                      err->message + " at byte " + std::to_string(err->offset);
  }
}

}  // namespace lwcl::server
