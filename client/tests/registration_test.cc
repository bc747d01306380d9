#include "client/registration.h"

#include <gtest/gtest.h>

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

const std::string kObjects = "</1/0>,</3/0>";

RegistrationConfig Config() {
  RegistrationConfig c;
  c.endpoint = "dev1";
  c.lifetime_s = 300;
  return c;
}

TEST(RegistrationMachineTest, RegistersWithQueryAndObjectList) {
  RegistrationMachine m(Config());
  std::optional<OutgoingRequest> r = m.Poll(0, kObjects);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, CoapMethod::kPost);
  EXPECT_EQ(r->uri_path, (std::vector<std::string>{"rd"}));
  EXPECT_EQ(r->uri_query, (std::vector<std::string>{"ep=dev1", "lt=300", "lwm2m=1.1", "b=U"}));
  EXPECT_EQ(r->content_format, 40);
  EXPECT_EQ(r->payload, kObjects);
  EXPECT_EQ(m.state(), RegistrationState::kRegistering);
  EXPECT_FALSE(m.Poll(0, kObjects));  // one request in flight at a time
  m.OnResponse(1, CoapCode::kCreated, {"rd", "5a3f"});
  EXPECT_EQ(m.state(), RegistrationState::kRegistered);
  EXPECT_EQ(m.location(), (std::vector<std::string>{"rd", "5a3f"}));
}

TEST(RegistrationMachineTest, UpdatesBeforeLifetimeEnds) {
  RegistrationMachine m(Config());
  m.Poll(0, kObjects);
  m.OnResponse(0, CoapCode::kCreated, {"rd", "x"});
  EXPECT_EQ(m.NextWake(), 240.0);  // 300 s lifetime, 60 s margin
  EXPECT_FALSE(m.Poll(239, kObjects));
  std::optional<OutgoingRequest> u = m.Poll(240, kObjects);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uri_path, (std::vector<std::string>{"rd", "x"}));
  EXPECT_TRUE(u->payload.empty());  // object list unchanged
  m.OnResponse(241, CoapCode::kChanged, {});
  EXPECT_EQ(m.NextWake(), 481.0);
}

TEST(RegistrationMachineTest, UpdateCarriesChangedObjectList) {
  RegistrationMachine m(Config());
  m.Poll(0, kObjects);
  m.OnResponse(0, CoapCode::kCreated, {"rd", "x"});
  std::optional<OutgoingRequest> u = m.Poll(10, kObjects + ",</33650/0>");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->payload, kObjects + ",</33650/0>");
}

TEST(RegistrationMachineTest, BacksOffExponentially) {
  RegistrationMachine m(Config());
  double now = 0;
  std::vector<double> waits;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(m.Poll(now, kObjects));
    m.OnTimeout(now);
    waits.push_back(*m.NextWake() - now);
    EXPECT_FALSE(m.Poll(now + waits.back() - 0.5, kObjects));
    now += waits.back();
  }
  EXPECT_EQ(waits, (std::vector<double>{1, 2, 4, 8}));
  ASSERT_TRUE(m.Poll(now, kObjects));
  m.OnResponse(now, CoapCode::kCreated, {"rd", "y"});
  EXPECT_EQ(m.failures(), 0);
}

TEST(RegistrationMachineTest, ReRegistersWhenServerForgot) {
  RegistrationMachine m(Config());
  m.Poll(0, kObjects);
  m.OnResponse(0, CoapCode::kCreated, {"rd", "x"});
  m.RequestUpdate();
  ASSERT_TRUE(m.Poll(5, kObjects));
  m.OnResponse(5, CoapCode::kNotFound, {});
  std::optional<OutgoingRequest> r = m.Poll(5, kObjects);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->uri_path, (std::vector<std::string>{"rd"}));
}

TEST(RegistrationMachineTest, Deregisters) {
  RegistrationMachine m(Config());
  m.Poll(0, kObjects);
  m.OnResponse(0, CoapCode::kCreated, {"rd", "x"});
  m.RequestDeregister();
  std::optional<OutgoingRequest> d = m.Poll(1, kObjects);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->method, CoapMethod::kDelete);
  EXPECT_EQ(d->uri_path, (std::vector<std::string>{"rd", "x"}));
  m.OnResponse(1, CoapCode::kDeleted, {});
  EXPECT_EQ(m.state(), RegistrationState::kDeregistered);
  EXPECT_FALSE(m.Poll(1000, kObjects));
}

}  // namespace
}  // namespace lwcl::client
