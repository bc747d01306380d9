#include "server/registration_table.h"

#include <algorithm>

#include "server/content_negotiation.h"

namespace lwcl::server {

RegistrationTable::RegistrationTable(double grace_s) : grace_s_(grace_s), rng_(std::random_device{}()) {}

std::string RegistrationTable::NewLocation() {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (;;) {
    uint64_t v = rng_();
    std::string loc;
    for (int i = 0; i < 10; ++i, v /= 36) loc.push_back(kDigits[v % 36]);
    if (!endpoint_by_location_.contains(loc)) return loc;
  }
}

const Registration& RegistrationTable::Register(const RegisterParams& params, std::string object_links,
                                                std::string peer, bool secure, double now,
                                                std::optional<Registration>* replaced) {
  const std::string& endpoint = *params.endpoint;
  if (auto it = by_endpoint_.find(endpoint); it != by_endpoint_.end()) {
    if (replaced) *replaced = it->second;
    endpoint_by_location_.erase(it->second.location);
    by_endpoint_.erase(it);
  }
  Registration r;
  r.endpoint = endpoint;
  r.location = NewLocation();
  if (params.lifetime_s) r.lifetime_s = *params.lifetime_s;
  if (params.binding) r.binding = *params.binding;
  if (params.version) r.version = *params.version;
  r.queue_mode = params.queue_mode;
  r.object_links = std::move(object_links);
  r.content_formats = AdvertisedFormats(r.object_links);
  r.peer = std::move(peer);
  r.secure = secure;
  r.registered_at = now;
  r.updated_at = now;
  endpoint_by_location_[r.location] = endpoint;
  return by_endpoint_[endpoint] = std::move(r);
}

const Registration* RegistrationTable::Update(const std::string& location, const RegisterParams& params,
                                              std::optional<std::string> object_links, std::string peer,
                                              double now) {
  auto loc = endpoint_by_location_.find(location);
  if (loc == endpoint_by_location_.end()) return nullptr;
  Registration& r = by_endpoint_.at(loc->second);
  if (params.lifetime_s) r.lifetime_s = *params.lifetime_s;
  if (params.binding) {
    r.binding = *params.binding;
    r.queue_mode = params.queue_mode;
  } else if (params.queue_mode) {
    r.queue_mode = true;
  }
  if (object_links) {
    r.object_links = std::move(*object_links);
    r.content_formats = AdvertisedFormats(r.object_links);
  }
  if (!peer.empty()) r.peer = std::move(peer);
  r.updated_at = now;
  return &r;
}

std::optional<Registration> RegistrationTable::Deregister(const std::string& location) {
  auto loc = endpoint_by_location_.find(location);
  if (loc == endpoint_by_location_.end()) return std::nullopt;
  auto it = by_endpoint_.find(loc->second);
  Registration r = std::move(it->second);
  by_endpoint_.erase(it);
  endpoint_by_location_.erase(loc);
  return r;
}

std::vector<Registration> RegistrationTable::Expire(double now) {
  std::vector<Registration> gone;
  for (auto it = by_endpoint_.begin(); it != by_endpoint_.end();) {
    if (it->second.ExpiresAt() + grace_s_ <= now) {
      endpoint_by_location_.erase(it->second.location);
      gone.push_back(std::move(it->second));
      it = by_endpoint_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

void RegistrationTable::Restore(const Registration& registration) {
  if (auto it = by_endpoint_.find(registration.endpoint); it != by_endpoint_.end()) {
    endpoint_by_location_.erase(it->second.location);
  }
  Registration& r = by_endpoint_[registration.endpoint] = registration;
  r.content_formats = AdvertisedFormats(r.object_links);
  endpoint_by_location_[registration.location] = registration.endpoint;
}

const Registration* RegistrationTable::FindEndpoint(const std::string& endpoint) const {
  auto it = by_endpoint_.find(endpoint);
  return it == by_endpoint_.end() ? nullptr : &it->second;
}

const Registration* RegistrationTable::FindLocation(const std::string& location) const {
  auto it = endpoint_by_location_.find(location);
  return it == endpoint_by_location_.end() ? nullptr : FindEndpoint(it->second);
}

std::vector<Registration> RegistrationTable::All() const {
  std::vector<Registration> out;
  out.reserve(by_endpoint_.size());
  for (const auto& [ep, r] : by_endpoint_) out.push_back(r);
  return out;
}

std::optional<double> RegistrationTable::NextExpiry() const {
  std::optional<double> next;
  for (const auto& [ep, r] : by_endpoint_) {
    const double t = r.ExpiresAt() + grace_s_;
    if (!next || t < *next) next = t;
  }
  return next;
}

}  // namespace lwcl::server
