// The Client over DTLS with X.509 certificates, against real peers on
// 127.0.0.1. Once per suite, the openssl CLI makes a throwaway CA with a
// server and a client certificate, and a second, unrelated CA with its own
// pair (the impostors). libcoap's coap-client-openssl (libcoap3-bin) drives
// the DM side on ListenDtlsPki (coaps://), and a libcoap DTLS server context
// set up with coap_context_set_pki plays the LwM2M server for registration.
// A peer whose certificate chains to the other CA is refused either way.
#include <coap3/coap.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "client/client.h"
#include "fake_lwm2m_server.h"
#include "peer_process.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

using test_support::RunCommand;
bool Have(const std::string& tool) { return test_support::HavePeer(tool); }

// The throwaway PKI: <dir>/<name>.pem and <name>.key for the CAs "ca" and
// "otherca", and the leaves "server", "client" (signed by ca) and
// "rogueserver", "rogueclient" (signed by otherca). P-256 keys, valid 2 days.
struct TestPki {
  std::string dir;
  std::string error;  // why the PKI could not be made; empty when it was

  std::string Pem(const std::string& name) const { return dir + "/" + name + ".pem"; }
  std::string Key(const std::string& name) const { return dir + "/" + name + ".key"; }
  PkiCredentials Credentials(const std::string& leaf, const std::string& ca, bool verify = true) const {
    return PkiCredentials{Pem(leaf), Key(leaf), Pem(ca), verify};
  }
};

TestPki* g_pki = nullptr;

bool Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

void MakePki(TestPki& pki) {
  if (!Have("openssl")) {
    pki.error = "the openssl CLI is not installed (needed to make test certificates)";
    return;
  }
  char tmpl[] = "/tmp/lwcl_pki_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    pki.error = "mkdtemp failed";
    return;
  }
  pki.dir = tmpl;
  const std::string curve = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  auto ca = [&](const std::string& name) {
    return Sh("openssl req -x509" + curve + " -days 2 -subj /CN=lwcl-test-" + name + " -keyout " + pki.Key(name) +
              " -out " + pki.Pem(name));
  };
  int serial = 1;
  auto leaf = [&](const std::string& name, const std::string& issuer) {
    const std::string csr = pki.dir + "/" + name + ".csr";
    return Sh("openssl req -new" + curve + " -subj /CN=" + name + " -keyout " + pki.Key(name) + " -out " + csr) &&
           Sh("openssl x509 -req -days 2 -in " + csr + " -CA " + pki.Pem(issuer) + " -CAkey " + pki.Key(issuer) +
              " -set_serial " + std::to_string(++serial) + " -out " + pki.Pem(name));
  };
  if (!ca("ca") || !ca("otherca") || !leaf("server", "ca") || !leaf("client", "ca") ||
      !leaf("rogueserver", "otherca") || !leaf("rogueclient", "otherca")) {
    pki.error = "openssl failed to make the test certificates in " + pki.dir;
  }
}

// Makes the PKI on first use; the suites that need it share one.
const TestPki& Pki() {
  if (g_pki == nullptr) {
    g_pki = new TestPki;
    MakePki(*g_pki);
  }
  return *g_pki;
}

class PkiEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_pki == nullptr) return;
    std::error_code ignored;
    if (!g_pki->dir.empty()) std::filesystem::remove_all(g_pki->dir, ignored);
    delete g_pki;
    g_pki = nullptr;
  }
};
[[maybe_unused]] const ::testing::Environment* const kPkiEnvironment =
    ::testing::AddGlobalTestEnvironment(new PkiEnvironment);

// --- ListenDtlsPki, driven by coap-client-openssl. ---

class ClientDtlsPkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Pki().error.empty()) GTEST_SKIP() << "SKIPPING DTLS-PKI test: " << Pki().error;
    if (!Have("coap-client-openssl")) {
      GTEST_SKIP() << "SKIPPING DTLS-PKI test: coap-client-openssl (libcoap3-bin) is not installed";
    }
    if (!coap_dtls_is_supported()) GTEST_SKIP() << "SKIPPING DTLS-PKI test: libcoap was built without DTLS";
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_ = std::make_unique<Client>(reg_);
    port_ = client_->ListenDtlsPki("127.0.0.1", 0, Pki().Credentials("server", "ca"));
    ASSERT_NE(port_, 0);
  }

  // coap-client-openssl presenting certificate `leaf` (none when empty) and
  // trusting `ca` for our server certificate, with `args` on
  // coaps://127.0.0.1:port`path`; returns its output.
  std::string Peer(const std::string& args, const std::string& path, const std::string& leaf = "client",
                   const std::string& ca = "ca") {
    std::string creds = " -R " + Pki().Pem(ca);
    if (!leaf.empty()) creds += " -c " + Pki().Pem(leaf) + " -j " + Pki().Key(leaf);
    const std::string cmd = "timeout 10 coap-client-openssl -B 4" + creds + " " + args + " coaps://127.0.0.1:" +
                            std::to_string(port_) + path + " 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
    std::string out = f.get();
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  uint16_t port_ = 0;
};

TEST_F(ClientDtlsPkiTest, ReadsAndWritesWithClientCertificate) {
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
  Peer("-m put -t 0 -e world", "/42/0/0");
  EXPECT_EQ(obj_->Get(0, 0), lwm2m::Value(std::string("world")));
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "world");
  EXPECT_EQ(client_->requests_handled(), 3u);
}

TEST_F(ClientDtlsPkiTest, ClientCertificateFromAnotherCaIsRefused) {
  // coap-client prints only its handshake errors (unknown CA): no value.
  const std::string out = Peer("-m get -A 0", "/42/0/0", "rogueclient");
  EXPECT_EQ(out.find("hello"), std::string::npos) << out;
  EXPECT_EQ(client_->requests_handled(), 0u);
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");  // and the right certificate still works
}

TEST_F(ClientDtlsPkiTest, PeerWithoutCertificateIsRefused) {
  const std::string out = Peer("-m get -A 0", "/42/0/0", "");
  EXPECT_EQ(out.find("hello"), std::string::npos) << out;
  EXPECT_EQ(client_->requests_handled(), 0u);
}

TEST_F(ClientDtlsPkiTest, PeerTrustingAnotherCaRefusesOurServerCertificate) {
  // The peer's side of the same check: our certificate does not chain to otherca.
  const std::string out = Peer("-m get -A 0", "/42/0/0", "client", "otherca");
  EXPECT_EQ(out.find("hello"), std::string::npos) << out;
  EXPECT_EQ(client_->requests_handled(), 0u);
}

// Refusals that need no peer.
TEST(ClientDtlsPkiSetupTest, ListenAndConnectRefuseUnusableCredentials) {
  if (!Pki().error.empty()) GTEST_SKIP() << "SKIPPING DTLS-PKI test: " << Pki().error;
  Registry reg;
  Client client(reg);
  if (!coap_dtls_is_supported()) GTEST_SKIP() << "SKIPPING DTLS-PKI test: libcoap was built without DTLS";
  PkiCredentials missing = Pki().Credentials("client", "ca");
  missing.certificate_pem_file = Pki().dir + "/no-such.pem";
  EXPECT_EQ(client.ListenDtlsPki("127.0.0.1", 0, missing), 0);
  PkiCredentials no_ca = Pki().Credentials("server", "ca");
  no_ca.ca_pem_file.clear();
  EXPECT_EQ(client.ListenDtlsPki("127.0.0.1", 0, no_ca), 0);  // verify_peer needs a CA

  Endpoint e;
  e.host = "127.0.0.1";
  e.port = 5684;
  e.dtls = true;
  e.pki = missing;
  EXPECT_FALSE(client.Connect(e, RegistrationConfig{}));
  EXPECT_EQ(client.registration(), nullptr);
}

// --- Registration over DTLS-PKI against a libcoap server in the test. ---

class ClientDtlsPkiRegistrationTest : public testing::FakeServerTest {
 protected:
  ClientDtlsPkiRegistrationTest() : FakeServerTest("9", 100) {}
  void SetUp() override {
    if (!Pki().error.empty()) GTEST_SKIP() << "SKIPPING DTLS-PKI test: " << Pki().error;
    FakeServerTest::SetUp();
    if (!coap_dtls_is_supported()) GTEST_SKIP() << "SKIPPING DTLS-PKI test: libcoap was built without DTLS";
  }
  // Starts the LwM2M server presenting certificate `leaf`, demanding a
  // client certificate that chains to "ca".
  void StartServer(const std::string& leaf) {
    ASSERT_TRUE(server_.StartPki(Pki().Pem(leaf), Pki().Key(leaf), Pki().Pem("ca")));
  }
  bool Until(const std::function<bool()>& done) { return FakeServerTest::Until(done, 1000); }
  Endpoint Server(const PkiCredentials& pki) {
    Endpoint e;
    e.host = "127.0.0.1";
    e.port = server_.port();
    e.dtls = true;
    e.pki = pki;
    return e;
  }
};

TEST_F(ClientDtlsPkiRegistrationTest, RegistersAndIsReadOverDtlsPki) {
  ASSERT_NO_FATAL_FAILURE(StartServer("server"));
  RegistrationConfig cfg;
  cfg.endpoint = "pki-dev";
  ASSERT_TRUE(client_->Connect(Server(Pki().Credentials("client", "ca")), cfg));
  ExpectRegisteredAndReadable("pki-dev", "9", 1000);
}

TEST_F(ClientDtlsPkiRegistrationTest, ServerCertificateFromWrongCaNeverRegisters) {
  ASSERT_NO_FATAL_FAILURE(StartServer("rogueserver"));
  ASSERT_TRUE(client_->Connect(Server(Pki().Credentials("client", "ca")), RegistrationConfig{}));
  Until([&] { return client_->registered(); });
  EXPECT_FALSE(client_->registered());
  EXPECT_TRUE(server_.Registers().empty());
}

TEST_F(ClientDtlsPkiRegistrationTest, VerifyPeerOffAcceptsServerFromAnyCa) {
  // The same impostor server, with verification off: why verify_peer defaults on.
  ASSERT_NO_FATAL_FAILURE(StartServer("rogueserver"));
  ASSERT_TRUE(client_->Connect(Server(Pki().Credentials("client", "ca", false)), RegistrationConfig{}));
  EXPECT_TRUE(Until([&] { return client_->registered(); }));
  EXPECT_EQ(server_.Registers().size(), 1u);
}

TEST_F(ClientDtlsPkiRegistrationTest, ServerRefusesClientCertificateFromWrongCa) {
  ASSERT_NO_FATAL_FAILURE(StartServer("server"));
  ASSERT_TRUE(client_->Connect(Server(Pki().Credentials("rogueclient", "ca")), RegistrationConfig{}));
  Until([&] { return client_->registered(); });
  EXPECT_FALSE(client_->registered());
  EXPECT_TRUE(server_.Registers().empty());
}

}  // namespace
}  // namespace lwcl::client
