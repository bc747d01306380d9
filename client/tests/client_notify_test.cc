// Observe notifications on the wire, against an observer made of a plain
// UDP socket on 127.0.0.1 (the one case where a hand-made peer is simpler
// than libcoap: it must answer a notification with RST on purpose). It
// checks the message type (NON by default, CON when asked), that an ACK
// keeps the observation and that an RST cancels it (RFC 7641 3.6).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

constexpr uint8_t kTypeCon = 0, kTypeNon = 1, kTypeAck = 2, kTypeRst = 3;

struct Message {
  uint8_t type = 0;
  uint8_t code = 0;
  uint16_t mid = 0;
  std::vector<uint8_t> token;
  std::string payload;
};

class RawObserver {
 public:
  explicit RawObserver(uint16_t client_port) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    to_.sin_family = AF_INET;
    to_.sin_port = htons(client_port);
    inet_pton(AF_INET, "127.0.0.1", &to_.sin_addr);
  }
  ~RawObserver() { close(fd_); }
  // GET /42/0/2 with Observe 0, CON, token 0xAB 0xCD.
  void Observe() {
    const std::vector<uint8_t> get = {0x42, 0x01, 0x12, 0x34, 0xAB, 0xCD,  // CON GET mid 0x1234, TKL 2
                                      0x60,                                // Observe (6) = 0 (empty)
                                      0x52, '4', '2', 0x01, '0', 0x01, '2'};  // Uri-Path 42/0/2
    Raw(get);
  }
  void Answer(uint8_t type, uint16_t mid) {
    Raw({static_cast<uint8_t>(0x40 | (type << 4)), 0x00, static_cast<uint8_t>(mid >> 8),
         static_cast<uint8_t>(mid & 0xFF)});
  }
  std::optional<Message> Receive() {
    uint8_t buf[1500];
    const ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 4) return std::nullopt;
    Message m;
    m.type = static_cast<uint8_t>((buf[0] >> 4) & 3);
    m.code = buf[1];
    m.mid = static_cast<uint16_t>(buf[2] << 8 | buf[3]);
    const size_t tkl = buf[0] & 0x0F;
    m.token.assign(buf + 4, buf + 4 + tkl);
    for (ssize_t i = 4 + static_cast<ssize_t>(tkl); i < n; ++i) {
      if (buf[i] == 0xFF) {
        m.payload.assign(reinterpret_cast<char*>(buf) + i + 1, static_cast<size_t>(n - i - 1));
        break;
      }
    }
    return m;
  }

 private:
  void Raw(const std::vector<uint8_t>& bytes) {
    sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_);
  }
  int fd_ = -1;
  sockaddr_in to_{};
};

class ClientNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_ = std::make_unique<Client>(reg_);
    client_->SetClock([this] { return now_; });
    port_ = client_->Listen("127.0.0.1", 0);
    ASSERT_NE(port_, 0);
    observer_ = std::make_unique<RawObserver>(port_);
  }
  // Steps the client until the observer receives a message (bounded).
  std::optional<Message> Next() {
    std::optional<Message> m;
    client_->RunUntil([&] { return (m = observer_->Receive()).has_value(); }, 5000);
    return m;
  }
  void StartObserving() {
    observer_->Observe();
    std::optional<Message> first = Next();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->type, kTypeAck);
    EXPECT_EQ(first->code, 69);  // 2.05
    EXPECT_EQ(first->payload, "1.5");
    ASSERT_EQ(client_->observations().size(), 1u);
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  std::unique_ptr<RawObserver> observer_;
  uint16_t port_ = 0;
  double now_ = 0;
};

TEST_F(ClientNotifyTest, NotificationsAreNonByDefault) {
  StartObserving();
  obj_->Set(0, 2, 2.5);
  std::optional<Message> n = Next();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->type, kTypeNon);
  EXPECT_EQ(n->token, (std::vector<uint8_t>{0xAB, 0xCD}));
  EXPECT_EQ(n->payload, "2.5");
}

TEST_F(ClientNotifyTest, ConfirmableNotificationAckedKeepsObserving) {
  client_->SetConfirmableNotifications(true);
  StartObserving();
  obj_->Set(0, 2, 2.5);
  std::optional<Message> n = Next();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->type, kTypeCon);
  EXPECT_EQ(n->payload, "2.5");
  observer_->Answer(kTypeAck, n->mid);
  for (int i = 0; i < 5; ++i) client_->Step(5);
  EXPECT_EQ(client_->observations().size(), 1u);
  obj_->Set(0, 2, 3.5);
  n = Next();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->type, kTypeCon);
  EXPECT_EQ(n->payload, "3.5");
}

TEST_F(ClientNotifyTest, RstToConfirmableNotificationCancelsObservation) {
  client_->SetConfirmableNotifications(true);
  StartObserving();
  obj_->Set(0, 2, 2.5);
  std::optional<Message> n = Next();
  ASSERT_TRUE(n.has_value());
  ASSERT_EQ(n->type, kTypeCon);
  observer_->Answer(kTypeRst, n->mid);
  ASSERT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 0; }, 5000));
  EXPECT_EQ(client_->observations_cancelled_by_peer(), 1u);
  obj_->Set(0, 2, 4.5);  // nothing more is sent
  for (int i = 0; i < 10; ++i) client_->Step(5);
  std::optional<Message> extra = observer_->Receive();
  // A retransmission of the RST-ed notification would be a bug too.
  EXPECT_FALSE(extra.has_value()) << extra->payload;
}

}  // namespace
}  // namespace lwcl::client
