#include "client/queue_mode.h"

namespace lwcl::client {

const char* QueueStateName(QueueState s) {
  switch (s) {
    case QueueState::kAwake:
      return "awake";
    case QueueState::kAsleep:
      return "asleep";
    case QueueState::kWaking:
      return "waking";
  }
  return "?";
}

void QueueMode::OnExchange(double now) {
  if (state_ == QueueState::kWaking) return;
  state_ = QueueState::kAwake;
  if (now > last_) last_ = now;
}

void QueueMode::Poll(double now) {
  if (state_ == QueueState::kAwake && now >= last_ + awake_s_) state_ = QueueState::kAsleep;
}

bool QueueMode::NeedReport(double now) {
  Poll(now);
  if (state_ != QueueState::kAsleep) return false;
  state_ = QueueState::kWaking;
  return true;
}

void QueueMode::OnRegistered(double now) {
  state_ = QueueState::kAwake;
  last_ = now;
}

std::optional<double> QueueMode::NextWake() const {
  if (state_ == QueueState::kAwake) return last_ + awake_s_;
  return std::nullopt;
}

}  // namespace lwcl::client
