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
  if (!coap.packages) {
    coap.packages = [self](std::string_view name) -> std::shared_ptr<const std::vector<uint8_t>> {
      std::lock_guard lock(self->packages_mutex_);
      auto it = self->packages_.find(std::string(name));
      return it == self->packages_.end() ? nullptr : it->second;
    };
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
    return self->TakeSend(endpoint, records);
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
  std::lock_guard lock(tickers_mutex_);
  for (auto& [handle, tick] : tickers_) tick(lwm2m_->Now());
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

void Service::OfferPackage(const std::string& name, std::shared_ptr<const std::vector<uint8_t>> bytes) {
  std::lock_guard lock(packages_mutex_);
  packages_[name] = std::move(bytes);
}

void Service::WithdrawPackage(const std::string& name) {
  std::lock_guard lock(packages_mutex_);
  packages_.erase(name);
}

std::string Service::PackageUri(const std::string& endpoint, const std::string& name) const {
  const Registration* r = lwm2m_->registrations().FindEndpoint(endpoint);
  if (r == nullptr) return {};
  const std::string host = options_.package_host.empty() ? options_.coap.address : options_.package_host;
  const bool secure = r->secure && lwm2m_->dtls_port() != 0;
  return std::string(secure ? "coaps://" : "coap://") + host + ":" +
         std::to_string(secure ? lwm2m_->dtls_port() : lwm2m_->udp_port()) + "/pkg/" + name;
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

}  // namespace lwcl::server
