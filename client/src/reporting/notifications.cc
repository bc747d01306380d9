// The client's information reporting interface: Observe registrations
// (plain and composite), notifications as the scheduler decides them, and
// dropping observers that went away (RFC 7641).
#include "client/client.h"

#include <coap3/coap.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "transport/coap_transport.h"

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

void Client::DropSubscriber(uint64_t id) {
  auto it = subscribers_.find(id);
  observer_scheduler_.Remove(id);
  held_.erase(id);
  if (it == subscribers_.end()) return;
  coap_session_release(it->second.session);
  subscribers_.erase(it);
}

std::optional<uint32_t> Client::OnObserve(coap_session_t* session, const DmRequest& request, uint32_t observe_value,
                                          const std::vector<uint8_t>& token, CoapCode code) {
  // Cancel (or re-register) whatever this token observed before.
  std::vector<uint64_t> old;
  for (const auto& [id, sub] : subscribers_) {
    if (sub.session == session && sub.token == token) old.push_back(id);
  }
  for (uint64_t id : old) DropSubscriber(id);
  if (observe_value != 0 || code != CoapCode::kContent) return std::nullopt;
  // Observe on GET: one path; on FETCH "/": Observe-Composite over the listed paths.
  std::optional<lwm2m::Path> path;
  std::optional<std::vector<lwm2m::Path>> composite;
  if (request.method == CoapMethod::kGet) {
    path = PathFromSegments(request.uri_path);
    if (!path) return std::nullopt;
  } else if (request.method == CoapMethod::kFetch) {
    CoapCode error = CoapCode::kBadRequest;
    composite = ParseCompositePaths(registry_, request, &error);
    if (!composite) return std::nullopt;
  } else {
    return std::nullopt;
  }
  // Default periods from the Server object, read now so a server's Write to them applies to new observations.
  std::optional<int64_t> periods[2];
  if (Object* server = registry_.Find(1)) {
    const std::vector<uint16_t> instances = server->Instances();
    for (int k = 0; k < 2 && !instances.empty(); ++k) {
      std::vector<lwm2m::Record> recs;
      const auto rid = static_cast<uint16_t>(2 + k);
      if (IsSuccess(registry_.Read(lwm2m::Path::Resource(1, instances[0], rid), &recs)) && recs.size() == 1) {
        if (const auto* v = std::get_if<int64_t>(&recs[0].value)) periods[k] = *v;
      }
    }
  }
  observer_scheduler_.SetDefaultPeriods(periods[0], periods[1]);
  const uint64_t id =
      path ? observer_scheduler_.Add(*path, Now()) : observer_scheduler_.AddComposite(std::move(*composite), Now());
  if (id == 0) return std::nullopt;
  Subscriber sub;
  sub.session = coap_session_reference(session);
  sub.token = token;
  sub.accept = request.accept;
  sub.sequence = 1;
  subscribers_.emplace(id, std::move(sub));
  return 1;
}

void Client::Notify(uint64_t id) {
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return;
  Subscriber& sub = it->second;
  DmResponse r;
  if (observer_scheduler_.IsComposite(id)) {
    const std::vector<lwm2m::Path> paths = observer_scheduler_.PathsOf(id);
    r = ReadCompositeAndEncode(registry_, paths, sub.accept);
  } else {
    const std::optional<lwm2m::Path> path = observer_scheduler_.PathOf(id);
    if (!path) return;
    r = ReadAndEncode(registry_, *path, sub.accept);
  }
  coap_pdu_t* pdu = coap_new_pdu(confirmable_notifications_ ? COAP_MESSAGE_CON : COAP_MESSAGE_NON,
                                 static_cast<coap_pdu_code_t>(r.code), sub.session);
  if (pdu == nullptr) return;
  coap_add_token(pdu, sub.token.size(), sub.token.data());
  uint8_t buf[4];
  ++sub.sequence;
  coap_add_option(pdu, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, sub.sequence & 0xFFFFFFu), buf);
  if (r.content_format) {
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *r.content_format), buf);
    coap_add_data(pdu, r.payload.size(), r.payload.data());
  }
  coap_send(sub.session, pdu);
  if (queue_) queue_->OnExchange(Now());
  if (!IsSuccess(r.code)) DropSubscriber(id);  // an error notification ends the observation
}

void Client::PumpNotifications() {
  const double now = Now();
  if (queue_) queue_->Poll(now);
  const std::vector<uint64_t> due = observer_scheduler_.Due(now);
  if (queue_ && queue_->holding()) {
    // Asleep: keep which observations owe a notification; the value sent at
    // wake is the one current then.
    held_.insert(due.begin(), due.end());
    if (!held_.empty() && queue_->NeedReport(now) && registration_) registration_->RequestUpdate();
    return;
  }
  if (!held_.empty()) {
    const std::set<uint64_t> held = std::move(held_);
    held_.clear();
    for (uint64_t id : held) Notify(id);
  }
  for (uint64_t id : due) Notify(id);
}

}  // namespace lwcl::client
