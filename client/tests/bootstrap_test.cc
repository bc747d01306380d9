#include "client/bootstrap.h"

#include <gtest/gtest.h>

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

BootstrapConfig Config() {
  BootstrapConfig c;
  c.endpoint = "dev1";
  c.retry_initial_s = 2;
  c.retry_max_s = 10;
  c.server_wait_s = 100;
  return c;
}

TEST(BootstrapMachineTest, SendsBootstrapRequestWithEndpointAndPreferredFormat) {
  BootstrapConfig c = Config();
  c.preferred_content_format = 112;
  BootstrapMachine m(c);
  EXPECT_EQ(m.state(), BootstrapState::kIdle);
  EXPECT_EQ(m.NextWake(), 0.0);
  std::optional<OutgoingRequest> r = m.Poll(0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, CoapMethod::kPost);
  EXPECT_EQ(r->uri_path, (std::vector<std::string>{"bs"}));
  EXPECT_EQ(r->uri_query, (std::vector<std::string>{"ep=dev1", "pct=112"}));
  EXPECT_TRUE(r->payload.empty());
  EXPECT_EQ(m.state(), BootstrapState::kRequesting);
  EXPECT_FALSE(m.NextWake());
  EXPECT_FALSE(m.Poll(1));  // one request in flight at a time
}

TEST(BootstrapMachineTest, NoPctWhenNotConfiguredAndNoEpWhenEmpty) {
  BootstrapMachine m(Config());
  EXPECT_EQ(m.Poll(0)->uri_query, (std::vector<std::string>{"ep=dev1"}));
  BootstrapConfig c = Config();
  c.endpoint.clear();
  BootstrapMachine anon(c);
  EXPECT_TRUE(anon.Poll(0)->uri_query.empty());
}

TEST(BootstrapMachineTest, HappyPathToFinished) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnResponse(1, CoapCode::kChanged);
  EXPECT_EQ(m.state(), BootstrapState::kWaitingForServer);
  EXPECT_EQ(m.NextWake(), 101.0);
  m.OnServerRequest(50);  // a Bootstrap-Write restarts the wait
  EXPECT_EQ(m.NextWake(), 150.0);
  EXPECT_FALSE(m.Poll(149));
  EXPECT_EQ(m.state(), BootstrapState::kWaitingForServer);
  m.OnFinish(120, true);
  EXPECT_EQ(m.state(), BootstrapState::kFinished);
  EXPECT_FALSE(m.NextWake());
  EXPECT_FALSE(m.Poll(1000));
  EXPECT_EQ(m.failures(), 0);
}

TEST(BootstrapMachineTest, ErrorAnswersBackOffExponentiallyUpToTheCap) {
  BootstrapMachine m(Config());
  double now = 0;
  const double expected[] = {2, 4, 8, 10, 10};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.Poll(now)) << i;
    m.OnResponse(now, CoapCode::kBadRequest);
    EXPECT_EQ(m.state(), BootstrapState::kFailed);
    EXPECT_EQ(m.failures(), i + 1);
    ASSERT_TRUE(m.NextWake());
    EXPECT_EQ(*m.NextWake() - now, expected[i]) << i;
    EXPECT_FALSE(m.Poll(*m.NextWake() - 0.5));
    now = *m.NextWake();
  }
  ASSERT_TRUE(m.Poll(now));
  m.OnResponse(now, CoapCode::kChanged);
  m.OnFinish(now + 1, true);
  EXPECT_EQ(m.failures(), 0);  // a finished bootstrap resets the backoff
}

TEST(BootstrapMachineTest, TimeoutIsAFailure) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnTimeout(5);
  EXPECT_EQ(m.state(), BootstrapState::kFailed);
  EXPECT_EQ(m.NextWake(), 7.0);
  EXPECT_TRUE(m.Poll(7));
}

TEST(BootstrapMachineTest, NoFinishWithinServerWaitFailsAndRetries) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnResponse(0, CoapCode::kChanged);
  EXPECT_FALSE(m.Poll(99.9));
  EXPECT_FALSE(m.Poll(100));  // the wait ran out: now backing off
  EXPECT_EQ(m.state(), BootstrapState::kFailed);
  EXPECT_EQ(m.failures(), 1);
  EXPECT_EQ(m.NextWake(), 102.0);
  std::optional<OutgoingRequest> again = m.Poll(102);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->uri_path, (std::vector<std::string>{"bs"}));
}

TEST(BootstrapMachineTest, RefusedFinishKeepsWaitingForACorrectedOne) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnResponse(0, CoapCode::kChanged);
  m.OnFinish(10, false);
  EXPECT_EQ(m.state(), BootstrapState::kWaitingForServer);
  EXPECT_EQ(m.NextWake(), 110.0);
  m.OnServerRequest(20);
  m.OnFinish(30, true);
  EXPECT_EQ(m.state(), BootstrapState::kFinished);
}

TEST(BootstrapMachineTest, ServerRequestBeforeTheAnswerCountsAsAcceptance) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnServerRequest(1);  // the 2.04 is still on its way
  EXPECT_EQ(m.state(), BootstrapState::kWaitingForServer);
  m.OnResponse(2, CoapCode::kChanged);  // late answer changes nothing
  EXPECT_EQ(m.state(), BootstrapState::kWaitingForServer);
  EXPECT_EQ(m.NextWake(), 101.0);
}

TEST(BootstrapMachineTest, LateAnswersAndTimeoutsAreIgnored) {
  BootstrapMachine m(Config());
  m.OnResponse(0, CoapCode::kBadRequest);
  m.OnTimeout(0);
  EXPECT_EQ(m.state(), BootstrapState::kIdle);
  EXPECT_EQ(m.failures(), 0);
  m.Poll(0);
  m.OnResponse(0, CoapCode::kChanged);
  m.OnFinish(1, true);
  m.OnServerRequest(2);
  m.OnFinish(3, false);
  m.OnTimeout(4);
  EXPECT_EQ(m.state(), BootstrapState::kFinished);
}

TEST(BootstrapMachineTest, ServerDrivenBootstrapWhileBackingOff) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnTimeout(0);
  ASSERT_EQ(m.state(), BootstrapState::kFailed);
  m.OnServerRequest(1);
  EXPECT_EQ(m.state(), BootstrapState::kWaitingForServer);
  EXPECT_FALSE(m.Poll(2));  // no Bootstrap-Request while the server is at work
  m.OnFinish(3, true);
  EXPECT_EQ(m.state(), BootstrapState::kFinished);
}

TEST(BootstrapMachineTest, RestartBootstrapsAgain) {
  BootstrapMachine m(Config());
  m.Poll(0);
  m.OnResponse(0, CoapCode::kChanged);
  m.OnFinish(1, true);
  m.Restart(50);
  EXPECT_EQ(m.state(), BootstrapState::kIdle);
  EXPECT_EQ(m.NextWake(), 50.0);
  EXPECT_FALSE(m.Poll(49));
  EXPECT_TRUE(m.Poll(50));
}

TEST(BootstrapMachineTest, StateNames) {
  EXPECT_STREQ(BootstrapStateName(BootstrapState::kIdle), "idle");
  EXPECT_STREQ(BootstrapStateName(BootstrapState::kWaitingForServer), "waiting-for-server");
  EXPECT_STREQ(BootstrapStateName(BootstrapState::kFailed), "failed");
}

}  // namespace
}  // namespace lwcl::client
