// RegistrationTable: the registrations the server holds, by endpoint and by
// location, with lifetime expiry. Pure (no network, no clock: every call
// takes `now`), so the registration interface is tested without sockets.
//
// It promises: one registration per endpoint (a new Register from a
// registered endpoint replaces the old one and its location); locations are
// unguessable and never reused within a process; Expire removes exactly the
// registrations whose lifetime ran out (plus a grace, since a client updates
// shortly before the end and the network may delay it).
#ifndef LWCL_SERVER_REGISTRATION_TABLE_H_
#define LWCL_SERVER_REGISTRATION_TABLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "server/registration.h"

namespace lwcl::server {

class RegistrationTable {
 public:
  explicit RegistrationTable(double grace_s = 2.0);

  // A Register with a valid endpoint. Returns the new registration (with its
  // fresh location), and in `replaced` the one it replaced, if any.
  const Registration& Register(const RegisterParams& params, std::string object_links, std::string peer, bool secure,
                               double now, std::optional<Registration>* replaced = nullptr);
  // An Update on `location`: refreshes updated_at and what the params name.
  // nullptr when the location is unknown (the client must Register again: 4.04).
  const Registration* Update(const std::string& location, const RegisterParams& params,
                             std::optional<std::string> object_links, std::string peer, double now);
  // De-register: removes and returns it (nullopt when unknown).
  std::optional<Registration> Deregister(const std::string& location);
  // Removes and returns every registration that expired by `now`.
  std::vector<Registration> Expire(double now);
  // Puts back a registration kept across a restart (from the store).
  void Restore(const Registration& registration);

  const Registration* FindEndpoint(const std::string& endpoint) const;
  const Registration* FindLocation(const std::string& location) const;
  std::vector<Registration> All() const;
  size_t size() const { return by_endpoint_.size(); }
  // The earliest expiry (for the caller's timer).
  std::optional<double> NextExpiry() const;

 private:
  std::string NewLocation();
  double grace_s_;
  std::map<std::string, Registration> by_endpoint_;
  std::map<std::string, std::string> endpoint_by_location_;
  std::mt19937_64 rng_;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_REGISTRATION_TABLE_H_
