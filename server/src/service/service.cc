#include "server/service.h"

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

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A failure that retrying cannot fix (the store refuses the data itself).
bool Permanent(const store::Status& st) { return st.code() == store::ErrorCode::kInvalid; }

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
    coap.psk_lookup = [self](std::string_view identity) { return self->PskFor(identity); };
  }
  ServerEvents events;
  events.authorize = [self](const std::string& endpoint, const std::string& identity) {
    return self->Authorize(endpoint, identity);
  };
  events.on_registered = [self](const Registration& r) {
    self->SaveRegistration(r);
    self->RecordEvent(r.endpoint, store::event_kind::kRegistered, RegistrationJson(r));
    // After the 2.01 has gone out (the next loop turn), not inside the Register.
    if (!self->options_.observe_on_register.empty()) self->Post([self, r] { self->ObserveOnRegister(r); });
    if (r.object_links.find("</33651/0>") != std::string::npos) {
      self->Post([self, endpoint = r.endpoint] { self->LearnModelVersion(endpoint); });
    }
  };
  events.on_updated = [self](const Registration& r) {
    self->SaveRegistration(r);
    self->RecordEvent(r.endpoint, store::event_kind::kUpdated, RegistrationJson(r));
  };
  events.on_deregistered = [self](const Registration& r, DeregisterReason why) {
    if (why != DeregisterReason::kReplaced) self->DeleteRegistration(r.endpoint);
    self->RecordEvent(r.endpoint,
                      why == DeregisterReason::kExpired ? store::event_kind::kLost : store::event_kind::kDeregistered,
                      std::string(R"({"reason":")") + DeregisterReasonName(why) + "\"}");
  };
  events.on_notify = [self](uint64_t id, const std::string& endpoint, const DeviceResponse& r) {
    {
      std::lock_guard lock(self->stats_mutex_);
      ++self->stats_.notifications;
    }
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
    {
      std::lock_guard lock(self->stats_mutex_);
      ++self->stats_.sends;
    }
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
      if (info.request.op == Operation::kObserveComposite) info.request.format = info.request.accept;
    }
    info.token = o.token;
    if (info.request.paths.size() == 1) s->observed_paths_.insert(info.endpoint + " " + info.request.paths[0].ToString());
    s->lwm2m_->RestoreObservation(info);
    s->stored_observation_[info.id] = o.id;
  }
  if (!s->lwm2m_->Start(error)) return nullptr;
  if (options.bootstrap && !s->StartBootstrap(error)) return nullptr;
  return s;
}

bool Service::StartBootstrap(std::string* error) {
  BootstrapOptions bs = *options_.bootstrap;
  if (bs.dtls_port && !bs.psk_lookup) {
    bs.psk_lookup = [this](std::string_view identity) { return PskFor(identity); };
  }
  BootstrapEvents events;
  events.provision = [this](const std::string& endpoint) { return Provision(endpoint); };
  events.authorize = [this](const std::string& endpoint, const std::string& identity) {
    if (!identity.empty()) return Authorize(endpoint, identity);
    return options_.bootstrap_allow_nosec || store_->GetCredential(endpoint).ok();
  };
  events.on_outcome = [this](const BootstrapOutcome& o) {
    std::string detail = R"({"step":")" + JsonEscape(o.step) + R"(","peer":")" + JsonEscape(o.peer) + "\"";
    if (o.code) detail += R"(,"code":")" + lwm2m::CoapCodeText(*o.code) + "\"";
    if (o.timed_out) detail += R"(,"timed_out":true)";
    if (!o.reason.empty()) detail += R"(,"reason":")" + JsonEscape(o.reason) + "\"";
    detail += "}";
    RecordEvent(o.endpoint, o.ok ? "bootstrap_finished" : "bootstrap_failed", detail);
  };
  bootstrap_ = std::make_unique<BootstrapServer>(bs, events);
  if (!bootstrap_->Start(error)) {
    *error = "bootstrap server: " + *error;
    return false;
  }
  return true;
}

std::optional<BootstrapConfig> Service::Provision(const std::string& endpoint) {
  const std::string& host = options_.coap.address;
  BootstrapConfig c;
  c.lifetime_s = options_.bootstrap_lifetime_s;
  store::Result<store::Credential> cred = store_->GetCredential(endpoint);
  if (cred.ok() && lwm2m_->dtls_port() != 0) {
    c.server_uri = "coaps://" + host + ":" + std::to_string(lwm2m_->dtls_port());
    c.psk_identity = cred->psk_identity;
    c.psk_key = cred->psk_key;
    return c;
  }
  if (!options_.bootstrap_allow_nosec) return std::nullopt;
  c.server_uri = "coap://" + host + ":" + std::to_string(lwm2m_->udp_port());
  return c;
}

Service::~Service() {
  if (buffer_) Flush();
}

std::unique_ptr<store::Store> Service::OpenReader(std::string* error) const {
  return store::OpenStore(options_.database, error);
}

void Service::Step(uint32_t timeout_ms) {
  lwm2m_->Step(timeout_ms);
  if (bootstrap_) bootstrap_->Step(0);
  const store::TimeMs now = NowMs(lwm2m_->Now());
  buffer_->MaybeFlush(now);
  if (Backlog()) RetryStore(false);
  PublishBacklog();
}

bool Service::Flush() {
  const bool values = buffer_->Flush(NowMs(lwm2m_->Now())).ok();
  RetryStore(true);
  PublishBacklog();
  return values && !Backlog();
}

bool Service::Backlog() const {
  return !unsent_events_.empty() || !unsaved_registrations_.empty() || !unsaved_observations_.empty();
}

void Service::StoreFailed(const store::Status& status) {
  std::lock_guard lock(stats_mutex_);
  ++stats_.store_errors;
  stats_.last_store_error = status.message();
  if (!Permanent(status)) {
    stats_.store_ok = false;
    stats_.store_error = status.message();
  }
}

void Service::StoreSucceeded() {
  std::lock_guard lock(stats_mutex_);
  stats_.store_ok = true;
  stats_.store_error.clear();
}

bool Service::WriteRegistration(const std::string& endpoint, const std::optional<Registration>& r) {
  const store::Status st = r ? store_->PutRegistration(ToStored(*r)) : store_->DeleteRegistration(endpoint);
  if (st.ok() || (!r && st.code() == store::ErrorCode::kNotFound)) {
    StoreSucceeded();
    return true;
  }
  StoreFailed(st);
  return Permanent(st);  // a refused one would fail forever: give it up (counted)
}

bool Service::WriteObservation(uint64_t id, const std::optional<ObservationInfo>& info) {
  auto it = stored_observation_.find(id);
  if (it != stored_observation_.end()) {
    const store::Status st = store_->RemoveObservation(it->second);
    if (!st.ok() && st.code() != store::ErrorCode::kNotFound) {
      StoreFailed(st);
      return Permanent(st);
    }
    stored_observation_.erase(it);
  }
  if (!info) {
    StoreSucceeded();
    return true;
  }
  store::Observation o;
  o.endpoint = info->endpoint;
  for (const lwm2m::Path& p : info->request.paths) o.paths.push_back(p.ToString());
  o.token = info->token;
  o.content_format = info->request.accept ? static_cast<int32_t>(*info->request.accept) : -1;
  o.created_ms = NowMs(lwm2m_->Now());
  store::Result<int64_t> stored = store_->AddObservation(o);
  if (!stored.ok()) {
    StoreFailed(stored.status());
    return Permanent(stored.status());
  }
  StoreSucceeded();
  stored_observation_[id] = *stored;
  return true;
}

// While something waits, the database is known to be away: new changes
// queue behind it (in order) instead of each trying, and perhaps stalling
// the loop on, a connection that is not there.
void Service::SaveRegistration(const Registration& r) {
  if (Backlog() || !WriteRegistration(r.endpoint, r)) unsaved_registrations_[r.endpoint] = r;
}

void Service::DeleteRegistration(const std::string& endpoint) {
  if (Backlog() || !WriteRegistration(endpoint, std::nullopt)) unsaved_registrations_[endpoint] = std::nullopt;
}

void Service::ObserveOnRegister(const Registration& r) {
  for (const std::string& text : options_.observe_on_register) {
    const std::optional<lwm2m::Path> path = lwm2m::Path::Parse(text);
    if (!path || path->depth == 0) continue;
    // Only when the device has the object: "</33650/0>" or "</33650>".
    const std::string object = "</" + std::to_string(path->object());
    if (r.object_links.find(object + "/") == std::string::npos && r.object_links.find(object + ">") == std::string::npos) {
      continue;
    }
    if (!observed_paths_.insert(r.endpoint + " " + path->ToString()).second) continue;
    DeviceRequest request;
    request.op = Operation::kObserve;
    request.paths = {*path};
    Observe(r.endpoint, request, [](const DeviceResponse&) {});
  }
}

void Service::LearnModelVersion(const std::string& endpoint) {
  DeviceRequest read;
  read.op = Operation::kRead;
  read.paths = {lwm2m::Path::Instance(33651, 0)};
  Request(endpoint, read, [this, endpoint](const DeviceResponse& r) {
    if (!lwm2m::IsSuccess(r.code)) return;
    std::string name, version;
    for (const lwm2m::Record& rec : r.records) {
      const auto* text = std::get_if<std::string>(&rec.value);
      if (text == nullptr) continue;
      if (rec.path == lwm2m::Path::Resource(33651, 0, 0)) name = *text;
      if (rec.path == lwm2m::Path::Resource(33651, 0, 1)) version = *text;
    }
    if (version.empty()) return;
    store::Result<store::Device> device = store_->GetDevice(endpoint);
    if (!device.ok()) return;  // best effort: the next registration tries again
    store::Device updated = *device;
    updated.model_version = name.empty() ? version : name + " " + version;
    if (updated.model_version == device->model_version) return;
    if (store::Status st = store_->PutDevice(updated); !st.ok()) StoreFailed(st);
  });
}

void Service::SaveObservation(const ObservationInfo& info, bool ended) {
  if (info.request.paths.size() == 1) {
    const std::string key = info.endpoint + " " + info.request.paths[0].ToString();
    if (ended) {
      observed_paths_.erase(key);
    } else {
      observed_paths_.insert(key);
    }
  }
  std::optional<ObservationInfo> what;
  if (!ended) what = info;
  if (Backlog() || !WriteObservation(info.id, what)) unsaved_observations_[info.id] = std::move(what);
}

void Service::RetryStore(bool force) {
  const double now = lwm2m_->Now();
  if (!force && now < retry_at_s_) return;
  bool failed = false;
  for (auto it = unsaved_registrations_.begin(); !failed && it != unsaved_registrations_.end();) {
    if (WriteRegistration(it->first, it->second)) {
      it = unsaved_registrations_.erase(it);
    } else {
      failed = true;
    }
  }
  for (auto it = unsaved_observations_.begin(); !failed && it != unsaved_observations_.end();) {
    if (WriteObservation(it->first, it->second)) {
      it = unsaved_observations_.erase(it);
    } else {
      failed = true;
    }
  }
  size_t done = 0;
  for (; !failed && done < unsent_events_.size(); ++done) {
    store::Result<int64_t> id = store_->AppendEvent(unsent_events_[done]);
    if (id.ok()) {
      StoreSucceeded();
      continue;
    }
    StoreFailed(id.status());
    if (Permanent(id.status())) {
      std::lock_guard lock(stats_mutex_);
      ++stats_.rejected_events;
      continue;
    }
    failed = true;
    break;
  }
  unsent_events_.erase(unsent_events_.begin(), unsent_events_.begin() + static_cast<std::ptrdiff_t>(done));
  if (failed) {
    // The same back-off as the sample buffer's.
    const double min_s = static_cast<double>(options_.buffer.min_retry_ms) / 1000.0;
    const double max_s = std::max(min_s, static_cast<double>(options_.buffer.max_retry_ms) / 1000.0);
    backoff_s_ = std::clamp(backoff_s_ * 2, min_s, max_s);
    retry_at_s_ = now + backoff_s_;
  } else {
    backoff_s_ = 0;
    retry_at_s_ = 0;
  }
}

std::optional<std::vector<uint8_t>> Service::PskFor(std::string_view identity) {
  const std::string id(identity);
  auto known = known_credentials_.find(id);
  bool store_ok = true;
  {
    std::lock_guard lock(stats_mutex_);
    store_ok = stats_.store_ok;
  }
  // The store is the truth (a key deleted there is refused at once), but
  // while it is away, keys already seen still open the door.
  if (!store_ok && known != known_credentials_.end()) return known->second.psk_key;
  store::Result<store::Credential> c = store_->FindCredentialByIdentity(id);
  if (c.ok()) {
    known_credentials_[id] = *c;
    return c->psk_key;
  }
  if (c.status().code() == store::ErrorCode::kNotFound) {
    if (known != known_credentials_.end()) known_credentials_.erase(known);
    return std::nullopt;
  }
  if (known != known_credentials_.end()) return known->second.psk_key;
  return std::nullopt;
}

bool Service::Authorize(const std::string& endpoint, const std::string& identity) {
  if (identity.empty()) return true;  // NoSec: the UDP endpoint is for trusted networks
  std::optional<store::Credential> c;
  store::Result<store::Credential> found = store_->FindCredentialByIdentity(identity);
  if (found.ok()) {
    c = *found;
  } else if (found.status().code() != store::ErrorCode::kNotFound) {
    if (auto known = known_credentials_.find(identity); known != known_credentials_.end()) c = known->second;
  }
  if (c && c->endpoint == endpoint) return true;  // a key may only register its own endpoint
  // Someone holding a valid key tried to be another device: worth a trace.
  RecordEvent(endpoint, "refused",
              R"({"identity":")" + JsonEscape(identity) + R"(","reason":")" +
                  (c ? "the identity belongs to another endpoint" : "unknown identity") + "\"}");
  return false;
}

void Service::Request(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback done) {
  const double started = SteadySeconds();
  lwm2m_->Request(endpoint, request,
                  [this, endpoint, op = request.op, paths = request.paths, started,
                   done = std::move(done)](const DeviceResponse& r) {
                    RecordRequest(endpoint, OperationName(op), paths, r, started, 0);
                    if (done) done(r);
                  });
}

uint64_t Service::Observe(const std::string& endpoint, const DeviceRequest& request, Lwm2mServer::Callback first) {
  const double started = SteadySeconds();
  // The first answer may come synchronously (before Observe returns the id).
  auto id = std::make_shared<uint64_t>(0);
  auto answer = std::make_shared<std::optional<DeviceResponse>>();
  auto finish = [this, endpoint, op = request.op, paths = request.paths, started, id, first = std::move(first)](
                    const DeviceResponse& r) {
    if (!r.timed_out && r.error.empty()) RecordValues(endpoint, r.records);  // an observed value like the rest
    RecordRequest(endpoint, OperationName(op), paths, r, started, *id);
    if (first) first(r);
  };
  auto pending = std::make_shared<std::function<void(const DeviceResponse&)>>(finish);
  *id = lwm2m_->Observe(endpoint, request, [id, answer, pending](const DeviceResponse& r) {
    if (*id == 0 && !answer->has_value()) {
      // Answered before Observe returned: finish once the id is known.
      *answer = r;
      return;
    }
    (*pending)(r);
  });
  if (answer->has_value()) (*pending)(**answer);
  return *id;
}

void Service::CancelObservation(uint64_t id, Lwm2mServer::Callback done) {
  const double started = SteadySeconds();
  std::string endpoint;
  std::vector<lwm2m::Path> paths;
  for (const ObservationInfo& o : lwm2m_->Observations()) {
    if (o.id != id) continue;
    endpoint = o.endpoint;
    paths = o.request.paths;
  }
  lwm2m_->CancelObservation(id, [this, id, endpoint, paths, started, done = std::move(done)](const DeviceResponse& r) {
    RecordRequest(endpoint, "cancel", paths, r, started, id);
    if (done) done(r);
  });
}

void Service::RecordRequest(const std::string& endpoint, const std::string& operation,
                            const std::vector<lwm2m::Path>& paths, const DeviceResponse& response, double started_s,
                            uint64_t observation) {
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.requests;
  }
  std::string outcome;
  if (response.timed_out) {
    outcome = "timed_out";
  } else if (!response.error.empty() && response.payload.empty()) {
    outcome = "error";  // it never reached the device, or the device went away (see `error`)
  } else {
    outcome = lwm2m::CoapCodeText(response.code);
  }
  std::ostringstream o;
  o << R"({"operation":")" << JsonEscape(operation) << R"(","paths":[)";
  for (size_t i = 0; i < paths.size(); ++i) o << (i ? "," : "") << '"' << paths[i].ToString() << '"';
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3f", std::max(0.0, (SteadySeconds() - started_s) * 1000.0));
  o << R"(],"outcome":")" << outcome << R"(","latency_ms":)" << latency;
  if (observation != 0) o << R"(,"observation":)" << observation;
  if (response.negotiated) o << R"(,"format":")" << FormatShortName(*response.negotiated) << R"(","format_by":"server")";
  if (response.refused) {
    o << R"(,"retried_after":{"format":")" << FormatShortName(response.refused->format) << R"(","code":")"
      << lwm2m::CoapCodeText(response.refused->code) << R"("})";
  }
  if (!response.error.empty()) o << R"(,"error":")" << JsonEscape(response.error) << '"';
  o << "}";
  RecordEvent(endpoint, store::event_kind::kRequest, o.str());
}

void Service::RecordValues(const std::string& endpoint, const std::vector<lwm2m::Record>& records) {
  const store::TimeMs now = NowMs(lwm2m_->Now());
  uint64_t accepted = 0;
  for (store::Sample& s : ToSamples(endpoint, records, now)) {
    if (buffer_->Add(std::move(s), now)) ++accepted;
  }
  std::lock_guard lock(stats_mutex_);
  stats_.values += accepted;
}

void Service::RecordEvent(const std::string& endpoint, const std::string& kind, std::string detail_json) {
  store::Event e;
  e.time_ms = NowMs(lwm2m_->Now());
  if (!endpoint.empty()) e.endpoint = endpoint;
  e.kind = kind;
  e.detail_json = std::move(detail_json);
  if (!Backlog()) {
    store::Result<int64_t> id = store_->AppendEvent(e);
    if (id.ok()) {
      StoreSucceeded();
      e.id = *id;
    } else {
      StoreFailed(id.status());
      if (Permanent(id.status())) {
        std::lock_guard lock(stats_mutex_);
        ++stats_.rejected_events;
      } else {
        unsent_events_.push_back(e);  // in order, after the database returns
        retry_at_s_ = lwm2m_->Now() + std::max(backoff_s_, static_cast<double>(options_.buffer.min_retry_ms) / 1000.0);
      }
    }
  } else {
    unsent_events_.push_back(e);
  }
  PublishBacklog();
  std::lock_guard lock(listeners_mutex_);
  for (auto& [h, l] : listeners_) l(e);
}

void Service::PublishBacklog() {
  std::lock_guard lock(stats_mutex_);
  stats_.pending_events = unsent_events_.size();
  stats_.pending_writes = unsaved_registrations_.size() + unsaved_observations_.size();
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
  std::lock_guard lock(stats_mutex_);
  ServiceStats s = stats_;
  s.pending_values = buffer_->pending();
  // The buffer's writes count too: it backs off after a failed flush until
  // one succeeds (a sample refused as invalid is not an outage).
  if (s.store_ok && buffer_->retry_at_ms() != 0) {
    s.store_ok = false;
    s.store_error = buffer_->stats().last_error;
  }
  return s;
}

}  // namespace lwcl::server
