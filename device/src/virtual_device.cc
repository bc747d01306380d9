#include "device/virtual_device.h"

#include <cmath>

#include "client/standard_objects.h"
#include "device/virtual_firmware.h"

namespace lwcl::device {

namespace {

// A device on DTLS-PSK pulls packages (coaps:// Package URIs) with the same
// identity and key it registers with.
VirtualDeviceOptions WithDownloadCredentials(VirtualDeviceOptions o) {
  if (o.server.dtls && !o.server.psk_key.empty() && o.slots.download.psk_key.empty()) {
    o.slots.download.psk_identity = o.server.psk_identity;
    o.slots.download.psk_key = o.server.psk_key;
  }
  return o;
}

}  // namespace

VirtualDevice::VirtualDevice(VirtualDeviceOptions options, std::unique_ptr<SensorSource> source)
    : options_(WithDownloadCredentials(std::move(options))),
      source_(std::move(source)),
      app_(options_.app),
      slots_(app_, options_.slots) {
  server_object_ = client::MakeServerObject({.short_server_id = 1,
                                             .lifetime_s = options_.lifetime_s,
                                             .binding = options_.binding});
  device_object_ = client::MakeDeviceObject({.serial_number = options_.endpoint,
                                             .firmware_version = "0.1.0",
                                             .supported_bindings = options_.binding});
  firmware_ = std::make_unique<client::FirmwareUpdateObject>(
      VirtualFirmwareHandler([this](const std::string& version) {
        device_object_->Set(0, 3, version);  // rebooted into it
        if (started_) client_->RequestUpdate();
      }),
      options_.slots.download);
  registry_.Add(server_object_.get());
  registry_.Add(device_object_.get());
  registry_.Add(firmware_.get());
  app_.Attach(registry_);
  slots_.Attach(registry_);
  // After the objects: the Client installs itself as the registry's change listener.
  client_ = std::make_unique<client::Client>(registry_);
  app_.SetSampleSender([this](std::vector<lwm2m::Path> paths, std::function<void(bool)> done) {
    return client_->Send(paths, [done = std::move(done)](std::optional<lwm2m::CoapCode> code) {
      done(code && lwm2m::IsSuccess(*code));
    });
  });
}

VirtualDevice::~VirtualDevice() = default;

std::string VirtualDevice::firmware_version() const {
  const std::optional<lwm2m::Value> v = device_object_->Get(0, 3);
  const std::string* s = v ? std::get_if<std::string>(&*v) : nullptr;
  return s != nullptr ? *s : std::string();
}

bool VirtualDevice::LoadModel(std::span<const uint8_t> package, std::string* error) {
  // The first model boots the slots (a state directory may hold a newer
  // one, delivered over /9 before a restart); later ones replace it directly.
  const bool ok = booted_ ? app_.LoadModel(package, error) : slots_.Boot(package, error);
  if (!ok) return false;
  booted_ = true;
  if (app_.TakeObjectListChanged() && started_) client_->RequestUpdate();
  return true;
}

void VirtualDevice::SetClock(std::function<double()> clock) { client_->SetClock(std::move(clock)); }

bool VirtualDevice::Start(std::string* error) {
  if (!app_.detector().loaded()) {
    if (error) *error = options_.endpoint + ": no model loaded";
    return false;
  }
  if (!options_.state_file.empty() && !client_->SetStateFile(options_.state_file, error)) return false;
  client::RegistrationConfig config;
  config.endpoint = options_.endpoint;
  config.lifetime_s = options_.lifetime_s;
  config.binding = options_.binding;
  if (!client_->Connect(options_.server, config)) {
    if (error) *error = options_.endpoint + ": cannot reach " + options_.server.host + ":" +
                        std::to_string(options_.server.port) + (options_.server.dtls ? " (DTLS)" : "");
    return false;
  }
  app_.TakeObjectListChanged();  // the Register carries the list as it is now
  started_ = true;
  start_time_ = client_->Now();
  return true;
}

void VirtualDevice::FeedSamples() {
  if (!started_ || source_ended_) return;
  const double elapsed = client_->Now() - start_time_;
  if (elapsed <= 0) return;
  const auto due = static_cast<uint64_t>(std::floor(elapsed * static_cast<double>(source_->rate_hz())));
  Sample s{};
  while (samples_fed_ < due) {
    if (!source_->Next(&s)) {
      source_ended_ = true;
      break;
    }
    slots_.Push(s);
    ++samples_fed_;
  }
}

void VirtualDevice::Step(uint32_t timeout_ms) {
  FeedSamples();
  slots_.Poll();
  firmware_->Poll();
  if (app_.TakeObjectListChanged() && started_) client_->RequestUpdate();
  client_->Step(timeout_ms);
}

void VirtualDevice::Deregister() {
  if (started_) client_->Deregister();
}

bool VirtualDevice::deregistered() const {
  if (!started_ || client_->registration() == nullptr) return true;
  return client_->registration()->state() == client::RegistrationState::kDeregistered;
}

}  // namespace lwcl::device
