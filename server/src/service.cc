#include "server/service.h"

#include <chrono>
#include <cmath>
#include <sstream>

#include "lwm2m/senml.h"
#include "store/open_store.h"

namespace lwcl::server {

namespace {

store::TimeMs NowMs(double seconds) { return static_cast<store::TimeMs>(std::llround(seconds * 1000.0)); }

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string RegistrationJson(const Registration& r) {
  std::ostringstream o;
  o << R"({"location":")" << JsonEscape(r.location) << R"(","lifetime":)" << r.lifetime_s << R"(,"binding":")"
    << JsonEscape(r.binding) << R"(","version":")" << JsonEscape(r.version) << R"(","peer":")"
    << JsonEscape(r.peer) << R"(","secure":)" << (r.secure ? "true" : "false") << "}";
  return o.str();
}

}  // namespace

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

std::unique_ptr<Service> Service::Open(const ServiceOptions& options, std::string* error) {
  std::unique_ptr<Service> s(new Service());
  s->options_ = options;
  s->store_ = store::OpenStore(options.database, error);
  if (!s->store_) return nullptr;
  s->buffer_ = std::make_unique<store::SampleBuffer>(*s->store_, options.buffer);

  Service* self = s.get();
  ServerOptions coap = options.coap;
  if (coap.dtls_port && !coap.psk_lookup) {
    // DTLS identities and keys come from the store; unknown ones are refused.
    coap.psk_lookup = [self](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
      store::Result<store::Credential> c = self->store_->FindCredentialByIdentity(std::string(identity));
      if (!c.ok()) return std::nullopt;
      return c->psk_key;
    };
  }
  ServerEvents events;
  events.authorize = [self](const std::string& endpoint, const std::string& identity) {
    if (identity.empty()) return true;  // NoSec: the UDP endpoint is for trusted networks
    store::Result<store::Credential> c = self->store_->FindCredentialByIdentity(identity);
    return c.ok() && c->endpoint == endpoint;  // a key may only register its own endpoint
  };
  events.on_registered = [self](const Registration& r) {
    self->SaveRegistration(r);
    self->RecordEvent(r.endpoint, store::event_kind::kRegistered, RegistrationJson(r));
  };
  events.on_updated = [self](const Registration& r) {
    self->SaveRegistration(r);
    self->RecordEvent(r.endpoint, store::event_kind::kUpdated, RegistrationJson(r));
  };
  events.on_deregistered = [self](const Registration& r, DeregisterReason why) {
    if (why != DeregisterReason::kReplaced) {
      store::Status st = self->store_->DeleteRegistration(r.endpoint);
      if (!st.ok() && st.code() != store::ErrorCode::kNotFound) {
        ++self->stats_.store_errors;
        self->stats_.last_store_error = st.message();
      }
    }
    self->RecordEvent(r.endpoint,
                      why == DeregisterReason::kExpired ? store::event_kind::kLost : store::event_kind::kDeregistered,
                      std::string(R"({"reason":")") + DeregisterReasonName(why) + "\"}");
  };
  events.on_notify = [self](uint64_t id, const std::string& endpoint, const DeviceResponse& r) {
    ++self->stats_.notifications;
    self->RecordValues(endpoint, r.records);
    // Notifications are values, not events: the time series holds them. The
    // live stream still hears of them.
    store::Event e;
    e.time_ms = NowMs(self->lwm2m_->Now());
    e.endpoint = endpoint;
    e.kind = store::event_kind::kNotification;
    e.detail_json = R"({"observation":)" + std::to_string(id) + R"(,"values":)" + std::to_string(r.records.size()) + "}";
    std::lock_guard lock(self->listeners_mutex_);
    for (auto& [h, l] : self->listeners_) l(e);
  };
  events.on_send = [self](const std::string& endpoint, const std::vector<lwm2m::Record>& records) {
    ++self->stats_.sends;
    self->RecordValues(endpoint, records);
    self->RecordEvent(endpoint, store::event_kind::kSend, R"({"values":)" + std::to_string(records.size()) + "}");
  };
  events.on_observation = [self](const ObservationInfo& info, bool ended) { self->SaveObservation(info, ended); };
  s->lwm2m_ = std::make_unique<Lwm2mServer>(coap, events);

  // Put back what the last run left.
  store::Result<std::vector<store::Registration>> regs = s->store_->ListRegistrations();
  if (!regs.ok()) {
    *error = "cannot read registrations: " + regs.status().message();
    return nullptr;
  }
  for (const store::Registration& r : *regs) s->lwm2m_->RestoreRegistration(FromStored(r));
  store::Result<std::vector<store::Observation>> observations = s->store_->ListObservations("");
  if (!observations.ok()) {
    *error = "cannot read observations: " + observations.status().message();
    return nullptr;
  }
  for (const store::Observation& o : *observations) {
    ObservationInfo info;
    info.id = static_cast<uint64_t>(o.id);
    info.endpoint = o.endpoint;
    info.request.op = o.paths.size() == 1 ? Operation::kObserve : Operation::kObserveComposite;
    for (const std::string& p : o.paths) {
      if (auto path = lwm2m::Path::Parse(p)) info.request.paths.push_back(*path);
    }
    if (o.content_format >= 0) {
      info.request.accept = lwm2m::ContentFormatFromNumber(static_cast<uint16_t>(o.content_format));
    }
    info.token = o.token;
    s->lwm2m_->RestoreObservation(info);
    s->stored_observation_[info.id] = o.id;
  }
  if (!s->lwm2m_->Start(error)) return nullptr;
  return s;
}

Service::~Service() {
  if (buffer_) Flush();
}

std::unique_ptr<store::Store> Service::OpenReader(std::string* error) const {
  return store::OpenStore(options_.database, error);
}

void Service::Step(uint32_t timeout_ms) {
  lwm2m_->Step(timeout_ms);
  const store::TimeMs now = NowMs(lwm2m_->Now());
  buffer_->MaybeFlush(now);
  if (!unsent_events_.empty()) RetryEvents();
}

bool Service::Flush() {
  const bool values = buffer_->Flush(NowMs(lwm2m_->Now())).ok();
  RetryEvents();
  return values && unsent_events_.empty();
}

void Service::SaveRegistration(const Registration& r) {
  store::Status st = store_->PutRegistration(ToStored(r));
  if (!st.ok()) {
    ++stats_.store_errors;
    stats_.last_store_error = st.message();
  }
}

void Service::SaveObservation(const ObservationInfo& info, bool ended) {
  auto it = stored_observation_.find(info.id);
  if (it != stored_observation_.end()) {
    store_->RemoveObservation(it->second);
    stored_observation_.erase(it);
  }
  if (ended) return;
  store::Observation o;
  o.endpoint = info.endpoint;
  for (const lwm2m::Path& p : info.request.paths) o.paths.push_back(p.ToString());
  o.token = info.token;
  o.content_format = info.request.accept ? static_cast<int32_t>(*info.request.accept) : -1;
  o.created_ms = NowMs(lwm2m_->Now());
  store::Result<int64_t> id = store_->AddObservation(o);
  if (!id.ok()) {
    ++stats_.store_errors;
    stats_.last_store_error = id.status().message();
    return;
  }
  stored_observation_[info.id] = *id;
}

uint64_t Service::Observe(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback first) {
  return lwm2m_->Observe(endpoint, request, std::move(first));
}

void Service::CancelObservation(uint64_t id, Lwm2mServer::Callback done) {
  lwm2m_->CancelObservation(id, std::move(done));
}

void Service::RecordValues(const std::string& endpoint, const std::vector<lwm2m::Record>& records) {
  const store::TimeMs now = NowMs(lwm2m_->Now());
  for (store::Sample& s : ToSamples(endpoint, records, now)) {
    if (buffer_->Add(std::move(s), now)) ++stats_.values;
  }
}

void Service::RecordEvent(const std::string& endpoint, const std::string& kind, std::string detail_json) {
  store::Event e;
  e.time_ms = NowMs(lwm2m_->Now());
  if (!endpoint.empty()) e.endpoint = endpoint;
  e.kind = kind;
  e.detail_json = std::move(detail_json);
  if (unsent_events_.empty()) {
    store::Result<int64_t> id = store_->AppendEvent(e);
    if (id.ok()) {
      e.id = *id;
    } else {
      ++stats_.store_errors;
      stats_.last_store_error = id.status().message();
      unsent_events_.push_back(e);  // in order, after the database returns
    }
  } else {
    unsent_events_.push_back(e);
  }
  std::lock_guard lock(listeners_mutex_);
  for (auto& [h, l] : listeners_) l(e);
}

void Service::RetryEvents() {
  size_t done = 0;
  for (; done < unsent_events_.size(); ++done) {
    if (!store_->AppendEvent(unsent_events_[done]).ok()) break;
  }
  unsent_events_.erase(unsent_events_.begin(), unsent_events_.begin() + static_cast<std::ptrdiff_t>(done));
}

uint64_t Service::Subscribe(std::function<void(const store::Event&)> listener) {
  std::lock_guard lock(listeners_mutex_);
  const uint64_t h = next_listener_++;
  listeners_[h] = std::move(listener);
  return h;
}

void Service::Unsubscribe(uint64_t handle) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(handle);
}

ServiceStats Service::stats() const {
  ServiceStats s = stats_;
  s.pending_values = buffer_->pending();
  s.pending_events = unsent_events_.size();
  return s;
}

}  // namespace lwcl::server
