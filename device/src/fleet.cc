#include "device/fleet.h"

#include <algorithm>
#include <chrono>

namespace lwcl::device {
namespace {

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<uint8_t> DerivePskKey(const std::vector<uint8_t>& base, size_t index) {
  std::vector<uint8_t> key = base;
  const auto i = static_cast<uint32_t>(index);
  key.push_back(static_cast<uint8_t>(i >> 24));
  key.push_back(static_cast<uint8_t>(i >> 16));
  key.push_back(static_cast<uint8_t>(i >> 8));
  key.push_back(static_cast<uint8_t>(i));
  return key;
}

Fleet::Fleet(FleetOptions options) : options_(std::move(options)) {}

Fleet::~Fleet() { Stop(); }

bool Fleet::Start(std::string* error) {
  if (running_) return true;
  if (!options_.make_source) {
    if (error) *error = "fleet: no sensor source factory";
    return false;
  }
  const size_t threads = std::max<size_t>(1, std::min(options_.threads, std::max<size_t>(1, options_.devices)));
  slots_.clear();
  for (size_t t = 0; t < threads; ++t) slots_.push_back(std::make_unique<Slot>());
  const double now = SteadySeconds();
  for (size_t i = 0; i < options_.devices; ++i) {
    VirtualDeviceOptions o;
    o.endpoint = options_.prefix + std::to_string(i);
    o.server = options_.server;
    if (o.server.dtls) {
      o.server.psk_identity.assign(o.endpoint.begin(), o.endpoint.end());
      if (options_.psk_key) o.server.psk_key = options_.psk_key(i);
    }
    o.lifetime_s = options_.lifetime_s;
    o.app = options_.app;
    o.slots.fleet_key = options_.fleet_key;
    if (!options_.slots_dir.empty()) o.slots.state_dir = options_.slots_dir + "/" + o.endpoint;
    std::unique_ptr<SensorSource> source = options_.make_source(i, options_.seed + i);
    if (!source) {
      if (error) *error = o.endpoint + ": no sensor source";
      return false;
    }
    auto device = std::make_unique<VirtualDevice>(std::move(o), std::move(source));
    if (!device->LoadModel(options_.model, error)) return false;
    Slot& slot = *slots_[i % threads];
    slot.devices.push_back(std::move(device));
    const double spread =
        options_.devices == 0 ? 0.0 : options_.start_spread_s * static_cast<double>(i) / static_cast<double>(options_.devices);
    slot.start_at.push_back(now + spread);
  }
  stopping_ = false;
  for (auto& slot : slots_) {
    Slot* s = slot.get();
    s->thread = std::thread([this, s] { Run(s); });
  }
  running_ = true;
  return true;
}

void Fleet::Run(Slot* slot) {
  std::vector<bool> started(slot->devices.size(), false);
  bool deregistering = false;
  for (;;) {
    const double now = SteadySeconds();
    if (stopping_ && !deregistering) {
      for (size_t i = 0; i < slot->devices.size(); ++i) {
        if (started[i]) slot->devices[i]->Deregister();
      }
      deregistering = true;
    }
    size_t registered = 0;
    size_t done = 0;
    uint64_t detections = 0;
    uint64_t samples = 0;
    for (size_t i = 0; i < slot->devices.size(); ++i) {
      VirtualDevice& d = *slot->devices[i];
      if (!started[i]) {
        if (deregistering) {
          ++done;
          continue;
        }
        if (now < slot->start_at[i]) continue;
        std::string error;
        started[i] = d.Start(&error);  // a failure leaves it idle (counted as not registered)
        if (!started[i]) {
          slot->start_at[i] = now + 5.0;  // try again later
          continue;
        }
      }
      d.Step(0);
      if (d.registered()) ++registered;
      if (deregistering && d.deregistered()) ++done;
      detections += d.app().detector().total_detections();
      samples += d.samples_fed();
    }
    slot->registered = registered;
    slot->detections = detections;
    slot->samples = samples;
    if (deregistering) {
      slot->deregistered = done;
      if (done == slot->devices.size() || now >= stop_deadline_.load()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
  }
}

void Fleet::Stop(double timeout_s) {
  if (!running_) return;
  stop_deadline_ = SteadySeconds() + timeout_s;
  stopping_ = true;
  for (auto& slot : slots_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
  running_ = false;
}

FleetStatus Fleet::status() const {
  FleetStatus s;
  s.devices = options_.devices;
  for (const auto& slot : slots_) {
    s.registered += slot->registered.load();
    s.detections += slot->detections.load();
    s.samples += slot->samples.load();
  }
  return s;
}

size_t Fleet::deregistered() const {
  size_t n = 0;
  for (const auto& slot : slots_) n += slot->deregistered.load();
  return n;
}

}  // namespace lwcl::device
