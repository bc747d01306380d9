#include "client/security_object.h"

#include <gtest/gtest.h>

#include "client/standard_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::Path;

ServerAccount Dm(uint16_t iid, uint16_t ssid, std::string uri) {
  ServerAccount a;
  a.instance = iid;
  a.uri = std::move(uri);
  a.short_server_id = ssid;
  return a;
}

TEST(SecurityObjectTest, DeclaresThe0XmlResourcesWithoutDmOperations) {
  std::unique_ptr<SimpleObject> o = MakeSecurityObject();
  EXPECT_EQ(o->id(), 0);
  EXPECT_TRUE(o->multiple_instances());
  EXPECT_TRUE(o->Instances().empty());
  struct Want {
    uint16_t id;
    lwm2m::DataType type;
  };
  const Want want[] = {{0, lwm2m::DataType::kString},   {1, lwm2m::DataType::kBoolean},
                       {2, lwm2m::DataType::kInteger},  {3, lwm2m::DataType::kOpaque},
                       {4, lwm2m::DataType::kOpaque},   {5, lwm2m::DataType::kOpaque},
                       {10, lwm2m::DataType::kInteger}, {11, lwm2m::DataType::kInteger},
                       {12, lwm2m::DataType::kInteger}, {16, lwm2m::DataType::kUnsignedInteger}};
  for (const Want& w : want) {
    const ResourceSpec* spec = o->FindResource(w.id);
    ASSERT_NE(spec, nullptr) << w.id;
    EXPECT_EQ(spec->type, w.type) << w.id;
    EXPECT_EQ(spec->operations, lwm2m::Operations::kNone) << w.id;
  }
  EXPECT_TRUE(o->FindResource(16)->multiple);
  EXPECT_FALSE(o->FindResource(10)->multiple);
}

TEST(SecurityObjectTest, AddServerAccountAndReadBack) {
  Registry reg;
  ServerAccount bs;
  bs.instance = 0;
  bs.uri = "coap://192.0.2.1:5783";
  bs.bootstrap = true;
  bs.hold_off_s = 5;
  bs.bootstrap_account_timeout_s = 3600;
  ASSERT_TRUE(AddServerAccount(reg, bs));  // registers /0 on the way
  ServerAccount dm = Dm(1, 101, "coaps://lwm2m.example.com");
  dm.security_mode = kSecurityModePsk;
  dm.identity = {'i', 'd'};
  dm.secret_key = {1, 2, 3};
  ASSERT_TRUE(AddServerAccount(reg, dm));

  std::vector<ServerAccount> got = ServerAccounts(reg);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].instance, 0);
  EXPECT_TRUE(got[0].bootstrap);
  EXPECT_EQ(got[0].uri, bs.uri);
  EXPECT_EQ(got[0].short_server_id, 0);  // none written for the bootstrap account
  EXPECT_EQ(got[0].hold_off_s, 5);
  EXPECT_EQ(got[0].bootstrap_account_timeout_s, 3600);
  EXPECT_EQ(got[0].security_mode, kSecurityModeNoSec);
  EXPECT_EQ(got[1].instance, 1);
  EXPECT_FALSE(got[1].bootstrap);
  EXPECT_EQ(got[1].short_server_id, 101);
  EXPECT_EQ(got[1].security_mode, kSecurityModePsk);
  EXPECT_EQ(got[1].identity, (std::vector<uint8_t>{'i', 'd'}));
  EXPECT_EQ(got[1].secret_key, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(got[1].uri, "coaps://lwm2m.example.com");

  // The same instance id replaces the account.
  ASSERT_TRUE(AddServerAccount(reg, Dm(1, 102, "coap://10.0.0.1")));
  got = ServerAccounts(reg);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].short_server_id, 102);
  EXPECT_TRUE(got[1].identity.empty());
}

TEST(SecurityObjectTest, NoSecurityObjectMeansNoAccounts) {
  Registry reg;
  EXPECT_TRUE(ServerAccounts(reg).empty());
}

TEST(SecurityObjectTest, DmServersCannotSeeOrTouchSecurity) {
  Registry reg;
  reg.Add(MakeServerObject({}));
  AddServerAccount(reg, Dm(0, 1, "coap://127.0.0.1"));
  std::vector<lwm2m::Record> out;
  EXPECT_EQ(reg.Read(Path::Resource(0, 0, 5), &out), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg.Write(Path::Resource(0, 0, 0), std::vector<lwm2m::Record>{{Path::Resource(0, 0, 0), std::string("x"), {}}},
                      true),
            CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg.ObjectListText(), "</1/0>");
}

TEST(ParseCoapUriTest, SchemesAndDefaultPorts) {
  EXPECT_EQ(ParseCoapUri("coap://192.0.2.1"), (CoapUri{false, "192.0.2.1", 5683}));
  EXPECT_EQ(ParseCoapUri("coaps://192.0.2.1"), (CoapUri{true, "192.0.2.1", 5684}));
  EXPECT_EQ(ParseCoapUri("COAPS://Server-1.example.com:15684/"), (CoapUri{true, "Server-1.example.com", 15684}));
  EXPECT_EQ(ParseCoapUri("coap://localhost:1"), (CoapUri{false, "localhost", 1}));
  EXPECT_EQ(ParseCoapUri("coap://10.0.0.255:65535"), (CoapUri{false, "10.0.0.255", 65535}));
  EXPECT_EQ(ParseCoapUri("coap://[::1]:5690"), (CoapUri{false, "::1", 5690}));
  EXPECT_EQ(ParseCoapUri("coaps://[2001:db8::1]"), (CoapUri{true, "2001:db8::1", 5684}));
  EXPECT_EQ(ParseCoapUri("coap://example.com."), (CoapUri{false, "example.com.", 5683}));
}

TEST(ParseCoapUriTest, RefusesWhatIsNotACoapServerUri) {
  for (const char* bad : {"", "coap://", "coap://:5683", "http://example.com", "coap:/example.com",
                          "example.com:5683", "coap://example.com:", "coap://example.com:0",
                          "coap://example.com:65536", "coap://example.com:99999", "coap://example.com:12a",
                          "coap://256.1.1.1", "coap://1.2.3", "coap://1.2.3.4.5", "coap://01.2.3.4",
                          "coap://exa mple.com", "coap://-bad.com", "coap://bad-.com", "coap://a..b",
                          "coap://user@host", "coap://host/path", "coap://host?q=1", "coap://[::1",
                          "coap://[zz::1]", "coap://[::1]x", "coaps+tcp://host", "coap://1.2.3.4:5683/x"}) {
    EXPECT_FALSE(ParseCoapUri(bad)) << bad;
  }
}

}  // namespace
}  // namespace lwcl::client
