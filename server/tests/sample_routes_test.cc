// Training samples on the server: a client's Send of /33652 instances goes
// to the store's training_samples (not the time series), malformed ones are
// refused by name, the same upload twice is stored once, and /api/samples
// lists, filters and labels them. Real Service on SQLite, real LwCL client,
// cpp-httplib as the HTTP peer (RestFixture).
#include <gtest/gtest.h>

#include <cstring>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "rest_fixture.h"
#include "server/training_samples.h"

namespace lwcl::server {
namespace {

using lwm2m::CoapCode;
using lwm2m::Path;
using nlohmann::json;

lwm2m::Opaque Floats(std::vector<float> v) {
  lwm2m::Opaque out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());  // the test host is little-endian, as the wire
  return out;
}

class SampleRoutesTest : public RestFixture {
 protected:
  void ConfigureClient(client::Registry& reg, client::RegistrationConfig&) override {
    samples_ = std::make_unique<client::SimpleObject>(
        33652, true,
        std::vector<client::ResourceSpec>{{0, lwm2m::Operations::kRead, lwm2m::DataType::kTime, false},
                                          {1, lwm2m::Operations::kRead, lwm2m::DataType::kString, false},
                                          {2, lwm2m::Operations::kRead, lwm2m::DataType::kFloat, false},
                                          {3, lwm2m::Operations::kRead, lwm2m::DataType::kFloat, false},
                                          {4, lwm2m::Operations::kReadWrite, lwm2m::DataType::kString, false},
                                          {5, lwm2m::Operations::kRead, lwm2m::DataType::kOpaque, false}});
    Add(3, "wave", 0.375, 7.5, "", Floats({1.0f, -2.5f, 3.25f}));
    Add(4, "idle", 0.25, 6.0, "shake", Floats({0.5f, 0.0f, -1.0f}));
    Add(9, "idle", 0.5, 1.0, "", lwm2m::Opaque{1, 2, 3});  // not float32s
    reg.Add(samples_.get());
  }
  void Add(uint16_t iid, const std::string& predicted, double confidence, double drift, const std::string& label,
           lwm2m::Opaque features) {
    samples_->AddInstance(iid);
    samples_->Set(iid, 0, lwm2m::Time{1'800'000'000 + iid});
    samples_->Set(iid, 1, predicted);
    samples_->Set(iid, 2, confidence);
    samples_->Set(iid, 3, drift);
    samples_->Set(iid, 4, label);
    samples_->Set(iid, 5, std::move(features));
  }
  // Sends these paths from the client; the server's answer code.
  std::optional<CoapCode> Send(std::vector<Path> paths) {
    auto answer = std::make_shared<std::promise<std::optional<CoapCode>>>();
    std::future<std::optional<CoapCode>> f = answer->get_future();
    OnLoop([this, paths, answer] {
      if (!client_->Send(paths, [answer](std::optional<CoapCode> c) { answer->set_value(c); })) answer->set_value(std::nullopt);
    });
    if (f.wait_for(std::chrono::seconds(15)) != std::future_status::ready) return std::nullopt;
    return f.get();
  }
  json Get(const std::string& path, int want = 200) {
    auto r = http_->Get(path.c_str());
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, want) << path << " " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  json Put(const std::string& path, const std::string& body, int want = 200) {
    auto r = http_->Put(path.c_str(), body, "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, want) << path << " " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  std::unique_ptr<client::SimpleObject> samples_;
};

TEST_F(SampleRoutesTest, ASendOfSamplesIsStoredOnceListedFilteredAndLabelled) {
  ASSERT_EQ(Send({Path::Instance(33652, 3), Path::Instance(33652, 4), Path::Instance(33652, 9),
                  Path::Resource(33650, 0, 2001)}),
            CoapCode::kChanged);
  json all = Get("/api/devices/dev-1/samples");
  ASSERT_EQ(all.size(), 2u) << all.dump();
  const json& wave = all[1];  // newest first: instance 4 went in after 3
  EXPECT_EQ(wave["instance"], 3);
  EXPECT_EQ(wave["endpoint"], "dev-1");
  EXPECT_EQ(wave["taken_ms"], int64_t{1'800'000'003'000});
  EXPECT_EQ(wave["predicted"], "wave");
  EXPECT_DOUBLE_EQ(wave["confidence"].get<double>(), 0.375);
  EXPECT_DOUBLE_EQ(wave["drift"].get<double>(), 7.5);
  EXPECT_EQ(wave["features"], json::array({1.0, -2.5, 3.25}));
  EXPECT_EQ(wave["label"], "");
  EXPECT_EQ(all[0]["label"], "shake");
  EXPECT_EQ(all[0]["labelled_by"], "device") << "it came labelled";
  // The samples are not time series; the other value is.
  EXPECT_TRUE(WaitFor([&] { return !Get("/api/devices/dev-1/series?path=/33650/0/2001")["samples"].empty(); }));
  EXPECT_TRUE(Get("/api/devices/dev-1/series?path=/33652/3/2")["samples"].empty());
  // The send event says what was kept and what was refused, by name.
  std::optional<json> send;
  EXPECT_TRUE(WaitFor([&] {
    for (const json& e : Get("/api/events?endpoint=dev-1&limit=1000")) {
      if (e["kind"] == "send") send = e["detail"];
    }
    return send.has_value();
  }));
  ASSERT_TRUE(send.has_value());
  EXPECT_EQ((*send)["samples"], 2);
  EXPECT_EQ((*send)["new_samples"], 2);
  EXPECT_EQ((*send)["values"], 1);
  ASSERT_EQ((*send)["refused"].size(), 1u);
  EXPECT_EQ((*send)["refused"][0], "/33652/9: Features of 3 bytes are not float32s");

  // The same upload again (its acknowledgement was lost, say): nothing new.
  ASSERT_EQ(Send({Path::Instance(33652, 3), Path::Instance(33652, 4)}), CoapCode::kChanged);
  EXPECT_EQ(Get("/api/samples").size(), 2u);
  // Only a malformed sample: refused with a reason.
  EXPECT_EQ(Send({Path::Instance(33652, 9)}), CoapCode::kBadRequest);

  EXPECT_EQ(Get("/api/samples?labelled=false").size(), 1u);
  EXPECT_EQ(Get("/api/samples?labelled=true&endpoint=dev-1").size(), 1u);
  EXPECT_EQ(Get("/api/samples?endpoint=dev-2").size(), 0u);
  EXPECT_EQ(Get("/api/samples?limit=1").size(), 1u);
  const int64_t id = wave["id"];
  json labelled = Put("/api/samples/" + std::to_string(id) + "/label", R"({"label":"wave","by":"oracle"})");
  EXPECT_EQ(labelled["label"], "wave");
  EXPECT_EQ(labelled["labelled_by"], "oracle");
  EXPECT_EQ(Get("/api/samples?labelled=false").size(), 0u);
  EXPECT_EQ(Put("/api/samples/" + std::to_string(id) + "/label", R"({"label":"idle"})")["labelled_by"], "person");

  // Bad requests: clear errors, nothing changed.
  EXPECT_NE(Put("/api/samples/" + std::to_string(id) + "/label", R"({"label":5})", 400)["error"].get<std::string>()
                .find("\"label\": a string"), std::string::npos);
  Put("/api/samples/" + std::to_string(id) + "/label", R"({"label":"x","by":""})", 400);
  Put("/api/samples/" + std::to_string(id) + "/label", "not json", 400);
  Put("/api/samples/987654/label", R"({"label":"wave"})", 404);
  Get("/api/samples?labelled=maybe", 400);
  Get("/api/samples?limit=0", 400);
  EXPECT_EQ(Get("/api/samples?labelled=true").at(1)["label"], "idle");
}

TEST(SplitTrainingSamplesTest, GroupsByInstanceAndRefusesByName) {
  auto rec = [](uint16_t iid, uint16_t rid, lwm2m::Value v) {
    lwm2m::Record r;
    r.path = Path::Resource(33652, iid, rid);
    r.value = std::move(v);
    return r;
  };
  std::vector<lwm2m::Record> records = {rec(1, 1, std::string("wave")), rec(1, 5, Floats({2.0f})),
                                        rec(2, 1, std::string("idle")),  // no features
                                        rec(3, 5, lwm2m::Opaque{})};     // empty features
  lwm2m::Record other;
  other.path = Path::Resource(3, 0, 9);
  other.value = int64_t{80};
  records.push_back(other);
  SplitSend s = SplitTrainingSamples("ep", records, 42, "motion 1.0.0");
  ASSERT_EQ(s.samples.size(), 1u);
  EXPECT_EQ(s.samples[0].instance, 1);
  EXPECT_EQ(s.samples[0].model, "motion 1.0.0");
  EXPECT_EQ(s.samples[0].received_ms, 42);
  EXPECT_EQ(DecodeFeatures(s.samples[0].features), std::vector<float>{2.0f});
  ASSERT_EQ(s.values.size(), 1u);
  EXPECT_EQ(s.values[0].path, other.path);
  EXPECT_EQ(s.refused, (std::vector<std::string>{"/33652/2: no Features (/5)",
                                                 "/33652/3: Features of 0 bytes are not float32s"}));
}

}  // namespace
}  // namespace lwcl::server
