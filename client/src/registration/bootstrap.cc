#include "client/bootstrap.h"

#include <algorithm>
#include <cmath>

namespace lwcl::client {

using lwm2m::CoapCode;

const char* BootstrapStateName(BootstrapState s) {
  switch (s) {
    case BootstrapState::kIdle: return "idle";
    case BootstrapState::kRequesting: return "requesting";
    case BootstrapState::kWaitingForServer: return "waiting-for-server";
    case BootstrapState::kFinished: return "finished";
    case BootstrapState::kFailed: return "failed";
  }
  return "?";
}

std::optional<double> BootstrapMachine::NextWake() const {
  switch (state_) {
    case BootstrapState::kIdle:
    case BootstrapState::kFailed: return retry_at_;
    case BootstrapState::kWaitingForServer: return wait_until_;
    default: return std::nullopt;
  }
}

std::optional<OutgoingRequest> BootstrapMachine::Poll(double now) {
  if (state_ == BootstrapState::kWaitingForServer && now >= wait_until_) {
    // No Bootstrap-Finish within EXCHANGE_LIFETIME: the attempt failed (Core 6.1.3).
    Fail(now);
  }
  if ((state_ != BootstrapState::kIdle && state_ != BootstrapState::kFailed) || now < retry_at_) {
    return std::nullopt;
  }
  state_ = BootstrapState::kRequesting;
  OutgoingRequest req;
  req.method = CoapMethod::kPost;
  req.uri_path = {"bs"};
  if (!config_.endpoint.empty()) req.uri_query.push_back("ep=" + config_.endpoint);
  if (config_.preferred_content_format) {
    req.uri_query.push_back("pct=" + std::to_string(*config_.preferred_content_format));
  }
  return req;
}

void BootstrapMachine::Fail(double now) {
  ++failures_;
  const double backoff =
      std::min(config_.retry_max_s, config_.retry_initial_s * std::pow(2.0, std::min(failures_ - 1, 62)));
  retry_at_ = now + backoff;
  state_ = BootstrapState::kFailed;
}

void BootstrapMachine::OnResponse(double now, CoapCode code) {
  if (state_ != BootstrapState::kRequesting) return;  // a late or duplicate answer
  if (code == CoapCode::kChanged) {
    state_ = BootstrapState::kWaitingForServer;
    wait_until_ = now + config_.server_wait_s;
  } else {
    Fail(now);
  }
}

void BootstrapMachine::OnTimeout(double now) {
  if (state_ == BootstrapState::kRequesting) Fail(now);
}

void BootstrapMachine::OnServerRequest(double now) {
  if (state_ == BootstrapState::kFinished) return;
  state_ = BootstrapState::kWaitingForServer;
  wait_until_ = now + config_.server_wait_s;
}

void BootstrapMachine::OnFinish(double now, bool accepted) {
  if (state_ == BootstrapState::kFinished) return;
  if (accepted) {
    state_ = BootstrapState::kFinished;
    failures_ = 0;
    return;
  }
  state_ = BootstrapState::kWaitingForServer;
  wait_until_ = now + config_.server_wait_s;
}

void BootstrapMachine::Restart(double now) {
  state_ = BootstrapState::kIdle;
  retry_at_ = now;
  failures_ = 0;
}

}  // namespace lwcl::client
