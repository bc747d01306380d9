// /api/models against a real Service on SQLite: signed packages join the
// registry; unsigned, wrongly signed, tampered and truncated ones are
// refused with a reason; list, inspect, fetch the bytes, delete; events.
#include <gtest/gtest.h>

#include "int8_test_models.h"
#include "rest_fixture.h"
#include "test_dsp.h"
#include "train/package_signer.h"

namespace lwcl::server {
namespace {

class ModelRoutesTest : public RestFixture {
 protected:
  void ConfigureRest(RestOptions& rest) override {
    keys_ = train::GenerateKeyPair();
    rest.models.fleet_key = keys_.public_key;
  }
  std::vector<uint8_t> Package(uint32_t seed, const std::string& version) {
    testing::Int8TestModel m = testing::RandomInt8Model(seed, testing::MotionDsp(), {8}, 3);
    m.name = "motion";
    m.version = version;
    return testing::Int8TestModel::Write(m.View());
  }
  httplib::Result Upload(const std::vector<uint8_t>& bytes) {
    return http_->Post("/api/models", std::string(bytes.begin(), bytes.end()), "application/octet-stream");
  }

  train::Ed25519KeyPair keys_;
};

TEST_F(ModelRoutesTest, UploadListInspectFetchDelete) {
  const std::vector<uint8_t> v1 = train::SignPackage(Package(1, "1.0.0"), keys_.private_key);
  auto r = Upload(v1);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const nlohmann::json m = nlohmann::json::parse(r->body);
  EXPECT_EQ(m["name"], "motion");
  EXPECT_EQ(m["version"], "1.0.0");
  EXPECT_EQ(m["signed"], true);
  EXPECT_EQ(m["delta"], false);
  EXPECT_EQ(m["labels"].size(), 3u);
  EXPECT_EQ(m["size"], v1.size());
  const int64_t id = m["id"].get<int64_t>();

  auto again = Upload(v1);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;
  EXPECT_NE(again->body.find("already model " + std::to_string(id)), std::string::npos);

  const std::vector<uint8_t> v2 = train::SignPackage(Package(2, "1.1.0"), keys_.private_key);
  ASSERT_EQ(Upload(v2)->status, 201);
  auto list = http_->Get("/api/models");
  ASSERT_TRUE(list);
  const nlohmann::json all = nlohmann::json::parse(list->body);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["version"], "1.1.0");  // newest first

  auto one = http_->Get(("/api/models/" + std::to_string(id)).c_str());
  ASSERT_EQ(one->status, 200);
  EXPECT_EQ(nlohmann::json::parse(one->body)["digest"], m["digest"]);
  auto bytes = http_->Get(("/api/models/" + std::to_string(id) + "/package").c_str());
  ASSERT_EQ(bytes->status, 200);
  EXPECT_EQ(std::vector<uint8_t>(bytes->body.begin(), bytes->body.end()), v1);
  EXPECT_EQ(http_->Get("/api/models/999")->status, 404);
  EXPECT_EQ(http_->Get("/api/models/abc")->status, 400);

  EXPECT_EQ(http_->Delete(("/api/models/" + std::to_string(id)).c_str())->status, 200);
  EXPECT_EQ(http_->Delete(("/api/models/" + std::to_string(id)).c_str())->status, 404);
  EXPECT_EQ(nlohmann::json::parse(http_->Get("/api/models")->body).size(), 1u);

  // Both changes are events on the stream.
  ASSERT_TRUE(WaitFor([&] {
    auto ev = http_->Get("/api/events?limit=1000");
    return ev && ev->body.find("model_deleted") != std::string::npos;
  }));
  const std::string events = http_->Get("/api/events?limit=1000")->body;
  EXPECT_NE(events.find("model_added"), std::string::npos);
}

TEST_F(ModelRoutesTest, RefusesWhatADeviceWouldRefuse) {
  const std::vector<uint8_t> plain = Package(3, "2.0.0");
  const std::vector<uint8_t> good = train::SignPackage(plain, keys_.private_key);
  std::vector<uint8_t> tampered = good;
  tampered[100] ^= 4;
  const std::vector<uint8_t> other = train::SignPackage(plain, train::GenerateKeyPair().private_key);
  const std::vector<uint8_t> cut(good.begin(), good.begin() + 50);
  const std::pair<std::vector<uint8_t>, std::string> cases[] = {
      {plain, "unsigned"},
      {other, "does not verify with the fleet key"},
      {tampered, "tampered"},
      {cut, "truncated"},
      {{}, "empty"},
      {std::vector<uint8_t>(64, 'x'), "not a model package"},
  };
  for (const auto& [bytes, why] : cases) {
    auto r = Upload(bytes);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << why;
    EXPECT_NE(r->body.find(why), std::string::npos) << r->body;
  }
  EXPECT_EQ(nlohmann::json::parse(http_->Get("/api/models")->body).size(), 0u) << "nothing was stored";
  httplib::Client anonymous("127.0.0.1", api_->port());
  auto no_token = anonymous.Post("/api/models", std::string(good.begin(), good.end()), "application/octet-stream");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401);
}

}  // namespace
}  // namespace lwcl::server
