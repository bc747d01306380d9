// The REST API over a real Service (SQLite in a temp dir) and a real LwCL
// client, with cpp-httplib's client as the HTTP peer on 127.0.0.1. The CoAP
// loop (client and server) runs on a thread of its own, as in `lwcl server`.
#include "server/rest_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rest_fixture.h"

namespace lwcl::server {
namespace {

using nlohmann::json;

using RestApiTest = RestFixture;

TEST_F(RestApiTest, ReadsWritesExecutesAndDiscovers) {
  json read = Post("/api/devices/dev-1/read", {{"path", "/33650/0"}});
  EXPECT_EQ(read["code"], "2.05");
  ASSERT_EQ(read["values"].size(), 2u);
  EXPECT_EQ(read["values"][1]["value"], "wave");
  EXPECT_EQ(read["values"][0]["type"], "integer");

  json write = Post("/api/devices/dev-1/write", {{"path", "/1/0/3"}, {"value", 120}});
  EXPECT_EQ(write["code"], "2.04");
  EXPECT_EQ(Post("/api/devices/dev-1/read", {{"path", "/1/0/3"}})["values"][0]["value"], 120);

  // The DDF says /1/0/3 is an Integer: text is refused before anything is sent.
  json bad = Post("/api/devices/dev-1/write", {{"path", "/1/0/3"}, {"value", "soon"}}, 400);
  EXPECT_NE(bad["error"].get<std::string>().find("integer"), std::string::npos);

  json composite = Post("/api/devices/dev-1/read", {{"paths", {"/33650/0/2002", "/1/0/3"}}});
  EXPECT_EQ(composite["code"], "2.05");

  json disc = Post("/api/devices/dev-1/discover", {{"path", "/33650"}});
  EXPECT_EQ(disc["code"], "2.05");
  EXPECT_FALSE(disc["links"].empty());

  EXPECT_EQ(Post("/api/devices/dev-1/read", {{"path", "/999"}})["code"], "4.04");
  Post("/api/devices/ghost/read", {{"path", "/3/0"}}, 404);
  Post("/api/devices/dev-1/read", {{"path", "three"}}, 400);
}

TEST_F(RestApiTest, ChangesNeedTheToken) {
  httplib::Client anonymous("127.0.0.1", api_->port());
  auto r = anonymous.Post("/api/devices/dev-1/read", R"({"path":"/3/0"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto get = anonymous.Get("/api/devices");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
}

TEST_F(RestApiTest, ObserveWithAttributesStoresTheSeries) {
  EXPECT_EQ(Post("/api/devices/dev-1/attributes", {{"path", "/33650/0/2001"}, {"pmin", 0}, {"pmax", 3600}})["code"],
            "2.04");
  json obs = Post("/api/devices/dev-1/observe", {{"path", "/33650/0/2001"}});
  ASSERT_EQ(obs["code"], "2.05");
  const uint64_t id = obs["observation"];
  ASSERT_NE(id, 0u);
  for (int64_t v = 1; v <= 3; ++v) {
    OnLoop([this, v] { detector_->Set(0, 2001, v); });
    ASSERT_TRUE(WaitFor([&] { return service_->stats().notifications >= static_cast<uint64_t>(v); }));
  }
  ASSERT_TRUE(WaitFor([&] {
    auto r = http_->Get("/api/devices/dev-1/series?path=/33650/0/2001");
    if (!r || r->status != 200) return false;
    json s = json::parse(r->body)["samples"];
    return !s.empty() && s.back()["value"] == 3;
  }));
  auto b = http_->Get("/api/devices/dev-1/series?path=/33650/0/2001&from=0&to=9999999999999&buckets=10");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  EXPECT_FALSE(json::parse(b->body)["buckets"].empty());

  auto list = http_->Get("/api/observations");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body).size(), 1u);
  auto cancel = http_->Delete(("/api/observations/" + std::to_string(id)).c_str());
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->status, 200) << cancel->body;
  auto none = http_->Get("/api/observations");
  EXPECT_TRUE(json::parse(none->body).empty());
}

TEST_F(RestApiTest, EventsAndTheLiveStream) {
  auto events = http_->Get("/api/events?endpoint=dev-1");
  ASSERT_TRUE(events);
  json e = json::parse(events->body);
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0]["kind"], "registered");

  // The stream replays what came after `after` and then goes live.
  std::string received;
  httplib::Client sse("127.0.0.1", api_->port());
  std::atomic<bool> got_update{false};
  std::thread reader([&] {
    sse.Get("/api/stream?after=0", [&](const char* data, size_t n) {
      received.append(data, n);
      if (received.find("event: updated") != std::string::npos) {
        got_update = true;
        return false;  // stop reading
      }
      return true;
    });
  });
  OnLoop([this] { client_->RequestUpdate(); });
  EXPECT_TRUE(WaitFor([&] { return got_update.load(); }));
  sse.stop();
  reader.join();
  EXPECT_NE(received.find("event: registered"), std::string::npos);
}

TEST_F(RestApiTest, Credentials) {
  auto put = http_->Put("/api/credentials/dev-2", R"({"identity":"dev-2-id","key_hex":"00112233"})",
                        "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200);
  auto bad = http_->Put("/api/credentials/dev-3", R"({"identity":"x","key_hex":"xyz"})", "application/json");
  EXPECT_EQ(bad->status, 400);
  auto list = http_->Get("/api/credentials");
  json l = json::parse(list->body);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_FALSE(l[0].contains("key"));
  EXPECT_EQ(http_->Delete("/api/credentials/dev-2")->status, 200);
  EXPECT_EQ(http_->Delete("/api/credentials/dev-2")->status, 404);
}

TEST_F(RestApiTest, EveryDeviceOperationIsARequestEventStoredAndStreamed) {
  std::string received;
  std::mutex received_mutex;
  httplib::Client sse("127.0.0.1", api_->port());
  std::thread reader([&] {
    sse.Get("/api/stream", [&](const char* data, size_t n) {
      std::lock_guard lock(received_mutex);
      received.append(data, n);
      return received.find(R"("operation":"cancel")") == std::string::npos;
    });
  });
  // The stream is live once it says something (a keep-alive within a second).
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(received_mutex);
    return !received.empty();
  }));

  Post("/api/devices/dev-1/read", {{"path", "/33650/0/2002"}});
  Post("/api/devices/dev-1/read", {{"path", "/999"}});
  Post("/api/devices/dev-1/read", {{"paths", {"/33650/0/2002", "/1/0/3"}}});
  Post("/api/devices/dev-1/write", {{"path", "/1/0/3"}, {"value", 90}});
  Post("/api/devices/dev-1/discover", {{"path", "/33650"}});
  Post("/api/devices/dev-1/attributes", {{"path", "/33650/0/2001"}, {"pmin", 0}});
  Post("/api/devices/dev-1/execute", {{"path", "/3/0/4"}});
  const uint64_t id = Post("/api/devices/dev-1/observe", {{"path", "/33650/0/2001"}})["observation"];
  ASSERT_EQ(http_->Delete(("/api/observations/" + std::to_string(id)).c_str())->status, 200);
  Post("/api/devices/ghost/read", {{"path", "/3/0"}}, 404);

  auto events = http_->Get("/api/events?limit=1000");
  ASSERT_TRUE(events);
  std::vector<json> requests;
  for (const json& e : json::parse(events->body)) {
    if (e["kind"] == "request") requests.push_back(e);
  }
  ASSERT_EQ(requests.size(), 10u) << events->body;
  const std::vector<std::pair<std::string, std::string>> want{
      {"read", "2.05"},      {"read", "4.04"},   {"read-composite", "2.05"}, {"write", "2.04"},
      {"discover", "2.05"},  {"write-attributes", "2.04"}, {"execute", "2.04"}, {"observe", "2.05"},
      {"cancel", "2.05"},    {"read", "error"}};
  for (size_t i = 0; i < want.size(); ++i) {
    const json& d = requests[i]["detail"];
    EXPECT_EQ(d["operation"], want[i].first) << d.dump();
    EXPECT_EQ(d["outcome"], want[i].second) << d.dump();
    EXPECT_TRUE(d["latency_ms"].is_number()) << d.dump();
    EXPECT_GE(d["latency_ms"].get<double>(), 0.0);
  }
  EXPECT_EQ(requests[0]["endpoint"], "dev-1");
  EXPECT_EQ(requests[0]["detail"]["paths"], json({"/33650/0/2002"}));
  EXPECT_EQ(requests[2]["detail"]["paths"], json({"/33650/0/2002", "/1/0/3"}));
  EXPECT_EQ(requests[7]["detail"]["observation"], id);
  EXPECT_EQ(requests[8]["detail"]["observation"], id);
  EXPECT_EQ(requests[8]["detail"]["paths"], json({"/33650/0/2001"}));
  EXPECT_EQ(requests[9]["endpoint"], "ghost");
  EXPECT_NE(requests[9]["detail"]["error"].get<std::string>().find("not registered"), std::string::npos);

  // The live stream carried them too.
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(received_mutex);
    return received.find(R"("operation":"cancel")") != std::string::npos;
  }));
  sse.stop();
  reader.join();
  EXPECT_NE(received.find("event: request"), std::string::npos);
  EXPECT_NE(received.find(R"("outcome":"4.04")"), std::string::npos);
}

}  // namespace
}  // namespace lwcl::server
