// Drives Client with libcoap's own coap-client (libcoap3-bin) as a real
// peer over UDP on 127.0.0.1. The peer runs in a thread; the client's event
// loop runs on the test thread until the peer exits (bounded by a timeout).
#include "client/client.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <future>
#include <string>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/standard_objects.h"
#include "peer_process.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

using test_support::HavePeer;
using test_support::RunCommand;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
    auto o = testing::MakeTestObject(&executed_, &args_);
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_ = std::make_unique<Client>(reg_);
    port_ = client_->Listen("127.0.0.1", 0);
    ASSERT_NE(port_, 0);
  }

  // Runs coap-client with `args` against the client's endpoint; `path` is the
  // URI path ("/42/0/0"). Returns its stdout+stderr.
  std::string Peer(const std::string& args, const std::string& path) {
    const std::string cmd = "timeout 10 coap-client-notls -B 5 " + args + " coap://127.0.0.1:" +
                            std::to_string(port_) + path + " 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
    std::string out = f.get();
    if (!out.empty() && out.back() == '\n') out.pop_back();  // coap-client ends its output with one
    return out;
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  uint16_t port_ = 0;
  int executed_ = 0;
  std::string args_;
};

TEST_F(ClientTest, ReadsAResourceAsPlainText) {
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
  EXPECT_EQ(client_->requests_handled(), 1u);
}

TEST_F(ClientTest, ReadsAnInstanceAsSenmlJson) {
  const std::string out = Peer("-m get -A 110", "/42/0");
  EXPECT_NE(out.find("\"hello\""), std::string::npos) << out;
}

TEST_F(ClientTest, WritesExecutesAndDiscovers) {
  Peer("-m put -t 0 -e 4.5", "/42/0/2");
  EXPECT_EQ(obj_->Get(0, 2), lwm2m::Value(4.5));
  Peer("-m post -e 7", "/42/0/4");
  EXPECT_EQ(executed_, 1);
  EXPECT_EQ(args_, "7");
  EXPECT_EQ(Peer("-m get -A 40", "/42/0/3"), "</42/0/3>;dim=2");
}

TEST_F(ClientTest, AnswersErrorsAndKeepsServing) {
  EXPECT_NE(Peer("-m get", "/99").find("4.04"), std::string::npos);
  EXPECT_NE(Peer("-m put -t 0 -e 1", "/42/0/1").find("4.05"), std::string::npos);
  EXPECT_NE(Peer("-m get -A 9999", "/42/0/0").find("4.06"), std::string::npos);
  EXPECT_NE(Peer("-m put -t 40 -e x", "/42/0/0").find("4.15"), std::string::npos);
  EXPECT_NE(Peer("-m put -t 110 -e [{", "/42/0/0").find("4.00"), std::string::npos);
  // An unknown critical option (odd number, here 9) is 4.02 Bad Option.
  EXPECT_NE(Peer("-m get -O 9,x", "/42/0/0").find("4.02"), std::string::npos);
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
}

TEST_F(ClientTest, LargeWritesArriveBlockWise) {
  char name[] = "/tmp/lwcl_client_blockXXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  const std::string body(2500, 'z');
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  Peer("-m put -t 42 -b 64 -f " + std::string(name), "/42/0/5");  // 40 Block1 blocks
  unlink(name);
  EXPECT_EQ(obj_->Get(0, 5), lwm2m::Value(lwm2m::Opaque(body.begin(), body.end())));
}

TEST_F(ClientTest, LargeValuesGoBlockWise) {
  lwm2m::Opaque big(3000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>('a' + i % 26);
  obj_->Set(0, 5, big);
  // 3000 bytes cannot fit one UDP datagram of libcoap's default MTU: Block2.
  const std::string out = Peer("-m get -A 42", "/42/0/5");
  EXPECT_EQ(out.size(), big.size());
  EXPECT_TRUE(out == std::string(big.begin(), big.end()));
}

}  // namespace
}  // namespace lwcl::client

namespace lwcl::client {
namespace {

TEST_F(ClientTest, ObserveSendsNotificationsOnChange) {
  double now = 0;
  client_->SetClock([&] { return now; });
  const std::string cmd = "timeout 10 coap-client-notls -B 3 -s 2 -m get -A 0 coap://127.0.0.1:" +
                          std::to_string(port_) + "/42/0/2 2>&1";
  std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
  ASSERT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 1; }, 8000));
  obj_->Set(0, 2, 8.25);
  client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
  const std::string out = f.get();
  EXPECT_NE(out.find("1.5"), std::string::npos) << out;
  EXPECT_NE(out.find("8.25"), std::string::npos) << out;
}

}  // namespace
}  // namespace lwcl::client

namespace lwcl::client {
namespace {

TEST_F(ClientTest, ObserveHonoursServerDefaultPmax) {
  ServerInfo server;
  server.default_pmax = 10;
  reg_.Add(MakeServerObject(server));
  double now = 0;
  client_->SetClock([&] { return now; });
  const std::string cmd = "timeout 10 coap-client-notls -B 3 -s 2 -m get -A 0 coap://127.0.0.1:" +
                          std::to_string(port_) + "/42/0/0 2>&1";
  std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
  ASSERT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 1; }, 8000));
  EXPECT_EQ(client_->observations().NextWake(), 10.0);
  now = 10;  // pmax reached: the unchanged value is sent again
  client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
  EXPECT_EQ(f.get(), "hellohello\n");
}

}  // namespace
}  // namespace lwcl::client

namespace lwcl::client {
namespace {

TEST_F(ClientTest, SurvivesGarbageDatagrams) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port_);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  const uint8_t junk[][6] = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x40, 0x01, 0x00}, {0x5f, 0x01, 0, 1, 0xff, 0}};
  for (const auto& j : junk) {
    sendto(fd, j, sizeof j, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  close(fd);
  for (int i = 0; i < 10; ++i) client_->Step(5);
  // (The second datagram happens to parse as GET / with an empty option: it may be answered.)
  EXPECT_LE(client_->requests_handled(), 1u);
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
}

}  // namespace
}  // namespace lwcl::client

namespace lwcl::client {
namespace {

// Writes `size` bytes of 'q' to a temporary file for coap-client -f.
std::string TempBody(size_t size) {
  char name[] = "/tmp/lwcl_client_bigXXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return "";
  const std::string body(size, 'q');
  const ssize_t n = write(fd, body.data(), body.size());
  close(fd);
  return n == static_cast<ssize_t>(size) ? std::string(name) : "";
}

TEST_F(ClientTest, BodyAboveLimitIsAnswered413AndServingGoesOn) {
  client_->SetMaxRequestBody(1000);
  const std::string file = TempBody(2500);
  ASSERT_FALSE(file.empty());
  // Block-wise (Block1 with Size1 from coap-client -B) above the limit.
  const std::string out = Peer("-m put -t 42 -b 64 -f " + file, "/42/0/5");
  unlink(file.c_str());
  EXPECT_NE(out.find("4.13"), std::string::npos) << out;
  EXPECT_FALSE(obj_->Get(0, 5).has_value());  // untouched
  // Below the limit still works, and so do reads.
  const std::string small = TempBody(900);
  Peer("-m put -t 42 -b 64 -f " + small, "/42/0/5");
  unlink(small.c_str());
  EXPECT_EQ(obj_->Get(0, 5), lwm2m::Value(lwm2m::Opaque(900, 'q')));
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
}

TEST_F(ClientTest, DefaultLimitTakesLargeBodies) {
  EXPECT_EQ(client_->max_request_body(), Client::kDefaultMaxRequestBody);
  const std::string file = TempBody(20000);
  ASSERT_FALSE(file.empty());
  Peer("-m put -t 42 -b 1024 -f " + file, "/42/0/5");
  unlink(file.c_str());
  EXPECT_EQ(obj_->Get(0, 5), lwm2m::Value(lwm2m::Opaque(20000, 'q')));
}

TEST_F(ClientTest, TasksRunOnEveryStep) {
  int runs = 0;
  client_->AddTask([&] { ++runs; });
  client_->AddTask([&] {
    if (runs == 2) client_->AddTask([&] { runs += 100; });  // a task may add a task
  });
  client_->Step(0);
  client_->Step(0);
  EXPECT_EQ(runs, 2 + 100);
  client_->Step(0);
  EXPECT_EQ(runs, 3 + 200);
}

}  // namespace
}  // namespace lwcl::client
