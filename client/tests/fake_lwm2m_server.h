// FakeLwm2mServer: the small LwM2M server made of libcoap that the client's
// integration tests register with (the client stays independent of
// lwcl_server, so its tests bring their own). One context on 127.0.0.1, any
// free port, over UDP (NoSec), DTLS-PSK or DTLS with certificates:
//
//   POST /rd                 Register: 2.01, Location-Path rd/<location>
//   POST /rd/<location>      Update: 2.04        DELETE: De-register, 2.02
//   POST /dp                 Send: what `dp_handler` answers (4.04 without one)
//   POST /bs                 Bootstrap-Request: 2.04
//   anything else            4.04
//
// It records every request (in order) and every answer the client gives to
// the server's own requests (Request), and `log` interleaves the requests
// it serves and the answers as short words ("register", "update",
// "deregister", "send", "bootstrap", "notify:<payload>" for answers with
// Observe, "answer:<payload>" else), so tests can assert on ordering. Both ends step on the test thread
// (StepUntil); nothing here sleeps.
#ifndef LWCL_CLIENT_TESTS_FAKE_LWM2M_SERVER_H_
#define LWCL_CLIENT_TESTS_FAKE_LWM2M_SERVER_H_

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "test_objects.h"

namespace lwcl::client::testing {

// A request the client sent to the fake server.
struct FakeRequest {
  int method = 0;  // COAP_REQUEST_CODE_*
  std::vector<std::string> path;
  std::vector<std::string> query;
  std::string payload;
  int format = -1;  // Content-Format; -1 when absent

  // "ep=x&lt=60&" (each query option followed by '&').
  std::string QueryText() const {
    std::string text;
    for (const std::string& q : query) text += q + "&";
    return text;
  }
};

// What the client answered to one of the server's requests (or notified).
struct FakeAnswer {
  int code = 0;
  std::string payload;
  bool observe = false;  // carried an Observe option (a notification or an established observation)
};

class FakeLwm2mServer {
 public:
  // `location`: the registration's id after /rd/.
  explicit FakeLwm2mServer(std::string location = "abc") : location_(std::move(location)) {}
  ~FakeLwm2mServer() {
    if (ctx_ != nullptr) coap_free_context(ctx_);
  }
  FakeLwm2mServer(const FakeLwm2mServer&) = delete;
  FakeLwm2mServer& operator=(const FakeLwm2mServer&) = delete;

  // Plain UDP. Call after a Client exists (its constructor runs coap_startup).
  bool StartUdp() { return Open() && Listen(COAP_PROTO_UDP); }
  // DTLS with a pre-shared key; any identity the peer names.
  bool StartPsk(const std::string& key) {
    if (!Open()) return false;
    psk_key_ = key;
    coap_dtls_spsk_t psk;
    std::memset(&psk, 0, sizeof psk);
    psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
    psk.psk_info.key = {psk_key_.size(), reinterpret_cast<const uint8_t*>(psk_key_.data())};
    return coap_context_set_psk2(ctx_, &psk) && Listen(COAP_PROTO_DTLS);
  }
  // DTLS presenting `cert_pem` / `key_pem`, demanding a client certificate
  // that chains to `ca_pem`.
  bool StartPki(const std::string& cert_pem, const std::string& key_pem, const std::string& ca_pem) {
    if (!Open()) return false;
    cert_ = cert_pem;  // libcoap keeps pointers to the file names
    key_ = key_pem;
    ca_ = ca_pem;
    coap_dtls_pki_t pki;
    std::memset(&pki, 0, sizeof pki);
    pki.version = COAP_DTLS_PKI_SETUP_VERSION;
    pki.verify_peer_cert = 1;
    pki.check_common_ca = 1;
    pki.cert_chain_validation = 1;
    pki.cert_chain_verify_depth = 3;
    pki.pki_key.key_type = COAP_PKI_KEY_PEM;
    pki.pki_key.key.pem.public_cert = cert_.c_str();
    pki.pki_key.key.pem.private_key = key_.c_str();
    pki.pki_key.key.pem.ca_file = ca_.c_str();
    return coap_context_set_pki(ctx_, &pki) && Listen(COAP_PROTO_DTLS);
  }

  uint16_t port() const { return port_; }
  coap_context_t* context() const { return ctx_; }
  // One round of the server's I/O, waiting at most `wait_ms` (0: no wait).
  void Step(int wait_ms) { coap_io_process(ctx_, wait_ms == 0 ? COAP_IO_NO_WAIT : static_cast<uint32_t>(wait_ms)); }

  // Sends a CON request to the client on `to` (e.g. device): `path`
  // segments, an optional query, body in `format`, Observe and token.
  void Request(coap_session_t* to, coap_pdu_code_t method, const std::vector<std::string>& path,
               const std::string& query = "", const std::string& body = "", int format = -1,
               std::optional<uint32_t> observe = std::nullopt, std::vector<uint8_t> token = {}) {
    coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, method, to);
    if (token.empty()) {
      uint8_t t[8];
      size_t len = 0;
      coap_session_new_token(to, &len, t);
      token.assign(t, t + len);
    }
    coap_add_token(pdu, token.size(), token.data());
    uint8_t buf[4];
    // Options in ascending number: Observe 6, Uri-Path 11, Content-Format 12, Uri-Query 15.
    if (observe) coap_add_option(pdu, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, *observe), buf);
    for (const std::string& seg : path) {
      coap_add_option(pdu, COAP_OPTION_URI_PATH, seg.size(), reinterpret_cast<const uint8_t*>(seg.data()));
    }
    if (format >= 0) {
      coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
                      coap_encode_var_safe(buf, sizeof buf, static_cast<unsigned>(format)), buf);
    }
    if (!query.empty()) {
      coap_add_option(pdu, COAP_OPTION_URI_QUERY, query.size(), reinterpret_cast<const uint8_t*>(query.data()));
    }
    if (!body.empty()) coap_add_data(pdu, body.size(), reinterpret_cast<const uint8_t*>(body.data()));
    coap_send(to, pdu);
  }

  // The Register requests (POST /rd) so far.
  std::vector<FakeRequest> Registers() const {
    std::vector<FakeRequest> out;
    for (const FakeRequest& r : requests) {
      if (r.method == COAP_REQUEST_CODE_POST && r.path == std::vector<std::string>{"rd"}) out.push_back(r);
    }
    return out;
  }

  // Behaviour the test may change.
  // Answers POST /dp (the code); unset: 4.04, as a server without Send.
  std::function<int(const FakeRequest&)> dp_handler;

  // What happened.
  std::vector<FakeRequest> requests;  // every request, in order
  std::vector<FakeAnswer> answers;    // every answer to Request, and notifications
  std::vector<std::string> log;       // both, as words (see the top)
  coap_session_t* device = nullptr;          // the session the last Register came on
  coap_session_t* bootstrap_peer = nullptr;  // the session the last Bootstrap-Request came on

 private:
  static FakeLwm2mServer* Of(coap_session_t* session) {
    return static_cast<FakeLwm2mServer*>(coap_get_app_data(coap_session_get_context(session)));
  }

  static FakeRequest Decode(const coap_pdu_t* pdu) {
    FakeRequest r;
    r.method = coap_pdu_get_code(pdu);
    coap_opt_iterator_t it;
    coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
    while (coap_opt_t* opt = coap_option_next(&it)) {
      std::string v(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
      if (it.number == COAP_OPTION_URI_PATH) r.path.push_back(v);
      if (it.number == COAP_OPTION_URI_QUERY) r.query.push_back(v);
      if (it.number == COAP_OPTION_CONTENT_FORMAT) {
        r.format = static_cast<int>(coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt)));
      }
    }
    size_t len = 0, off = 0, total = 0;
    const uint8_t* data = nullptr;
    if (coap_get_data_large(pdu, &len, &data, &off, &total) && data) r.payload.assign(data, data + len);
    return r;
  }

  static void OnRequest(coap_resource_t*, coap_session_t* session, const coap_pdu_t* req, const coap_string_t*,
                        coap_pdu_t* resp) {
    FakeLwm2mServer* self = Of(session);
    FakeRequest r = Decode(req);
    const bool post = r.method == COAP_REQUEST_CODE_POST;
    int code = COAP_RESPONSE_CODE_NOT_FOUND;
    std::string word;  // stays empty for what this server does not serve
    if (post && r.path == std::vector<std::string>{"rd"}) {
      word = "register";
      self->device = session;
      code = COAP_RESPONSE_CODE_CREATED;
      coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, reinterpret_cast<const uint8_t*>("rd"));
      coap_add_option(resp, COAP_OPTION_LOCATION_PATH, self->location_.size(),
                      reinterpret_cast<const uint8_t*>(self->location_.data()));
    } else if (r.path == std::vector<std::string>{"rd", self->location_} &&
               (post || r.method == COAP_REQUEST_CODE_DELETE)) {
      word = post ? "update" : "deregister";
      code = post ? COAP_RESPONSE_CODE_CHANGED : COAP_RESPONSE_CODE_DELETED;
    } else if (post && r.path == std::vector<std::string>{"dp"} && self->dp_handler) {
      word = "send";
      code = self->dp_handler(r);
    } else if (post && r.path == std::vector<std::string>{"bs"}) {
      word = "bootstrap";
      self->bootstrap_peer = session;
      code = COAP_RESPONSE_CODE_CHANGED;
    }
    self->requests.push_back(std::move(r));
    if (!word.empty()) self->log.push_back(word);
    coap_pdu_set_code(resp, static_cast<coap_pdu_code_t>(code));
  }

  static coap_response_t OnAnswer(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received,
                                  const coap_mid_t) {
    FakeLwm2mServer* self = Of(session);
    FakeAnswer a;
    a.code = coap_pdu_get_code(received);
    coap_opt_iterator_t it;
    a.observe = coap_check_option(received, COAP_OPTION_OBSERVE, &it) != nullptr;
    size_t len = 0, off = 0, total = 0;
    const uint8_t* data = nullptr;
    if (coap_get_data_large(received, &len, &data, &off, &total) && data) a.payload.assign(data, data + len);
    self->log.push_back((a.observe ? "notify:" : "answer:") + a.payload);
    self->answers.push_back(std::move(a));
    return COAP_RESPONSE_OK;
  }

  bool Open() {
    ctx_ = coap_new_context(nullptr);
    if (ctx_ == nullptr) return false;
    coap_set_app_data(ctx_, this);
    coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_response_handler(ctx_, OnAnswer);
    coap_resource_t* any = coap_resource_unknown_init2(OnRequest, 0);
    for (coap_request_t m : {COAP_REQUEST_GET, COAP_REQUEST_POST, COAP_REQUEST_PUT, COAP_REQUEST_DELETE}) {
      coap_register_request_handler(any, m, OnRequest);
    }
    coap_add_resource(ctx_, any);
    return true;
  }

  bool Listen(coap_proto_t proto) {
    coap_address_t addr;
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    addr.addr.sin.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
    addr.size = sizeof(struct sockaddr_in);
    coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, proto);
    if (ep == nullptr) return false;
    const std::string text = coap_endpoint_str(ep);
    port_ = static_cast<uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
    return true;
  }

  std::string location_;
  coap_context_t* ctx_ = nullptr;
  uint16_t port_ = 0;
  std::string psk_key_, cert_, key_, ca_;
};

// Steps the client and the server in turn until `done()` (bounded: a
// failure, not a hang); returns done().
inline bool StepUntil(Client& client, FakeLwm2mServer& server, const std::function<bool()>& done, int rounds = 500,
                      int wait_ms = 5) {
  for (int i = 0; i < rounds && !done(); ++i) {
    client.Step(0);
    server.Step(wait_ms);
  }
  return done();
}

// A fixture: a Client over a Registry holding the test object /42 (obj_),
// on a hand-driven clock (now_), and a FakeLwm2mServer answering
// Location-Path rd/<location>. Derived fixtures start the server
// (StartUdp, StartPsk, StartPki) in their SetUp.
class FakeServerTest : public ::testing::Test {
 protected:
  FakeServerTest(std::string location, double now) : server_(std::move(location)), now_(now) {}
  void SetUp() override {
    client_ = std::make_unique<Client>(reg_);  // runs coap_startup
    auto o = MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_->SetClock([this] { return now_; });
  }
  void TearDown() override { client_.reset(); }
  // Steps both ends until `done` (bounded: a failure, not a hang).
  bool Until(const std::function<bool()>& done, int rounds = 500, int wait_ms = 5) {
    return StepUntil(*client_, server_, done, rounds, wait_ms);
  }
  // The usual first steps: registered once as `endpoint` (with
  // Location-Path rd/<location>), then the server reads /42/0/0 over the
  // registration session and gets the test object's "hello".
  void ExpectRegisteredAndReadable(const std::string& endpoint, const std::string& location, int rounds) {
    ASSERT_TRUE(Until([&] { return client_->registered(); }, rounds));
    ASSERT_EQ(server_.Registers().size(), 1u);
    EXPECT_NE(server_.Registers()[0].QueryText().find("ep=" + endpoint), std::string::npos);
    EXPECT_EQ(client_->registration()->location(), (std::vector<std::string>{"rd", location}));

    ASSERT_NE(server_.device, nullptr);
    server_.Request(server_.device, COAP_REQUEST_CODE_GET, {"42", "0", "0"});
    ASSERT_TRUE(Until([&] { return !server_.answers.empty(); }, rounds));
    EXPECT_EQ(server_.answers[0].code, COAP_RESPONSE_CODE_CONTENT);
    EXPECT_EQ(server_.answers[0].payload, "hello");
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  FakeLwm2mServer server_;
  double now_ = 0;
};

}  // namespace lwcl::client::testing

#endif  // LWCL_CLIENT_TESTS_FAKE_LWM2M_SERVER_H_
