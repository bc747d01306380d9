#include "client/registration.h"

#include <algorithm>
#include <cmath>

namespace lwcl::client {

using lwm2m::CoapCode;

const char* RegistrationStateName(RegistrationState s) {
  switch (s) {
    case RegistrationState::kUnregistered: return "unregistered";
    case RegistrationState::kRegistering: return "registering";
    case RegistrationState::kRegistered: return "registered";
    case RegistrationState::kUpdating: return "updating";
    case RegistrationState::kDeregistering: return "deregistering";
    case RegistrationState::kDeregistered: return "deregistered";
  }
  return "?";
}

double RegistrationMachine::UpdateDue() const {
  // Update a margin before the lifetime ends, so a lost packet and its
  // retransmissions still land in time: half the lifetime, at most 60 s.
  const double lt = static_cast<double>(config_.lifetime_s);
  return registered_at_ + lt - std::min(lt / 2, 60.0);
}

std::optional<double> RegistrationMachine::NextWake() const {
  switch (state_) {
    case RegistrationState::kUnregistered: return retry_at_;
    case RegistrationState::kRegistered: return UpdateDue();
    default: return std::nullopt;
  }
}

std::optional<OutgoingRequest> RegistrationMachine::Poll(double now, const std::string& object_list) {
  OutgoingRequest req;
  if (state_ == RegistrationState::kRegistered && deregister_requested_) {
    state_ = RegistrationState::kDeregistering;
    req.method = CoapMethod::kDelete;
    req.uri_path = location_;
    return req;
  }
  if (state_ == RegistrationState::kUnregistered && deregister_requested_) {
    state_ = RegistrationState::kDeregistered;
    return std::nullopt;
  }
  if (state_ == RegistrationState::kUnregistered && now >= retry_at_) {
    state_ = RegistrationState::kRegistering;
    req.uri_path = {"rd"};
    req.uri_query = {"ep=" + config_.endpoint, "lt=" + std::to_string(config_.lifetime_s),
                     "lwm2m=" + config_.lwm2m_version, "b=" + config_.binding};
    req.content_format = 40;
    req.payload = object_list;
    pending_object_list_ = object_list;
    return req;
  }
  if (state_ == RegistrationState::kRegistered &&
      (update_requested_ || object_list != last_object_list_ || now >= UpdateDue())) {
    state_ = RegistrationState::kUpdating;
    req.uri_path = location_;
    if (object_list != last_object_list_) {
      req.content_format = 40;
      req.payload = object_list;
    }
    pending_object_list_ = object_list;
    update_requested_ = false;
    return req;
  }
  return std::nullopt;
}

void RegistrationMachine::Fail(double now) {
  ++failures_;
  const double backoff = std::min(config_.retry_max_s, config_.retry_initial_s * std::pow(2.0, failures_ - 1));
  retry_at_ = now + backoff;
  state_ = RegistrationState::kUnregistered;
  location_.clear();
}

void RegistrationMachine::OnResponse(double now, CoapCode code, const std::vector<std::string>& location) {
  switch (state_) {
    case RegistrationState::kRegistering:
      if (code == CoapCode::kCreated && !location.empty()) {
        location_ = location;
        registered_at_ = now;
        last_object_list_ = pending_object_list_;
        failures_ = 0;
        state_ = RegistrationState::kRegistered;
      } else {
        Fail(now);
      }
      break;
    case RegistrationState::kUpdating:
      if (code == CoapCode::kChanged) {
        registered_at_ = now;
        last_object_list_ = pending_object_list_;
        state_ = RegistrationState::kRegistered;
      } else if (code == CoapCode::kNotFound) {
        // The server dropped our registration: register afresh at once.
        state_ = RegistrationState::kUnregistered;
        location_.clear();
        retry_at_ = now;
      } else {
        Fail(now);
      }
      break;
    case RegistrationState::kDeregistering:
      state_ = RegistrationState::kDeregistered;
      location_.clear();
      break;
    default:
      break;
  }
}

void RegistrationMachine::OnTimeout(double now) {
  if (state_ == RegistrationState::kDeregistering) {
    state_ = RegistrationState::kDeregistered;
    location_.clear();
    return;
  }
  if (state_ == RegistrationState::kRegistering || state_ == RegistrationState::kUpdating) Fail(now);
}

}  // namespace lwcl::client
