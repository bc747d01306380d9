// Content-Format names and the Decode/Encode dispatchers (content_format.h).
#include "lwm2m/content_format.h"

#include "lwm2m/cbor_value.h"
#include "lwm2m/lwm2m_cbor.h"
#include "lwm2m/opaque.h"
#include "lwm2m/plain_text.h"
#include "lwm2m/senml.h"
#include "lwm2m/tlv.h"

namespace lwcl::lwm2m {
namespace {

CodecError Err(std::string message, size_t offset = 0) { return CodecError{std::move(message), offset}; }

DataType TypeAt(const TypeResolver& types, const Path& p) { return types ? types(p) : DataType::kNone; }

// Self-describing formats name their paths; a payload sent to /3/0 that
// writes /4/0/1 is refused here rather than trusted by the caller.
std::optional<CodecError> CheckUnder(const Path& base, std::span<const Record> records) {
  for (const Record& r : records) {
    if (!base.Contains(r.path)) {
      return Err("payload names " + r.path.ToString() + ", outside the request path " + base.ToString());
    }
  }
  return std::nullopt;
}

std::optional<CodecError> SingleRecord(const Path& base, std::span<const Record> records, const char* format) {
  if (records.size() != 1) {
    return Err(std::string(format) + " carries exactly one value, not " + std::to_string(records.size()));
  }
  if (records[0].path.depth < 3) return Err(std::string(format) + " carries a resource value, not an instance");
  if (!base.Contains(records[0].path)) return Err("record " + records[0].path.ToString() + " is not under " + base.ToString());
  return std::nullopt;
}

}  // namespace

const char* ContentFormatName(ContentFormat f) {
  switch (f) {
    case ContentFormat::kPlainText: return "text/plain";
    case ContentFormat::kCoreLinkFormat: return "application/link-format";
    case ContentFormat::kOpaque: return "application/octet-stream";
    case ContentFormat::kCbor: return "application/cbor";
    case ContentFormat::kSenmlJson: return "application/senml+json";
    case ContentFormat::kSenmlCbor: return "application/senml+cbor";
    case ContentFormat::kTlv: return "application/vnd.oma.lwm2m+tlv";
    case ContentFormat::kLwm2mJson: return "application/vnd.oma.lwm2m+json";
    case ContentFormat::kLwm2mCbor: return "application/vnd.oma.lwm2m+cbor";
  }
  return "unknown";
}

std::optional<ContentFormat> ContentFormatFromNumber(uint16_t n) {
  switch (n) {
    case 0: return ContentFormat::kPlainText;
    case 40: return ContentFormat::kCoreLinkFormat;
    case 42: return ContentFormat::kOpaque;
    case 60: return ContentFormat::kCbor;
    case 110: return ContentFormat::kSenmlJson;
    case 112: return ContentFormat::kSenmlCbor;
    case 11542: return ContentFormat::kTlv;
    case 11543: return ContentFormat::kLwm2mJson;
    case 11544: return ContentFormat::kLwm2mCbor;
    default: return std::nullopt;
  }
}

std::optional<CodecError> Decode(ContentFormat format, std::span<const uint8_t> payload, const Path& base,
                                 const TypeResolver& types, std::vector<Record>* out) {
  switch (format) {
    case ContentFormat::kPlainText:
    case ContentFormat::kOpaque:
    case ContentFormat::kCbor: {
      if (base.depth < 3) {
        return Err(std::string(ContentFormatName(format)) + " needs a resource path, not " + base.ToString());
      }
      Record r;
      std::optional<CodecError> e;
      if (format == ContentFormat::kPlainText) {
        e = DecodePlainText(payload, base, TypeAt(types, base), &r);
      } else if (format == ContentFormat::kOpaque) {
        e = DecodeOpaque(payload, base, TypeAt(types, base), &r);
      } else {
        e = DecodeCborValue(payload, base, TypeAt(types, base), &r);
      }
      if (e) return e;
      out->push_back(std::move(r));
      return std::nullopt;
    }
    case ContentFormat::kTlv: return DecodeTlv(payload, base, types, out);
    case ContentFormat::kSenmlJson:
    case ContentFormat::kSenmlCbor:
    case ContentFormat::kLwm2mCbor: {
      std::vector<Record> recs;
      std::optional<CodecError> e;
      if (format == ContentFormat::kSenmlJson) {
        e = DecodeSenmlJson(payload, types, &recs);
      } else if (format == ContentFormat::kSenmlCbor) {
        e = DecodeSenmlCbor(payload, types, &recs);
      } else {
        e = DecodeLwm2mCbor(payload, types, &recs);
      }
      if (e) return e;
      if (auto u = CheckUnder(base, recs)) return u;
      out->insert(out->end(), std::make_move_iterator(recs.begin()), std::make_move_iterator(recs.end()));
      return std::nullopt;
    }
    case ContentFormat::kCoreLinkFormat:
      return Err("link format carries links, not resource values (use ParseLinkFormat)");
    case ContentFormat::kLwm2mJson: return Err("unsupported content format: LwM2M JSON (11543)");
  }
  return Err("unsupported content format");
}

std::optional<CodecError> Encode(ContentFormat format, const Path& base, std::span<const Record> records,
                                 std::vector<uint8_t>* out) {
  switch (format) {
    case ContentFormat::kPlainText:
    case ContentFormat::kOpaque:
    case ContentFormat::kCbor: {
      if (auto e = SingleRecord(base, records, ContentFormatName(format))) return e;
      // The single-value encoders replace their output; keep Encode's
      // contract of appending.
      std::vector<uint8_t> tmp;
      std::optional<CodecError> e;
      if (format == ContentFormat::kPlainText) {
        e = EncodePlainText(records[0], &tmp);
      } else if (format == ContentFormat::kOpaque) {
        e = EncodeOpaque(records[0], &tmp);
      } else {
        e = EncodeCborValue(records[0], &tmp);
      }
      if (e) return e;
      out->insert(out->end(), tmp.begin(), tmp.end());
      return std::nullopt;
    }
    case ContentFormat::kTlv: return EncodeTlv(base, records, out);
    case ContentFormat::kSenmlJson: return EncodeSenmlJson(base, records, out);
    case ContentFormat::kSenmlCbor: return EncodeSenmlCbor(base, records, out);
    case ContentFormat::kLwm2mCbor: return EncodeLwm2mCbor(base, records, out);
    case ContentFormat::kCoreLinkFormat:
      return Err("link format carries links, not resource values (use FormatLinkFormat)");
    case ContentFormat::kLwm2mJson: return Err("unsupported content format: LwM2M JSON (11543)");
  }
  return Err("unsupported content format");
}

}  // namespace lwcl::lwm2m
