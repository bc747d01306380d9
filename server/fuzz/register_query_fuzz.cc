// Fuzzes what a client's Register/Update puts before the server: the
// Uri-Query parameters (split at '&') and the object-list payload (after the
// first '\n') with the formats its root link advertises, and the decoding
// of a device's answer in every format.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/content_negotiation.h"
#include "server/device_request.h"
#include "server/registration.h"

namespace sv = lwcl::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t nl = text.find('\n');
  const std::string_view query = text.substr(0, nl);
  std::vector<std::string> queries;
  size_t start = 0;
  while (start <= query.size()) {
    const size_t amp = query.find('&', start);
    queries.emplace_back(query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start));
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  sv::RegisterParams params;
  (void)sv::ParseRegisterQuery(queries, &params);
  if (nl != std::string_view::npos) {
    std::vector<lwcl::lwm2m::Link> links;
    (void)sv::ValidateObjectLinks(text.substr(nl + 1), &links);
    // The `ct` on the root link picks the formats every later request tries.
    const std::vector<lwcl::lwm2m::ContentFormat> advertised = sv::AdvertisedFormats(text.substr(nl + 1));
    const sv::DefaultFormats defaults = sv::DefaultsFor(advertised, params.version.value_or("1.1"));
    (void)defaults;
  }
  if (size > 1) {
    static constexpr uint16_t kFormats[] = {0, 40, 42, 60, 110, 112, 11542, 11543, 11544};
    sv::DeviceRequest request;
    request.op = data[0] & 1 ? sv::Operation::kRead : sv::Operation::kReadComposite;
    request.paths = {lwcl::lwm2m::Path::Instance(3, 0)};
    sv::DeviceResponse response;
    response.code = lwcl::lwm2m::CoapCode::kContent;
    response.content_format = kFormats[data[0] % 9];
    response.payload.assign(data + 1, data + size);
    sv::DecodeDeviceResponse(request, nullptr, &response);
  }
  return 0;
}
