#include "client/content_formats.h"

#include <algorithm>
#include <string>

namespace lwcl::client {

using lwm2m::ContentFormat;

namespace {

bool CarriesSeveral(ContentFormat f) {
  return f == ContentFormat::kTlv || f == ContentFormat::kSenmlJson || f == ContentFormat::kSenmlCbor ||
         f == ContentFormat::kLwm2mCbor;
}

}  // namespace

bool ContentFormats::Supports(uint16_t number) const {
  const std::optional<ContentFormat> f = lwm2m::ContentFormatFromNumber(number);
  // Link format is not a data format; the 1.0 JSON format is not implemented.
  if (!f || *f == ContentFormat::kLwm2mJson || *f == ContentFormat::kCoreLinkFormat) return false;
  if (*f == ContentFormat::kPlainText || *f == ContentFormat::kOpaque) return true;
  return supported.empty() || std::find(supported.begin(), supported.end(), *f) != supported.end();
}

ContentFormat ContentFormats::DefaultFor(bool single_value, bool opaque) const {
  if (single_value) return opaque ? ContentFormat::kOpaque : ContentFormat::kPlainText;
  for (ContentFormat f : advertised) {
    if (CarriesSeveral(f) && Supports(static_cast<uint16_t>(f))) return f;
  }
  for (ContentFormat f : {ContentFormat::kSenmlCbor, ContentFormat::kTlv, ContentFormat::kSenmlJson,
                          ContentFormat::kLwm2mCbor}) {
    if (Supports(static_cast<uint16_t>(f))) return f;
  }
  // None that carries several: the answer cannot be encoded, and says so (4.06).
  return ContentFormat::kPlainText;
}

std::optional<lwm2m::Link> ContentFormats::RootLink() const {
  if (advertised.empty()) return std::nullopt;
  std::string ct;
  for (ContentFormat f : advertised) ct += (ct.empty() ? "" : " ") + std::to_string(static_cast<uint16_t>(f));
  lwm2m::Link root = lwm2m::LinkTo(lwm2m::Path::Root());
  root.attributes.push_back({"rt", "oma.lwm2m", true});
  root.attributes.push_back({"ct", ct, false});  // several numbers need quotes; the formatter adds them
  return root;
}

}  // namespace lwcl::client
