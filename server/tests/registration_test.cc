#include <gtest/gtest.h>

#include "server/registration.h"
#include "server/registration_table.h"

namespace lwcl::server {
namespace {

RegisterParams Parse(std::vector<std::string> q, std::optional<std::string>* error = nullptr) {
  RegisterParams p;
  auto err = ParseRegisterQuery(q, &p);
  if (error) *error = err;
  return p;
}

TEST(RegisterQueryTest, ParsesEveryParameter) {
  const RegisterParams p = Parse({"ep=dev-1", "lt=300", "lwm2m=1.1", "b=U", "Q", "sms=123"});
  EXPECT_EQ(p.endpoint, "dev-1");
  EXPECT_EQ(p.lifetime_s, 300);
  EXPECT_EQ(p.version, "1.1");
  EXPECT_EQ(p.binding, "U");
  EXPECT_TRUE(p.queue_mode);
}

TEST(RegisterQueryTest, BindingUqMeansQueueMode) { EXPECT_TRUE(Parse({"ep=a", "b=UQ"}).queue_mode); }

TEST(RegisterQueryTest, RefusesBadValuesWithTheReason) {
  for (const std::vector<std::string>& q : std::vector<std::vector<std::string>>{
           {"ep="}, {"lt=abc"}, {"lt=0"}, {"lt=-5"}, {"lt=12x"}, {"b=X"}, {"b="}, {"lwm2m="}}) {
    std::optional<std::string> err;
    Parse(q, &err);
    ASSERT_TRUE(err.has_value()) << q[0];
    EXPECT_FALSE(err->empty());
  }
  std::optional<std::string> err;
  Parse({"lt=abc"}, &err);
  EXPECT_NE(err->find("abc"), std::string::npos);
}

TEST(ObjectLinksTest, AcceptsLinkFormatAndRefusesJunk) {
  std::vector<lwm2m::Link> links;
  EXPECT_FALSE(ValidateObjectLinks("</1/0>,</3/0>,</33650/0>", &links));
  EXPECT_EQ(links.size(), 3u);
  links.clear();
  EXPECT_TRUE(ValidateObjectLinks("", &links));
  EXPECT_TRUE(ValidateObjectLinks("<1/0", &links));
}

RegisterParams Reg(const std::string& ep, int64_t lt) {
  RegisterParams p;
  p.endpoint = ep;
  p.lifetime_s = lt;
  return p;
}

TEST(RegistrationTableTest, RegisterUpdateDeregister) {
  RegistrationTable t(0);
  const std::string loc = t.Register(Reg("a", 60), "</3/0>", "1.2.3.4:5", false, 100).location;
  EXPECT_EQ(loc.size(), 10u);
  ASSERT_NE(t.FindEndpoint("a"), nullptr);
  EXPECT_EQ(t.FindLocation(loc)->endpoint, "a");
  EXPECT_DOUBLE_EQ(t.FindEndpoint("a")->ExpiresAt(), 160);

  RegisterParams upd;
  upd.lifetime_s = 120;
  const Registration* r = t.Update(loc, upd, std::string("</3/0>,</5/0>"), "", 150);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->lifetime_s, 120);
  EXPECT_EQ(r->object_links, "</3/0>,</5/0>");
  EXPECT_EQ(r->peer, "1.2.3.4:5");  // unchanged when not given
  EXPECT_DOUBLE_EQ(r->ExpiresAt(), 270);
  EXPECT_EQ(t.Update("nope", upd, std::nullopt, "", 150), nullptr);

  EXPECT_FALSE(t.Deregister("nope").has_value());
  EXPECT_EQ(t.Deregister(loc)->endpoint, "a");
  EXPECT_EQ(t.FindEndpoint("a"), nullptr);
  EXPECT_EQ(t.size(), 0u);
}

TEST(RegistrationTableTest, NewRegisterReplacesTheOldOne) {
  RegistrationTable t(0);
  const std::string first = t.Register(Reg("a", 60), "</3/0>", "p", false, 0).location;
  std::optional<Registration> replaced;
  const std::string second = t.Register(Reg("a", 60), "</3/0>", "p", false, 1, &replaced).location;
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->location, first);
  EXPECT_NE(first, second);
  EXPECT_EQ(t.FindLocation(first), nullptr);
  EXPECT_EQ(t.size(), 1u);
}

TEST(RegistrationTableTest, ExpiresExactlyAfterLifetimeAndGrace) {
  RegistrationTable t(2);
  t.Register(Reg("a", 10), "</3/0>", "p", false, 0);
  t.Register(Reg("b", 20), "</3/0>", "p", false, 0);
  EXPECT_TRUE(t.Expire(11.9).empty());
  EXPECT_DOUBLE_EQ(*t.NextExpiry(), 12);
  auto gone = t.Expire(12);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].endpoint, "a");
  EXPECT_EQ(t.Expire(21).size(), 0u);
  EXPECT_EQ(t.Expire(22).size(), 1u);
}

TEST(RegistrationTableTest, RestoreKeepsLocation) {
  RegistrationTable t;
  Registration r;
  r.endpoint = "dev";
  r.location = "abc";
  r.updated_at = 5;
  t.Restore(r);
  EXPECT_EQ(t.FindLocation("abc")->endpoint, "dev");
}

}  // namespace
}  // namespace lwcl::server
