// QueueMode: LwM2M Queue Mode (Core spec 6.5) for a client as a pure state
// machine with no clock and no network. After each exchange with the server
// the client stays reachable for `awake_s` (QUEUE_MODE_AWAKE_TIMER, 93 s by
// default), then sleeps. While asleep, notifications are held by the caller
// (the latest value per observation, re-read at flush time). When something
// must be reported, the machine asks once for a Registration Update; once the
// server has answered it (the server now knows the device is reachable), the
// client is awake again and flushes what it held.
//
//   kAwake  --(awake_s without exchange)-->  kAsleep
//   kAsleep --(NeedReport)-->                kWaking   (caller sends Update)
//   kAsleep --(OnExchange: server reached us)--> kAwake
//   kAsleep/kWaking --(OnRegistered)-->      kAwake    (caller flushes)
//
// Every call takes `now` (seconds on any monotonic clock).
#ifndef LWCL_CLIENT_QUEUE_MODE_H_
#define LWCL_CLIENT_QUEUE_MODE_H_

#include <optional>

namespace lwcl::client {

enum class QueueState : unsigned char { kAwake, kAsleep, kWaking };
const char* QueueStateName(QueueState s);

class QueueMode {
 public:
  static constexpr double kDefaultAwakeSeconds = 93;

  explicit QueueMode(double awake_s = kDefaultAwakeSeconds, double now = 0) : awake_s_(awake_s), last_(now) {}

  // A message was exchanged with the server (request served, response or
  // notification sent): awake for another awake_s. While waking, only the
  // Update's answer (OnRegistered) wakes the client.
  void OnExchange(double now);
  // Falls asleep when the awake time has passed.
  void Poll(double now);
  // Something must be reported. Returns true exactly once per sleep: the
  // caller must send a Registration Update now; hold the report until
  // OnRegistered. While awake, returns false (send at once).
  bool NeedReport(double now);
  // A Register or Update was answered with success: awake from `now`.
  void OnRegistered(double now);

  QueueState state() const { return state_; }
  // Notifications must be held (asleep or waking).
  bool holding() const { return state_ != QueueState::kAwake; }
  double awake_seconds() const { return awake_s_; }
  // When Poll next changes the state without an event (awake: the time the
  // client falls asleep), nullopt otherwise.
  std::optional<double> NextWake() const;

 private:
  double awake_s_;
  double last_;
  QueueState state_ = QueueState::kAwake;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_QUEUE_MODE_H_
