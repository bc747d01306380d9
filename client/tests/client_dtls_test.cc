// The Client over DTLS with a pre-shared key, against real peers on
// 127.0.0.1: libcoap's coap-client-openssl (libcoap3-bin) drives the DM
// side (coaps://), and a libcoap DTLS server context in the test plays the
// LwM2M server for registration. A peer with the wrong key is refused.
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <future>
#include <string>
#include <vector>

#include "client/client.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

constexpr char kIdentity[] = "dev-psk";
constexpr char kKey[] = "secret-key-0123";

std::vector<uint8_t> Bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

bool HavePeer() { return std::system("command -v coap-client-openssl >/dev/null 2>&1") == 0; }

std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::array<char, 512> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

class ClientDtlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePeer()) GTEST_SKIP() << "coap-client-openssl (libcoap3-bin) is not installed";
    if (!coap_dtls_is_supported()) GTEST_SKIP() << "libcoap was built without DTLS";
    auto o = testing::MakeTestObject(&executed_, &args_);
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_ = std::make_unique<Client>(reg_);
    port_ = client_->ListenDtls("127.0.0.1", 0, {Bytes(kIdentity), Bytes(kKey)});
    ASSERT_NE(port_, 0);
  }

  // coap-client-openssl with `args` on coaps://127.0.0.1:port`path`, with
  // identity `id` and key `key`; returns its output.
  std::string Peer(const std::string& args, const std::string& path, const std::string& key = kKey,
                   const std::string& id = kIdentity) {
    const std::string cmd = "timeout 10 coap-client-openssl -B 4 -u " + id + " -k " + key + " " + args +
                            " coaps://127.0.0.1:" + std::to_string(port_) + path + " 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
    std::string out = f.get();
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  int executed_ = 0;
  std::string args_;
  std::unique_ptr<Client> client_;
  uint16_t port_ = 0;
};

TEST_F(ClientDtlsTest, ReadsWritesExecutesAndDiscovers) {
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
  Peer("-m put -t 0 -e world", "/42/0/0");
  EXPECT_EQ(obj_->Get(0, 0), lwm2m::Value(std::string("world")));
  Peer("-m post -e go", "/42/0/4");
  EXPECT_EQ(executed_, 1);
  EXPECT_EQ(args_, "go");
  const std::string links = Peer("-m get -A 40", "/42/0");
  EXPECT_NE(links.find("</42/0/0>"), std::string::npos) << links;
  EXPECT_NE(links.find("</42/0/4>"), std::string::npos) << links;
}

TEST_F(ClientDtlsTest, ObserveNotifiesOverDtls) {
  double now = 0;
  client_->SetClock([&] { return now; });
  const std::string cmd = "timeout 10 coap-client-openssl -B 3 -s 2 -u " + std::string(kIdentity) + " -k " +
                          kKey + " -m get -A 0 coaps://127.0.0.1:" + std::to_string(port_) + "/42/0/2 2>&1";
  std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
  ASSERT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 1; }, 8000));
  obj_->Set(0, 2, 8.25);
  client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
  const std::string out = f.get();
  EXPECT_NE(out.find("1.5"), std::string::npos) << out;
  EXPECT_NE(out.find("8.25"), std::string::npos) << out;
}

TEST_F(ClientDtlsTest, BlockWiseBothWays) {
  lwm2m::Opaque big(3000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>('a' + i % 26);
  obj_->Set(0, 5, big);
  const std::string out = Peer("-m get -A 42", "/42/0/5");
  EXPECT_TRUE(out == std::string(big.begin(), big.end())) << out.size();

  char name[] = "/tmp/lwcl_dtls_blockXXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  const std::string body(2500, 'z');
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  Peer("-m put -t 42 -b 64 -f " + std::string(name), "/42/0/5");
  unlink(name);
  EXPECT_EQ(obj_->Get(0, 5), lwm2m::Value(lwm2m::Opaque(body.begin(), body.end())));
}

TEST_F(ClientDtlsTest, WrongKeyOrIdentityIsRefused) {
  // coap-client prints only its handshake errors: no value.
  const std::string wrong_key = Peer("-m get -A 0", "/42/0/0", "not-the-key");
  EXPECT_EQ(wrong_key.find("hello"), std::string::npos) << wrong_key;
  const std::string wrong_id = Peer("-m get -A 0", "/42/0/0", kKey, "someone-else");
  EXPECT_EQ(wrong_id.find("hello"), std::string::npos) << wrong_id;
  EXPECT_EQ(client_->requests_handled(), 0u);
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");  // and the right key still works
}

TEST_F(ClientDtlsTest, NoSecPeerGetsNothingFromDtlsEndpoint) {
  const std::string cmd = "timeout 10 coap-client-notls -B 2 -m get coap://127.0.0.1:" + std::to_string(port_) +
                          "/42/0/0 2>&1";
  std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
  client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
  EXPECT_EQ(f.get().find("hello"), std::string::npos);
  EXPECT_EQ(client_->requests_handled(), 0u);
}

// --- Registration over DTLS against a libcoap DTLS server in the test. ---

struct DtlsServer {
  coap_context_t* ctx = nullptr;
  uint16_t port = 0;
  std::vector<std::string> registers;  // Uri-Query of each Register
  coap_session_t* device = nullptr;
  int dm_code = 0;
  std::string dm_answer;
};
DtlsServer* g_dtls = nullptr;

void OnRd(coap_resource_t*, coap_session_t* session, const coap_pdu_t* req, const coap_string_t*,
          coap_pdu_t* resp) {
  coap_opt_iterator_t it;
  coap_option_iterator_init(req, &it, COAP_OPT_ALL);
  std::string query;
  while (coap_opt_t* opt = coap_option_next(&it)) {
    if (it.number == COAP_OPTION_URI_QUERY) {
      query += std::string(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt)) + "&";
    }
  }
  g_dtls->registers.push_back(query);
  g_dtls->device = session;
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, reinterpret_cast<const uint8_t*>("rd"));
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 1, reinterpret_cast<const uint8_t*>("7"));
}

coap_response_t OnDmAnswer(coap_session_t*, const coap_pdu_t*, const coap_pdu_t* received, const coap_mid_t) {
  g_dtls->dm_code = coap_pdu_get_code(received);
  size_t len = 0, off = 0, total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(received, &len, &data, &off, &total) && data) g_dtls->dm_answer.assign(data, data + len);
  return COAP_RESPONSE_OK;
}

class ClientDtlsRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::make_unique<Client>(reg_);  // runs coap_startup
    if (!coap_dtls_is_supported()) GTEST_SKIP() << "libcoap was built without DTLS";
    g_dtls = &server_;
    reg_.Add(testing::MakeTestObject());
    client_->SetClock([this] { return now_; });
    server_.ctx = coap_new_context(nullptr);
    coap_context_set_block_mode(server_.ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_response_handler(server_.ctx, OnDmAnswer);
    coap_dtls_spsk_t psk;
    std::memset(&psk, 0, sizeof psk);
    psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
    psk.psk_info.key = {std::strlen(kKey), reinterpret_cast<const uint8_t*>(kKey)};
    ASSERT_TRUE(coap_context_set_psk2(server_.ctx, &psk));
    coap_address_t addr;
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
    addr.size = sizeof(struct sockaddr_in);
    coap_endpoint_t* ep = coap_new_endpoint(server_.ctx, &addr, COAP_PROTO_DTLS);
    ASSERT_NE(ep, nullptr);
    const std::string text = coap_endpoint_str(ep);
    server_.port = static_cast<uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
    coap_resource_t* rd = coap_resource_init(coap_make_str_const("rd"), 0);
    coap_register_request_handler(rd, COAP_REQUEST_POST, OnRd);
    coap_add_resource(server_.ctx, rd);
  }
  void TearDown() override {
    client_.reset();
    if (server_.ctx) coap_free_context(server_.ctx);
    g_dtls = nullptr;
  }
  bool Until(const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) {
      client_->Step(0);
      coap_io_process(server_.ctx, 5);
    }
    return done();
  }
  Endpoint Server(const std::string& key) {
    Endpoint e;
    e.host = "127.0.0.1";
    e.port = server_.port;
    e.dtls = true;
    e.psk_identity = Bytes(kIdentity);
    e.psk_key = Bytes(key);
    return e;
  }

  Registry reg_;
  std::unique_ptr<Client> client_;
  DtlsServer server_;
  double now_ = 100;
};

TEST_F(ClientDtlsRegistrationTest, RegistersAndIsReadOverDtls) {
  RegistrationConfig cfg;
  cfg.endpoint = "dtls-dev";
  ASSERT_TRUE(client_->Connect(Server(kKey), cfg));
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  ASSERT_EQ(server_.registers.size(), 1u);
  EXPECT_NE(server_.registers[0].find("ep=dtls-dev"), std::string::npos);
  EXPECT_EQ(client_->registration()->location(), (std::vector<std::string>{"rd", "7"}));

  ASSERT_NE(server_.device, nullptr);
  coap_pdu_t* get = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, server_.device);
  for (const char* seg : {"42", "0", "0"}) {
    coap_add_option(get, COAP_OPTION_URI_PATH, std::strlen(seg), reinterpret_cast<const uint8_t*>(seg));
  }
  coap_send(server_.device, get);
  ASSERT_TRUE(Until([&] { return server_.dm_code != 0; }));
  EXPECT_EQ(server_.dm_code, COAP_RESPONSE_CODE_CONTENT);
  EXPECT_EQ(server_.dm_answer, "hello");
}

TEST_F(ClientDtlsRegistrationTest, WrongKeyNeverRegisters) {
  ASSERT_TRUE(client_->Connect(Server("wrong-key"), RegistrationConfig{}));
  Until([&] { return client_->registered(); });
  EXPECT_FALSE(client_->registered());
  EXPECT_TRUE(server_.registers.empty());
}

}  // namespace
}  // namespace lwcl::client
