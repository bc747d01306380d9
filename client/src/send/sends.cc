// The client's Send operation (LwM2M 1.1 Information Reporting, POST /dp):
// the bounded queue of pending sends and pumping them to the server.
#include "client/client.h"

#include <coap3/coap.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "transport/coap_transport.h"

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

bool Client::Send(std::span<const lwm2m::Path> paths, SendCallback done) {
  if (paths.empty()) return false;
  std::vector<lwm2m::Record> records;
  for (const lwm2m::Path& path : paths) {
    if (!IsSuccess(registry_.Read(path, &records))) return false;
  }
  return SendRecords(records, std::move(done));
}

bool Client::SendRecords(std::span<const lwm2m::Record> records, SendCallback done) {
  if (records.empty()) return false;
  PendingSend send;
  if (lwm2m::Encode(send_format_, lwm2m::Path::Root(), records, &send.payload)) return false;
  send.format = static_cast<uint16_t>(send_format_);
  send.done = std::move(done);
  return EnqueueSend(std::move(send));
}

bool Client::EnqueueSend(PendingSend send) {
  if (send_queue_.size() >= send_queue_limit_) {
    SendCallback dropped = std::move(send_queue_.front().done);
    send_queue_.pop_front();
    if (dropped) dropped(std::nullopt);
  }
  send_queue_.push_back(std::move(send));
  return true;
}

void Client::PumpSends() {
  if (send_queue_.empty() || session_ == nullptr || !registration_ ||
      registration_->state() != RegistrationState::kRegistered) {
    return;
  }
  if (queue_ && queue_->holding()) {
    if (queue_->NeedReport(Now())) registration_->RequestUpdate();
    return;
  }
  while (!send_queue_.empty()) {
    PendingSend send = std::move(send_queue_.front());
    send_queue_.pop_front();
    coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_POST, session_);
    if (pdu == nullptr) {
      if (send.done) send.done(std::nullopt);
      continue;
    }
    std::vector<uint8_t> token = NewToken(session_);
    coap_add_token(pdu, token.size(), token.data());
    coap_add_option(pdu, COAP_OPTION_URI_PATH, 2, reinterpret_cast<const uint8_t*>("dp"));
    uint8_t buf[4];
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, send.format), buf);
    auto* body = new std::vector<uint8_t>(std::move(send.payload));
    coap_add_data_large_request(session_, pdu, body->size(), body->data(), ReleaseOwnedBody, body);
    send.payload.clear();
    auto [slot, inserted] = sends_in_flight_.emplace(token, std::move(send));
    if (coap_send(session_, pdu) == COAP_INVALID_MID) {
      SendCallback failed = std::move(slot->second.done);
      sends_in_flight_.erase(slot);
      if (failed) failed(std::nullopt);
    } else if (queue_) {
      queue_->OnExchange(Now());
    }
    (void)inserted;
  }
}

}  // namespace lwcl::client
