// Client::Start and Client::SetStateFile against LwM2M servers made of
// libcoap in the test (both ends step on this thread):
//  - no LwM2M Server account in /0: the client bootstraps from the
//    Bootstrap-Server account, which writes a server account and finishes;
//    the client then registers there with the lifetime /1 says;
//  - the state file keeps what bootstrap and the server set: a restarted
//    client registers at once, with the server's attributes back;
//  - an account in Security Mode 0 (PSK) on coaps:// registers over DTLS.
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/security_object.h"
#include "client/standard_objects.h"
#include "lwm2m/senml.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

struct TestServer {
  coap_context_t* ctx = nullptr;
  uint16_t port = 0;
  coap_session_t* bs_peer = nullptr;   // the session the Bootstrap-Request came on
  coap_session_t* dm_peer = nullptr;   // the session the Register came on
  int bootstrap_requests = 0;
  std::vector<std::vector<std::string>> registers;  // Uri-Query of each Register
  std::vector<int> answers;                         // codes of our requests to the client
};
TestServer* g_server = nullptr;

std::vector<std::string> Queries(const coap_pdu_t* pdu) {
  std::vector<std::string> q;
  coap_opt_iterator_t it;
  coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    if (it.number == COAP_OPTION_URI_QUERY) {
      q.emplace_back(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
    }
  }
  return q;
}

void OnBs(coap_resource_t*, coap_session_t* session, const coap_pdu_t*, const coap_string_t*, coap_pdu_t* resp) {
  ++g_server->bootstrap_requests;
  g_server->bs_peer = session;
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
}

void OnRd(coap_resource_t*, coap_session_t* session, const coap_pdu_t* req, const coap_string_t*,
          coap_pdu_t* resp) {
  g_server->registers.push_back(Queries(req));
  g_server->dm_peer = session;
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, reinterpret_cast<const uint8_t*>("rd"));
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 1, reinterpret_cast<const uint8_t*>("b"));
}

coap_response_t OnAnswer(coap_session_t*, const coap_pdu_t*, const coap_pdu_t* received, const coap_mid_t) {
  g_server->answers.push_back(coap_pdu_get_code(received));
  return COAP_RESPONSE_OK;
}

// A request from the server to the client: `path` segments, optional query,
// optional body in `format`.
void Request(coap_session_t* to, coap_pdu_code_t method, const std::vector<std::string>& path,
             const std::string& query = "", const std::vector<uint8_t>& body = {}, int format = -1) {
  coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, method, to);
  uint8_t token[8];
  size_t len = 0;
  coap_session_new_token(to, &len, token);
  coap_add_token(pdu, len, token);
  for (const std::string& seg : path) {
    coap_add_option(pdu, COAP_OPTION_URI_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
  }
  if (format >= 0) {
    uint8_t buf[4];
    coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
                    coap_encode_var_safe(buf, sizeof buf, static_cast<unsigned>(format)), buf);
  }
  if (!query.empty()) {
    coap_add_option(pdu, COAP_OPTION_URI_QUERY, query.size(), reinterpret_cast<const uint8_t*>(query.data()));
  }
  if (!body.empty()) coap_add_data(pdu, body.size(), body.data());
  coap_send(to, pdu);
}

uint16_t PortOf(coap_endpoint_t* ep) {
  const std::string text = coap_endpoint_str(ep);
  return static_cast<uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
}

class ClientBootstrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_server = &server_;
    char dir[] = "/tmp/lwcl_client_stateXXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    state_file_ = dir_ + "/state.bin";
    MakeDevice();
    server_.ctx = coap_new_context(nullptr);
    coap_register_response_handler(server_.ctx, OnAnswer);
    coap_address_t addr;
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
    addr.size = sizeof(struct sockaddr_in);
    coap_endpoint_t* ep = coap_new_endpoint(server_.ctx, &addr, COAP_PROTO_UDP);
    ASSERT_NE(ep, nullptr);
    server_.port = PortOf(ep);
    coap_resource_t* bs = coap_resource_init(coap_make_str_const("bs"), 0);
    coap_register_request_handler(bs, COAP_REQUEST_POST, OnBs);
    coap_add_resource(server_.ctx, bs);
    coap_resource_t* rd = coap_resource_init(coap_make_str_const("rd"), 0);
    coap_register_request_handler(rd, COAP_REQUEST_POST, OnRd);
    coap_add_resource(server_.ctx, rd);
  }
  void TearDown() override {
    client_.reset();
    if (server_.ctx) coap_free_context(server_.ctx);
    g_server = nullptr;
    std::system(("rm -rf " + dir_).c_str());
  }
  // A fresh device (as after a reboot): /0, /1/0 (ssid 1), /42.
  void MakeDevice() {
    client_.reset();
    reg_ = std::make_unique<Registry>();
    reg_->Add(MakeSecurityObject());
    reg_->Add(MakeServerObject(ServerInfo{}));
    reg_->Add(testing::MakeTestObject());
    client_ = std::make_unique<Client>(*reg_);
    client_->SetClock([this] { return now_; });
  }
  bool Until(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      client_->Step(0);
      coap_io_process(server_.ctx, 2);
    }
    return done();
  }
  std::string Uri() const { return "coap://127.0.0.1:" + std::to_string(server_.port); }

  std::unique_ptr<Registry> reg_;
  std::unique_ptr<Client> client_;
  TestServer server_;
  std::string dir_, state_file_;
  double now_ = 0;
};

TEST_F(ClientBootstrapTest, NoAccountAtAllCannotStart) {
  EXPECT_FALSE(client_->Start(RegistrationConfig{}));
}

TEST_F(ClientBootstrapTest, BootstrapsThenRegistersAndRestartsFromStateFile) {
  ServerAccount bs;
  bs.instance = 0;
  bs.uri = Uri();
  bs.bootstrap = true;
  ASSERT_TRUE(AddServerAccount(*reg_, bs));
  ASSERT_TRUE(client_->SetStateFile(state_file_));  // missing file: first start
  RegistrationConfig cfg;
  cfg.endpoint = "bs-dev";
  ASSERT_TRUE(client_->Start(cfg));
  ASSERT_NE(client_->bootstrap(), nullptr);
  ASSERT_TRUE(Until([&] { return client_->bootstrap()->state() == BootstrapState::kWaitingForServer; }));
  EXPECT_EQ(server_.bootstrap_requests, 1);
  ASSERT_NE(server_.bs_peer, nullptr);

  // Bootstrap-Write /0/1: the LwM2M Server account (NoSec, ssid 1).
  const std::vector<lwm2m::Record> account = {
      {lwm2m::Path::Resource(0, 1, 0), std::string(Uri()), std::nullopt},
      {lwm2m::Path::Resource(0, 1, 1), false, std::nullopt},
      {lwm2m::Path::Resource(0, 1, 2), int64_t{kSecurityModeNoSec}, std::nullopt},
      {lwm2m::Path::Resource(0, 1, 10), int64_t{1}, std::nullopt}};
  std::vector<uint8_t> body;
  ASSERT_FALSE(lwm2m::EncodeSenmlCbor(lwm2m::Path::Instance(0, 1), account, &body));
  Request(server_.bs_peer, COAP_REQUEST_CODE_PUT, {"0", "1"}, "", body, 112);
  const std::string lifetime = "300";
  Request(server_.bs_peer, COAP_REQUEST_CODE_PUT, {"1", "0", "1"}, "",
          std::vector<uint8_t>(lifetime.begin(), lifetime.end()), 0);
  ASSERT_TRUE(Until([&] { return server_.answers.size() == 2; }));
  EXPECT_EQ(server_.answers, (std::vector<int>{COAP_RESPONSE_CODE_CHANGED, COAP_RESPONSE_CODE_CHANGED}));
  EXPECT_TRUE(server_.registers.empty());  // not before Finish

  Request(server_.bs_peer, COAP_REQUEST_CODE_POST, {"bs"});
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  EXPECT_EQ(server_.answers.back(), COAP_RESPONSE_CODE_CHANGED);
  EXPECT_EQ(client_->bootstrap()->state(), BootstrapState::kFinished);
  ASSERT_EQ(server_.registers.size(), 1u);
  const std::vector<std::string>& q = server_.registers[0];
  EXPECT_NE(std::find(q.begin(), q.end(), "ep=bs-dev"), q.end());
  EXPECT_NE(std::find(q.begin(), q.end(), "lt=300"), q.end());
  EXPECT_GE(client_->state_saves(), 1u);

  // The DM server sets an attribute: saved too.
  const uint64_t saves = client_->state_saves();
  Request(server_.dm_peer, COAP_REQUEST_CODE_PUT, {"42", "0", "2"}, "pmin=5");
  ASSERT_TRUE(Until([&] { return server_.answers.size() == 4; }));
  EXPECT_EQ(server_.answers.back(), COAP_RESPONSE_CODE_CHANGED);
  EXPECT_GT(client_->state_saves(), saves);

  // Reboot: the state file brings the account, lifetime and attribute back,
  // and Start registers without bootstrapping.
  MakeDevice();
  std::string error;
  ASSERT_TRUE(client_->SetStateFile(state_file_, &error)) << error;
  const lwm2m::NotificationAttributes* attrs = reg_->AttributesAt(lwm2m::Path::Resource(42, 0, 2));
  ASSERT_NE(attrs, nullptr);
  EXPECT_EQ(attrs->pmin, 5);
  ASSERT_TRUE(client_->Start(cfg));
  EXPECT_EQ(client_->bootstrap(), nullptr);
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  EXPECT_EQ(server_.bootstrap_requests, 1);
  ASSERT_EQ(server_.registers.size(), 2u);
  EXPECT_NE(std::find(server_.registers[1].begin(), server_.registers[1].end(), "lt=300"),
            server_.registers[1].end());
}

TEST_F(ClientBootstrapTest, CorruptStateFileIsRefused) {
  FILE* f = std::fopen(state_file_.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("not a state file", f);
  std::fclose(f);
  std::string error;
  EXPECT_FALSE(client_->SetStateFile(state_file_, &error));
  EXPECT_FALSE(error.empty());
}

// --- Security Mode 0: PSK from /0, registration over DTLS. ---

constexpr char kIdentity[] = "psk-dev";
constexpr char kKey[] = "psk-key-from-slash-0";

TEST_F(ClientBootstrapTest, PskAccountRegistersOverDtls) {
  if (!coap_dtls_is_supported()) GTEST_SKIP() << "libcoap was built without DTLS";
  coap_context_t* dtls = coap_new_context(nullptr);
  coap_dtls_spsk_t psk;
  std::memset(&psk, 0, sizeof psk);
  psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
  psk.psk_info.key = {std::strlen(kKey), reinterpret_cast<const uint8_t*>(kKey)};
  ASSERT_TRUE(coap_context_set_psk2(dtls, &psk));
  coap_address_t addr;
  coap_address_init(&addr);
  addr.addr.sin.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
  addr.size = sizeof(struct sockaddr_in);
  coap_endpoint_t* ep = coap_new_endpoint(dtls, &addr, COAP_PROTO_DTLS);
  ASSERT_NE(ep, nullptr);
  coap_resource_t* rd = coap_resource_init(coap_make_str_const("rd"), 0);
  coap_register_request_handler(rd, COAP_REQUEST_POST, OnRd);
  coap_add_resource(dtls, rd);

  ServerAccount dm;
  dm.instance = 0;
  dm.uri = "coaps://127.0.0.1:" + std::to_string(PortOf(ep));
  dm.security_mode = kSecurityModePsk;
  dm.identity.assign(kIdentity, kIdentity + std::strlen(kIdentity));
  dm.secret_key.assign(kKey, kKey + std::strlen(kKey));
  dm.short_server_id = 1;
  ASSERT_TRUE(AddServerAccount(*reg_, dm));
  ASSERT_TRUE(client_->Start(RegistrationConfig{}));
  bool ok = false;
  for (int i = 0; i < 500 && !ok; ++i) {
    client_->Step(0);
    coap_io_process(dtls, 2);
    ok = client_->registered();
  }
  EXPECT_TRUE(ok);
  EXPECT_EQ(server_.registers.size(), 1u);
  client_.reset();
  coap_free_context(dtls);
}

}  // namespace
}  // namespace lwcl::client
