#include "client/dm_request.h"

#include <gtest/gtest.h>

#include "client/security_object.h"
#include "test_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::ContentFormat;
using lwm2m::Path;
using lwm2m::Value;

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string Text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

class DmRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::MakeTestObject(&executed_);
    obj_ = o.get();
    reg_.Add(std::move(o));
  }
  DmRequest Req(CoapMethod m, std::vector<std::string> path) {
    DmRequest r;
    r.method = m;
    r.uri_path = std::move(path);
    return r;
  }
  Registry reg_;
  SimpleObject* obj_ = nullptr;
  int executed_ = 0;
};

TEST_F(DmRequestTest, PathFromSegments) {
  EXPECT_EQ(PathFromSegments({"3", "0", "1"}), Path::Resource(3, 0, 1));
  EXPECT_EQ(PathFromSegments({}), Path::Root());
  EXPECT_FALSE(PathFromSegments({"rd"}));
  EXPECT_FALSE(PathFromSegments({"01"}));
  EXPECT_FALSE(PathFromSegments({"65535"}));
  EXPECT_FALSE(PathFromSegments({"1", "2", "3", "4", "5"}));
}

TEST_F(DmRequestTest, ReadDefaultsToPlainTextForOneValue) {
  DmResponse r = HandleDmRequest(reg_, Req(CoapMethod::kGet, {"42", "0", "0"}));
  EXPECT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, 0);
  EXPECT_EQ(Text(r.payload), "hello");
}

TEST_F(DmRequestTest, ReadHonoursAcceptAndRefusesUnknownOnes) {
  DmRequest q = Req(CoapMethod::kGet, {"42", "0"});
  q.accept = static_cast<uint16_t>(ContentFormat::kSenmlJson);
  DmResponse r = HandleDmRequest(reg_, q);
  EXPECT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, 110);
  EXPECT_NE(Text(r.payload).find("hello"), std::string::npos);

  q.accept = 9999;
  EXPECT_EQ(HandleDmRequest(reg_, q).code, CoapCode::kNotAcceptable);
  // Plain text cannot carry a whole instance.
  q.accept = 0;
  EXPECT_EQ(HandleDmRequest(reg_, q).code, CoapCode::kNotAcceptable);

  DmResponse d = HandleDmRequest(reg_, Req(CoapMethod::kGet, {"42", "0"}));
  EXPECT_EQ(d.content_format, 112);
}

TEST_F(DmRequestTest, DiscoverWithAccept40) {
  DmRequest q = Req(CoapMethod::kGet, {"42", "0", "3"});
  q.accept = 40;
  DmResponse r = HandleDmRequest(reg_, q);
  EXPECT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(Text(r.payload), "</42/0/3>;dim=2");
}

TEST_F(DmRequestTest, WriteAndContentFormatErrors) {
  DmRequest w = Req(CoapMethod::kPut, {"42", "0", "2"});
  w.content_format = 0;
  w.payload = Bytes("2.25");
  EXPECT_EQ(HandleDmRequest(reg_, w).code, CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 2), Value(2.25));

  w.content_format = 40;  // link format is no data format
  EXPECT_EQ(HandleDmRequest(reg_, w).code, CoapCode::kUnsupportedContentFormat);
  w.content_format = 4242;
  EXPECT_EQ(HandleDmRequest(reg_, w).code, CoapCode::kUnsupportedContentFormat);
  w.content_format = static_cast<uint16_t>(ContentFormat::kSenmlJson);
  w.payload = Bytes("[{\"n\":");  // truncated
  EXPECT_EQ(HandleDmRequest(reg_, w).code, CoapCode::kBadRequest);
  w.content_format.reset();
  EXPECT_EQ(HandleDmRequest(reg_, w).code, CoapCode::kBadRequest);
}

TEST_F(DmRequestTest, PartialUpdateWithSenml) {
  DmRequest w = Req(CoapMethod::kPost, {"42", "0"});
  w.content_format = static_cast<uint16_t>(ContentFormat::kSenmlJson);
  w.payload = Bytes(R"([{"bn":"/42/0/","n":"0","vs":"upd"},{"n":"3/4","v":44}])");
  EXPECT_EQ(HandleDmRequest(reg_, w).code, CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("upd")));
  EXPECT_EQ(obj_->Get(0, 3, 4), Value(int64_t{44}));
  EXPECT_EQ(obj_->Get(0, 3, 0), Value(int64_t{10}));  // partial: others kept
}

TEST_F(DmRequestTest, ExecuteCreateDeleteAttributes) {
  EXPECT_EQ(HandleDmRequest(reg_, Req(CoapMethod::kPost, {"42", "0", "4"})).code, CoapCode::kChanged);
  EXPECT_EQ(executed_, 1);

  DmResponse c = HandleDmRequest(reg_, Req(CoapMethod::kPost, {"42"}));
  EXPECT_EQ(c.code, CoapCode::kCreated);
  EXPECT_EQ(c.location_path, (std::vector<std::string>{"42", "1"}));
  EXPECT_EQ(HandleDmRequest(reg_, Req(CoapMethod::kDelete, {"42", "1"})).code, CoapCode::kDeleted);

  DmRequest a = Req(CoapMethod::kPut, {"42", "0", "2"});
  a.uri_query = {"pmin=5", "gt=3"};
  EXPECT_EQ(HandleDmRequest(reg_, a).code, CoapCode::kChanged);
  ASSERT_NE(reg_.AttributesAt(Path::Resource(42, 0, 2)), nullptr);
  EXPECT_EQ(reg_.AttributesAt(Path::Resource(42, 0, 2))->gt, 3.0);

  EXPECT_EQ(HandleDmRequest(reg_, Req(CoapMethod::kGet, {"rd"})).code, CoapCode::kNotFound);
  EXPECT_EQ(HandleDmRequest(reg_, Req(CoapMethod::kFetch, {"42"})).code, CoapCode::kMethodNotAllowed);
}

TEST_F(DmRequestTest, SecurityObjectIsRefusedToDmServers) {
  reg_.Add(MakeSecurityObject());
  ServerAccount account;
  account.instance = 0;
  account.uri = "coap://127.0.0.1:5683";
  account.short_server_id = 1;
  account.secret_key = {1, 2, 3};
  ASSERT_TRUE(AddServerAccount(reg_, account));
  for (CoapMethod m : {CoapMethod::kGet, CoapMethod::kPut, CoapMethod::kPost, CoapMethod::kDelete}) {
    DmRequest req;
    req.method = m;
    req.uri_path = {"0", "0"};
    EXPECT_EQ(HandleDmRequest(reg_, req).code, CoapCode::kUnauthorized);
  }
  DmRequest discover;
  discover.uri_path = {"0"};
  discover.accept = 40;
  EXPECT_EQ(HandleDmRequest(reg_, discover).code, CoapCode::kUnauthorized);
}

}  // namespace
}  // namespace lwcl::client
