#include "device/fleet.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "server/lwm2m_server.h"
#include "synthetic_motion.h"

namespace lwcl::device {
namespace {

TEST(FleetTest, DerivesOneKeyPerDevice) {
  const std::vector<uint8_t> base = {0xab, 0xcd};
  EXPECT_EQ(DerivePskKey(base, 0), (std::vector<uint8_t>{0xab, 0xcd, 0, 0, 0, 0}));
  EXPECT_EQ(DerivePskKey(base, 258), (std::vector<uint8_t>{0xab, 0xcd, 0, 0, 1, 2}));
}

TEST(FleetTest, RefusesABadModelBeforeAnyThreadRuns) {
  FleetOptions o;
  o.devices = 3;
  o.model = std::vector<uint8_t>(40, 7);
  o.server.host = "127.0.0.1";
  o.make_source = [](size_t, uint64_t seed) {
    return std::make_unique<testing::ScriptedSource>(std::vector<std::pair<std::string, double>>{{"idle", 1}}, true,
                                                     static_cast<uint32_t>(seed));
  };
  Fleet fleet(o);
  std::string error;
  EXPECT_FALSE(fleet.Start(&error));
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
}

// 20 devices on 2 threads all register with one server and all de-register
// on Stop. The server runs on its own thread here (the fleet's threads are
// the point of the test).
TEST(FleetTest, TwentyDevicesOnTwoThreadsRegisterAndDeregister) {
  std::atomic<int> registered{0};
  std::atomic<int> deregistered{0};
  std::mutex names_mutex;
  std::set<std::string> names;
  server::ServerOptions so;
  so.udp_port = 0;
  server::ServerEvents ev;
  ev.on_registered = [&](const server::Registration& r) {
    std::lock_guard<std::mutex> lock(names_mutex);
    names.insert(r.endpoint);
    ++registered;
  };
  ev.on_deregistered = [&](const server::Registration&, server::DeregisterReason reason) {
    if (reason == server::DeregisterReason::kDeregistered) ++deregistered;
  };
  server::Lwm2mServer srv(so, ev);
  std::string error;
  ASSERT_TRUE(srv.Start(&error)) << error;
  std::atomic<bool> stop_server{false};
  std::thread loop([&] {
    while (!stop_server) srv.Step(5);
  });

  FleetOptions o;
  o.devices = 20;
  o.threads = 2;
  o.prefix = "fleet-";
  o.seed = 5;
  o.server.host = "127.0.0.1";
  o.server.port = srv.udp_port();
  o.model = testing::MotionPackage();
  o.make_source = [](size_t index, uint64_t seed) {
    return std::make_unique<testing::ScriptedSource>(
        std::vector<std::pair<std::string, double>>{{index % 2 ? "wave" : "idle", 3}, {"idle", 2}}, true,
        static_cast<uint32_t>(seed));
  };
  Fleet fleet(o);
  ASSERT_TRUE(fleet.Start(&error)) << error;
  // Bounded wait for the registrations (real sockets; no fixed sleep).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((registered < 20 || fleet.status().registered < 20) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(registered.load(), 20);
  const FleetStatus s = fleet.status();
  EXPECT_EQ(s.devices, 20u);
  EXPECT_EQ(s.registered, 20u);
  {
    std::lock_guard<std::mutex> lock(names_mutex);
    EXPECT_EQ(names.size(), 20u);
    EXPECT_TRUE(names.count("fleet-0"));
    EXPECT_TRUE(names.count("fleet-19"));
  }

  fleet.Stop(10.0);
  EXPECT_EQ(fleet.deregistered(), 20u);
  EXPECT_EQ(fleet.status().registered, 0u);
  const auto dereg_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (deregistered < 20 && std::chrono::steady_clock::now() < dereg_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(deregistered.load(), 20);
  stop_server = true;
  loop.join();
  EXPECT_EQ(srv.registrations().size(), 0u);
}

}  // namespace
}  // namespace lwcl::device
