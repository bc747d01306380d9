// LwM2M records and registrations <-> the store's samples and rows.
#include "server/service.h"

#include "service_helpers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <variant>

#include "lwm2m/senml.h"
#include "server/json_values.h"
#include "store/open_store.h"


namespace lwcl::server {

std::vector<store::Sample> ToSamples(const std::string& endpoint, const std::vector<lwm2m::Record>& records,
                                     store::TimeMs now_ms) {
  std::vector<store::Sample> out;
  out.reserve(records.size());
  for (const lwm2m::Record& r : records) {
    if (std::holds_alternative<std::monostate>(r.value)) continue;
    store::Sample s;
    s.endpoint = endpoint;
    s.path = r.path.ToString();
    // A SenML time stamps when the device measured it (Send carries them).
    s.time_ms = r.time ? NowMs(*r.time) : now_ms;
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            s.type = store::ValueType::kString;
            s.text = v;
          } else if constexpr (std::is_same_v<T, int64_t>) {
            s.type = store::ValueType::kInteger;
            s.number = static_cast<double>(v);
          } else if constexpr (std::is_same_v<T, uint64_t>) {
            s.type = store::ValueType::kUnsignedInteger;
            s.number = static_cast<double>(v);
          } else if constexpr (std::is_same_v<T, double>) {
            s.type = store::ValueType::kFloat;
            s.number = v;
          } else if constexpr (std::is_same_v<T, bool>) {
            s.type = store::ValueType::kBoolean;
            s.number = v ? 1.0 : 0.0;
          } else if constexpr (std::is_same_v<T, lwm2m::Opaque>) {
            s.type = store::ValueType::kOpaque;
            s.blob = v;
          } else if constexpr (std::is_same_v<T, lwm2m::Time>) {
            s.type = store::ValueType::kTime;
            s.number = static_cast<double>(v.seconds);
          } else if constexpr (std::is_same_v<T, lwm2m::Objlnk>) {
            s.type = store::ValueType::kObjlnk;
            s.text = lwm2m::ObjlnkText(v);
          } else if constexpr (std::is_same_v<T, lwm2m::CoreLnk>) {
            s.type = store::ValueType::kCoreLnk;
            s.text = v.text;
          }
        },
        r.value);
    out.push_back(std::move(s));
  }
  return out;
}

store::Registration ToStored(const Registration& r) {
  store::Registration s;
  s.endpoint = r.endpoint;
  s.location = r.location;
  s.lifetime_s = r.lifetime_s;
  // The store has no queue flag of its own: the 1.1 `Q` parameter is kept
  // in the binding, where 1.0 put it anyway.
  s.binding = r.binding;
  if (r.queue_mode && s.binding.find('Q') == std::string::npos) s.binding += 'Q';
  s.lwm2m_version = r.version;
  s.object_links = r.object_links;
  s.peer_address = (r.secure ? "dtls:" : "") + r.peer;
  s.registered_at_ms = NowMs(r.registered_at);
  s.updated_at_ms = NowMs(r.updated_at);
  return s;
}

Registration FromStored(const store::Registration& s) {
  Registration r;
  r.endpoint = s.endpoint;
  r.location = s.location;
  r.lifetime_s = s.lifetime_s;
  r.binding = s.binding;
  r.queue_mode = s.binding.find('Q') != std::string::npos;
  r.version = s.lwm2m_version;
  r.object_links = s.object_links;
  r.secure = s.peer_address.rfind("dtls:", 0) == 0;
  r.peer = r.secure ? s.peer_address.substr(5) : s.peer_address;
  r.registered_at = static_cast<double>(s.registered_at_ms) / 1000.0;
  r.updated_at = static_cast<double>(s.updated_at_ms) / 1000.0;
  return r;
}

}  // namespace lwcl::server
