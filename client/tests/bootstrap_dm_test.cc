#include "client/bootstrap_dm.h"

#include <gtest/gtest.h>

#include "client/security_object.h"
#include "client/standard_objects.h"
#include "lwm2m/senml.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::ContentFormat;
using lwm2m::Path;
using lwm2m::Record;

ServerInfo Server(uint16_t ssid, int64_t lifetime_s) {
  ServerInfo s;
  s.short_server_id = ssid;
  s.lifetime_s = lifetime_s;
  return s;
}

DeviceInfo Device(std::string serial) {
  DeviceInfo d;
  d.serial_number = std::move(serial);
  return d;
}


std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string Text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

constexpr uint16_t kSenmlJson = 110;

class BootstrapDmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sec = MakeSecurityObject();
    security_ = sec.get();
    reg_.Add(std::move(sec));
    ServerAccount bs;
    bs.instance = 0;
    bs.uri = "coap://192.0.2.1:5783";
    bs.bootstrap = true;
    ASSERT_TRUE(AddServerAccount(reg_, bs));
    auto server = MakeServerObject(Server(1, 300));
    server_ = server.get();
    reg_.Add(std::move(server));
    reg_.Add(MakeDeviceObject(Device("SN-1")));
    reg_.Add(std::make_unique<SimpleObject>(
        5, false, std::vector<ResourceSpec>{{3, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false}}));
  }

  DmResponse Do(CoapMethod m, std::vector<std::string> path, std::optional<uint16_t> cf = std::nullopt,
                std::string_view payload = {}, std::optional<uint16_t> accept = std::nullopt,
                bool* finished = nullptr) {
    DmRequest r;
    r.method = m;
    r.uri_path = std::move(path);
    r.content_format = cf;
    r.payload = Bytes(payload);
    r.accept = accept;
    return HandleBootstrapRequest(reg_, r, finished);
  }
  DmResponse Write(std::vector<std::string> path, std::string_view senml_json) {
    return Do(CoapMethod::kPut, std::move(path), kSenmlJson, senml_json);
  }
  DmResponse Finish(bool* finished) { return Do(CoapMethod::kPost, {"bs"}, {}, {}, {}, finished); }

  // Writes /0/1 (ssid 101) and /1/1 (ssid 101): a usable configuration.
  void WriteServer101() {
    ASSERT_EQ(Write({"0", "1"}, R"([{"bn":"/0/1/","n":"0","vs":"coap://198.51.100.7:5683"},)"
                                R"({"n":"1","vb":false},{"n":"2","v":3},{"n":"3","vd":""},)"
                                R"({"n":"4","vd":""},{"n":"5","vd":""},{"n":"10","v":101}])")
                  .code,
              CoapCode::kChanged);
    ASSERT_EQ(Write({"1", "1"}, R"([{"bn":"/1/1/","n":"0","v":101},{"n":"1","v":60},{"n":"7","vs":"U"}])").code,
              CoapCode::kChanged);
  }

  Registry reg_;
  SimpleObject* security_ = nullptr;
  SimpleObject* server_ = nullptr;
};

// --- Bootstrap-Write ---

TEST_F(BootstrapDmTest, WriteCreatesInstancesAndWritesReadOnlyResources) {
  WriteServer101();
  std::vector<ServerAccount> accounts = ServerAccounts(reg_);
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[1].instance, 1);
  EXPECT_EQ(accounts[1].uri, "coap://198.51.100.7:5683");
  EXPECT_EQ(accounts[1].short_server_id, 101);
  EXPECT_EQ(accounts[1].security_mode, kSecurityModeNoSec);
  // /1/1/0 Short Server ID is read-only for DM servers, writable in bootstrap.
  EXPECT_EQ(server_->Get(1, 0), lwm2m::Value{int64_t{101}});
  EXPECT_EQ(server_->Get(1, 1), lwm2m::Value{int64_t{60}});
  // Optional resources absent from the payload are not instantiated.
  EXPECT_FALSE(server_->Get(1, 2));
}

TEST_F(BootstrapDmTest, WriteOnObjectPopulatesSeveralInstances) {
  EXPECT_EQ(Write({"0"}, R"([{"bn":"/0/1/","n":"0","vs":"coap://a.example"},{"n":"10","v":7},)"
                         R"({"bn":"/0/2/","n":"0","vs":"coap://b.example"},{"n":"10","v":8}])")
                .code,
            CoapCode::kChanged);
  std::vector<ServerAccount> accounts = ServerAccounts(reg_);
  ASSERT_EQ(accounts.size(), 3u);
  EXPECT_EQ(accounts[2].uri, "coap://b.example");
  EXPECT_EQ(accounts[2].short_server_id, 8);
}

TEST_F(BootstrapDmTest, WriteInTlvAndPlainText) {
  std::vector<Record> recs = {{Path::Resource(1, 4, 0), int64_t{44}, {}},
                              {Path::Resource(1, 4, 1), int64_t{120}, {}},
                              {Path::Resource(1, 4, 7), std::string("U"), {}}};
  std::vector<uint8_t> tlv;
  ASSERT_FALSE(lwm2m::Encode(ContentFormat::kTlv, Path::Object(1), recs, &tlv));
  DmRequest r;
  r.method = CoapMethod::kPut;
  r.uri_path = {"1"};
  r.content_format = static_cast<uint16_t>(ContentFormat::kTlv);
  r.payload = tlv;
  EXPECT_EQ(HandleBootstrapRequest(reg_, r, nullptr).code, CoapCode::kChanged);
  EXPECT_EQ(server_->Get(4, 0), lwm2m::Value{int64_t{44}});
  EXPECT_EQ(server_->Get(4, 1), lwm2m::Value{int64_t{120}});

  // A single resource, in plain text, on an instance that does not exist yet.
  EXPECT_EQ(Do(CoapMethod::kPut, {"0", "5", "0"}, 0, "coaps://c.example").code, CoapCode::kChanged);
  EXPECT_EQ(security_->Get(5, 0), lwm2m::Value{std::string("coaps://c.example")});
}

TEST_F(BootstrapDmTest, WriteInSenmlCbor) {
  std::vector<Record> recs = {{Path::Resource(0, 6, 0), std::string("coaps://d.example:6000"), {}},
                              {Path::Resource(0, 6, 1), false, {}},
                              {Path::Resource(0, 6, 2), int64_t{0}, {}},
                              {Path::Resource(0, 6, 3), lwm2m::Opaque{'i', 'd'}, {}},
                              {Path::Resource(0, 6, 5), lwm2m::Opaque{9, 9}, {}},
                              {Path::Resource(0, 6, 10), int64_t{606}, {}}};
  std::vector<uint8_t> cbor;
  ASSERT_FALSE(lwm2m::EncodeSenmlCbor(Path::Instance(0, 6), recs, &cbor));
  DmRequest r;
  r.method = CoapMethod::kPut;
  r.uri_path = {"0", "6"};
  r.content_format = 112;
  r.payload = cbor;
  ASSERT_EQ(HandleBootstrapRequest(reg_, r, nullptr).code, CoapCode::kChanged);
  const ServerAccount a = ServerAccounts(reg_).back();
  EXPECT_EQ(a.instance, 6);
  EXPECT_EQ(a.security_mode, kSecurityModePsk);
  EXPECT_EQ(a.identity, (std::vector<uint8_t>{'i', 'd'}));
  EXPECT_EQ(a.secret_key, (std::vector<uint8_t>{9, 9}));
  EXPECT_EQ(a.short_server_id, 606);
}

TEST_F(BootstrapDmTest, WriteUpdatesAnExistingInstanceAndReplacesMultipleResources) {
  ASSERT_EQ(Write({"0", "0"}, R"([{"bn":"/0/0/","n":"16/0","v":1},{"n":"16/1","v":2}])").code, CoapCode::kChanged);
  ASSERT_EQ(Write({"0", "0"}, R"([{"bn":"/0/0/","n":"16/5","v":9},{"n":"11","v":30}])").code, CoapCode::kChanged);
  EXPECT_FALSE(security_->Get(0, 16, 0));
  EXPECT_FALSE(security_->Get(0, 16, 1));
  EXPECT_EQ(security_->Get(0, 16, 5), lwm2m::Value{uint64_t{9}});
  EXPECT_EQ(security_->Get(0, 11), lwm2m::Value{int64_t{30}});
  // Resources not in the payload are kept.
  EXPECT_EQ(security_->Get(0, 0), lwm2m::Value{std::string("coap://192.0.2.1:5783")});
  EXPECT_EQ(security_->Get(0, 1), lwm2m::Value{true});
}

TEST_F(BootstrapDmTest, WriteSkipsUnknownResources) {
  EXPECT_EQ(Write({"1", "2"}, R"([{"bn":"/1/2/","n":"0","v":5},{"n":"99","v":1},{"n":"1","v":10}])").code,
            CoapCode::kChanged);
  EXPECT_EQ(server_->Get(2, 0), lwm2m::Value{int64_t{5}});
  EXPECT_EQ(server_->Get(2, 1), lwm2m::Value{int64_t{10}});
}

TEST_F(BootstrapDmTest, WriteErrorsChangeNothing) {
  // Wrong type: "vs" text into a Boolean.
  DmResponse r = Write({"0", "3"}, R"([{"bn":"/0/3/","n":"0","vs":"coap://x"},{"n":"1","vs":"yes"}])");
  EXPECT_EQ(r.code, CoapCode::kBadRequest);
  EXPECT_FALSE(r.payload.empty());  // a diagnostic
  EXPECT_EQ(security_->Instances(), (std::vector<uint16_t>{0}));
  // Multiple-instance value into a single resource.
  EXPECT_EQ(Write({"1", "0"}, R"([{"bn":"/1/0/","n":"1/0","v":5}])").code, CoapCode::kBadRequest);
  // Records outside the target path.
  EXPECT_EQ(Write({"1", "0"}, R"([{"bn":"/1/1/","n":"1","v":5}])").code, CoapCode::kBadRequest);
  // Object level with a single-instance object getting a second instance.
  EXPECT_EQ(Write({"3", "1"}, R"([{"bn":"/3/1/","n":"0","vs":"x"}])").code, CoapCode::kBadRequest);
  EXPECT_EQ(server_->Instances(), (std::vector<uint16_t>{0}));
}

TEST_F(BootstrapDmTest, WriteRequestErrors) {
  EXPECT_EQ(Write({}, R"([{"n":"/1/0/1","v":5}])").code, CoapCode::kBadRequest);      // no object
  EXPECT_EQ(Write({"77"}, R"([{"n":"/77/0/1","v":5}])").code, CoapCode::kBadRequest);  // unknown object
  EXPECT_EQ(Do(CoapMethod::kPut, {"1", "0", "1"}, std::nullopt, "5").code, CoapCode::kBadRequest);
  EXPECT_EQ(Do(CoapMethod::kPut, {"1", "0", "1"}, 40, "</1>").code, CoapCode::kUnsupportedContentFormat);
  EXPECT_EQ(Do(CoapMethod::kPut, {"1", "0", "1"}, 9999, "5").code, CoapCode::kUnsupportedContentFormat);
  EXPECT_EQ(Write({"1", "0"}, "[{").code, CoapCode::kBadRequest);                       // malformed
  EXPECT_EQ(Do(CoapMethod::kPut, {"1"}, 0, "5").code, CoapCode::kBadRequest);           // plain text on an object
  EXPECT_EQ(Do(CoapMethod::kPut, {"x"}, 0, "5").code, CoapCode::kBadRequest);           // not a path
}

// --- Bootstrap-Discover ---

TEST_F(BootstrapDmTest, DiscoverRootListsEverythingWithServerAttributes) {
  WriteServer101();
  DmResponse r = Do(CoapMethod::kGet, {}, {}, {}, 40);
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, 40);
  EXPECT_EQ(Text(r.payload),
            "</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri=\"coap://198.51.100.7:5683\","
            "</1/0>;ssid=1,</1/1>;ssid=101,</3/0>,</5>");
  std::vector<lwm2m::Link> links;
  EXPECT_FALSE(lwm2m::ParseLinkFormat(Text(r.payload), &links));
}

TEST_F(BootstrapDmTest, DiscoverOneObject) {
  WriteServer101();
  DmResponse r = Do(CoapMethod::kGet, {"0"}, {}, {}, 40);
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(Text(r.payload), "</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri=\"coap://198.51.100.7:5683\"");
  EXPECT_EQ(Text(Do(CoapMethod::kGet, {"5"}, {}, {}, 40).payload), "</>;lwm2m=1.1,</5>");
  EXPECT_EQ(Do(CoapMethod::kGet, {"77"}, {}, {}, 40).code, CoapCode::kNotFound);
  EXPECT_EQ(Do(CoapMethod::kGet, {"1", "0"}, {}, {}, 40).code, CoapCode::kBadRequest);
}

// --- Bootstrap-Read ---

TEST_F(BootstrapDmTest, ReadServerObject) {
  DmResponse r = Do(CoapMethod::kGet, {"1"});
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, 112);
  std::vector<Record> recs;
  ASSERT_FALSE(lwm2m::DecodeSenmlCbor(r.payload, reg_.Resolver(), &recs));
  bool saw_ssid = false;
  for (const Record& rec : recs) saw_ssid |= rec.path == Path::Resource(1, 0, 0);
  EXPECT_TRUE(saw_ssid);

  r = Do(CoapMethod::kGet, {"1", "0"}, {}, {}, 110);
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_NE(Text(r.payload).find("\"bn\":\"/1/0/\""), std::string::npos);
}

TEST_F(BootstrapDmTest, ReadRefusesOtherTargets) {
  EXPECT_EQ(Do(CoapMethod::kGet, {"0"}).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kGet, {"0", "0"}).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kGet, {"3", "0"}).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kGet, {}).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kGet, {"1", "0", "1"}).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kGet, {"1", "9"}).code, CoapCode::kNotFound);
  EXPECT_EQ(Do(CoapMethod::kGet, {"2"}).code, CoapCode::kNotFound);  // no Access Control object here
  EXPECT_EQ(Do(CoapMethod::kGet, {"1"}, {}, {}, 9999).code, CoapCode::kNotAcceptable);
}

TEST_F(BootstrapDmTest, ReadAccessControlWhenPresent) {
  auto acl = std::make_unique<SimpleObject>(
      2, true, std::vector<ResourceSpec>{{0, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false}});
  acl->AddInstance(0);
  acl->Set(0, 0, int64_t{1});
  reg_.Add(std::move(acl));
  EXPECT_EQ(Do(CoapMethod::kGet, {"2"}).code, CoapCode::kContent);
  EXPECT_EQ(Do(CoapMethod::kGet, {"2", "0"}).code, CoapCode::kContent);
}

// --- Bootstrap-Delete ---

TEST_F(BootstrapDmTest, DeleteRootKeepsBootstrapAccountAndDevice) {
  WriteServer101();
  ASSERT_EQ(reg_.WriteAttributes(Path::Resource(1, 0, 1), std::vector<std::string>{"pmin=5"}), CoapCode::kChanged);
  EXPECT_EQ(Do(CoapMethod::kDelete, {}).code, CoapCode::kDeleted);
  EXPECT_EQ(security_->Instances(), (std::vector<uint16_t>{0}));
  EXPECT_TRUE(server_->Instances().empty());
  EXPECT_EQ(reg_.Find(3)->Instances(), (std::vector<uint16_t>{0}));
  EXPECT_TRUE(reg_.AllAttributes().empty());  // attributes went with /1/0
}

TEST_F(BootstrapDmTest, DeleteObjectAndInstance) {
  WriteServer101();
  EXPECT_EQ(Do(CoapMethod::kDelete, {"1", "1"}).code, CoapCode::kDeleted);
  EXPECT_EQ(server_->Instances(), (std::vector<uint16_t>{0}));
  EXPECT_EQ(Do(CoapMethod::kDelete, {"0"}).code, CoapCode::kDeleted);
  EXPECT_EQ(security_->Instances(), (std::vector<uint16_t>{0}));  // the bootstrap account stays
}

TEST_F(BootstrapDmTest, DeleteErrors) {
  EXPECT_EQ(Do(CoapMethod::kDelete, {"0", "0"}).code, CoapCode::kBadRequest);  // Bootstrap-Server account
  EXPECT_EQ(Do(CoapMethod::kDelete, {"3", "0"}).code, CoapCode::kBadRequest);  // Device
  EXPECT_EQ(Do(CoapMethod::kDelete, {"1", "7"}).code, CoapCode::kBadRequest);
  EXPECT_EQ(Do(CoapMethod::kDelete, {"77"}).code, CoapCode::kBadRequest);
  EXPECT_EQ(Do(CoapMethod::kDelete, {"1", "0", "1"}).code, CoapCode::kBadRequest);
  EXPECT_EQ(security_->Instances(), (std::vector<uint16_t>{0}));
  EXPECT_EQ(reg_.Find(3)->Instances(), (std::vector<uint16_t>{0}));
}

// --- Bootstrap-Finish ---

TEST_F(BootstrapDmTest, FinishRefusedWithoutAServerAccount) {
  bool finished = true;
  DmResponse r = Finish(&finished);
  EXPECT_EQ(r.code, CoapCode::kNotAcceptable);
  EXPECT_FALSE(finished);
  EXPECT_EQ(r.content_format, 0);
  EXPECT_NE(Text(r.payload).find("Short Server ID"), std::string::npos);
}

TEST_F(BootstrapDmTest, FinishAcceptedWithMatchingSecurityAndServer) {
  WriteServer101();
  bool finished = false;
  EXPECT_EQ(Finish(&finished).code, CoapCode::kChanged);
  EXPECT_TRUE(finished);
  EXPECT_EQ(Finish(nullptr).code, CoapCode::kChanged);  // null is fine
}

TEST_F(BootstrapDmTest, FinishRefusesInconsistentConfigurations) {
  bool finished = true;
  // Security 101 without a Server 101.
  ASSERT_EQ(Write({"0", "1"}, R"([{"bn":"/0/1/","n":"0","vs":"coap://h"},{"n":"1","vb":false},{"n":"10","v":101}])")
                .code,
            CoapCode::kChanged);
  EXPECT_EQ(Finish(&finished).code, CoapCode::kNotAcceptable);
  EXPECT_FALSE(finished);
  // Server 101 present but the URI is unusable.
  ASSERT_EQ(Write({"1", "1"}, R"([{"bn":"/1/1/","n":"0","v":101}])").code, CoapCode::kChanged);
  ASSERT_EQ(Write({"0", "1"}, R"([{"bn":"/0/1/","n":"0","vs":"http://h"}])").code, CoapCode::kChanged);
  EXPECT_EQ(Finish(&finished).code, CoapCode::kNotAcceptable);
  ASSERT_EQ(Write({"0", "1"}, R"([{"bn":"/0/1/","n":"0","vs":"coap://h"}])").code, CoapCode::kChanged);
  EXPECT_EQ(Finish(&finished).code, CoapCode::kChanged);
  // The same Short Server ID on two Security instances.
  ASSERT_EQ(Write({"0", "2"}, R"([{"bn":"/0/2/","n":"0","vs":"coap://g"},{"n":"1","vb":false},{"n":"10","v":101}])")
                .code,
            CoapCode::kChanged);
  EXPECT_EQ(Finish(&finished).code, CoapCode::kNotAcceptable);
  ASSERT_EQ(Do(CoapMethod::kDelete, {"0", "2"}).code, CoapCode::kDeleted);
  // A second Bootstrap-Server account.
  ASSERT_EQ(Write({"0", "3"}, R"([{"bn":"/0/3/","n":"0","vs":"coap://bs2"},{"n":"1","vb":true}])").code,
            CoapCode::kChanged);
  EXPECT_EQ(Finish(&finished).code, CoapCode::kNotAcceptable);
  EXPECT_FALSE(finished);
}

TEST_F(BootstrapDmTest, FullSequenceFromFactoryState) {
  EXPECT_EQ(Do(CoapMethod::kDelete, {}).code, CoapCode::kDeleted);
  WriteServer101();
  bool finished = false;
  EXPECT_EQ(Finish(&finished).code, CoapCode::kChanged);
  EXPECT_TRUE(finished);
  EXPECT_EQ(reg_.ObjectListText(), "</1/1>,</3/0>,</5>");
}

TEST_F(BootstrapDmTest, OtherMethodsAreNotAllowed) {
  EXPECT_EQ(Do(CoapMethod::kGet, {"bs"}).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kPost, {"1", "0"}, kSenmlJson, "[]").code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Do(CoapMethod::kPost, {"1", "0", "8"}).code, CoapCode::kMethodNotAllowed);  // no Execute in bootstrap
  EXPECT_EQ(Do(CoapMethod::kFetch, {"1"}).code, CoapCode::kMethodNotAllowed);
  bool finished = true;
  Do(CoapMethod::kGet, {"1"}, {}, {}, {}, &finished);
  EXPECT_FALSE(finished);
}

}  // namespace
}  // namespace lwcl::client
