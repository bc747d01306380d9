// /api/rollouts against a real Service on SQLite with one registered client
// ("dev-1", which has no /9): bodies that cannot start a rollout get a 400
// or 404 that names the problem; a group rollout starts, reaches the
// device, and halts with a reason a person can read because the device
// has no Software Management object; pause/resume/abort answer by state.
#include <gtest/gtest.h>

#include "int8_test_models.h"
#include "rest_fixture.h"
#include "test_dsp.h"
#include "train/package_signer.h"

namespace lwcl::server {
namespace {

class RolloutRoutesTest : public RestFixture {
 protected:
  void ConfigureRest(RestOptions& rest) override {
    keys_ = train::GenerateKeyPair();
    rest.models.fleet_key = keys_.public_key;
  }
  int64_t UploadModel() {
    testing::Int8TestModel m = testing::RandomInt8Model(1, testing::MotionDsp(), {8}, 3);
    m.name = "motion";
    m.version = "1.1.0";
    const std::vector<uint8_t> p = train::SignPackage(testing::Int8TestModel::Write(m.View()), keys_.private_key);
    auto r = http_->Post("/api/models", std::string(p.begin(), p.end()), "application/octet-stream");
    EXPECT_EQ(r->status, 201) << r->body;
    return nlohmann::json::parse(r->body)["id"].get<int64_t>();
  }
  // POST /api/rollouts with `body`: the status and the error, if any.
  std::pair<int, std::string> Start(const nlohmann::json& body) {
    auto r = http_->Post("/api/rollouts", body.dump(), "application/json");
    if (!r) return {0, "no answer"};
    const nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    return {r->status, j.is_object() && j.contains("error") ? j["error"].get<std::string>() : r->body};
  }

  train::Ed25519KeyPair keys_;
};

TEST_F(RolloutRoutesTest, BadBodiesAreRefusedWithTheReason) {
  const int64_t id = UploadModel();
  auto expect = [&](const nlohmann::json& body, int status, const std::string& words) {
    const auto [code, error] = Start(body);
    EXPECT_EQ(code, status) << body.dump() << " -> " << error;
    EXPECT_NE(error.find(words), std::string::npos) << body.dump() << " -> " << error;
  };
  expect({{"devices", "all"}}, 400, "\"model\"");
  expect({{"model", "one"}}, 400, "\"model\"");
  expect({{"model", 999}}, 404, "999");
  expect({{"model", id}, {"devices", 7}}, 400, "\"devices\" is \"all\", a list of endpoint names, or {\"group\"");
  expect({{"model", id}, {"devices", {1, 2}}}, 400, "a list of endpoint names");
  expect({{"model", id}, {"devices", {{"group", "plant-b-*"}}}}, 400, "no registered device matches the group plant-b-*");
  expect({{"model", id}, {"delivery", "carrier-pigeon"}}, 400, "\"delivery\" is \"push\"");
  expect({{"model", id}, {"canary_percent", "ten"}}, 400, "numbers");
  expect({{"model", id}, {"canary_percent", 150}}, 400, "canary_percent is 0..100");
  expect({{"model", id}, {"devices", nlohmann::json::array()}}, 400, "no devices");
  EXPECT_EQ(http_->Get("/api/rollouts/abc")->status, 400);
  EXPECT_EQ(http_->Get("/api/rollouts/999")->status, 404);
  EXPECT_EQ(http_->Post("/api/rollouts/999/pause", "", "application/json")->status, 404);
  EXPECT_EQ(nlohmann::json::parse(http_->Get("/api/rollouts")->body).size(), 0u) << "nothing started";
}

TEST_F(RolloutRoutesTest, AGroupRolloutHaltsWithAReadableReasonOnADeviceWithoutSlots) {
  const int64_t model = UploadModel();
  const auto [code, body] =
      Start({{"model", model}, {"devices", {{"group", "dev-*"}}}, {"delivery", "pull"}, {"probation_s", 1}});
  ASSERT_EQ(code, 201) << body;
  const nlohmann::json created = nlohmann::json::parse(body);
  EXPECT_EQ(created["devices_total"], 1);
  EXPECT_EQ(created["policy"]["delivery"], "pull");
  const std::string path = "/api/rollouts/" + std::to_string(created["id"].get<int64_t>());
  nlohmann::json r;
  ASSERT_TRUE(WaitFor([&] {
    r = nlohmann::json::parse(http_->Get(path.c_str())->body);
    return r["state"] == "halted";
  })) << r.dump(2);
  EXPECT_EQ(r["counts"]["failed"], 1);
  EXPECT_EQ(r["bytes_sent"], 0) << "nothing was transferred";
  const std::string why = r["halt_reason"].get<std::string>();
  EXPECT_NE(why.find("canary: 1 of 1 devices unhealthy (1 failed"), std::string::npos) << why;
  EXPECT_NE(why.find("dev-1: step 0: the device answered 4.04"), std::string::npos) << why;
  EXPECT_EQ(r["devices"][0]["endpoint"], "dev-1");
  // A halted rollout neither pauses nor resumes; it may still be aborted.
  EXPECT_EQ(http_->Post((path + "/pause").c_str(), "", "application/json")->status, 409);
  EXPECT_EQ(http_->Post((path + "/resume").c_str(), "", "application/json")->status, 409);
  EXPECT_EQ(http_->Post((path + "/abort").c_str(), "", "application/json")->status, 200);
  EXPECT_EQ(http_->Post((path + "/abort").c_str(), "", "application/json")->status, 409);
  // Every step was an event on the stream.
  ASSERT_TRUE(WaitFor([&] { return http_->Get("/api/events?limit=1000")->body.find("\"halted\"") != std::string::npos; }));
}

}  // namespace
}  // namespace lwcl::server
