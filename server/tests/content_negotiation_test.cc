// Content negotiation: what the server reads from `</>;ct=...`, the formats
// it tries per request shape, and, end to end through the REST API, clients
// that speak only some formats: one that advertises SenML JSON only, one that
// advertises LwM2M CBOR, one that advertises a format it does not have (the
// retry), and a 1.0 client with TLV and text only.
#include "server/content_negotiation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lwm2m/bundled_objects.h"
#include "rest_fixture.h"

namespace lwcl::server {
namespace {

using lwm2m::ContentFormat;
using lwm2m::Path;
using nlohmann::json;
using Formats = std::vector<ContentFormat>;

constexpr ContentFormat kText = ContentFormat::kPlainText;
constexpr ContentFormat kOpaque = ContentFormat::kOpaque;
constexpr ContentFormat kSenmlJson = ContentFormat::kSenmlJson;
constexpr ContentFormat kSenmlCbor = ContentFormat::kSenmlCbor;
constexpr ContentFormat kTlv = ContentFormat::kTlv;
constexpr ContentFormat kLwm2mCbor = ContentFormat::kLwm2mCbor;

TEST(AdvertisedFormatsTest, ReadsTheRootLinkInEveryForm) {
  EXPECT_EQ(AdvertisedFormats(R"(</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</1/0>,</3/0>)"), Formats{kSenmlJson});
  EXPECT_EQ(AdvertisedFormats(R"(</>;rt="oma.lwm2m";ct="112 11542",</3/0>)"), (Formats{kSenmlCbor, kTlv}));
  EXPECT_EQ(AdvertisedFormats("</>;ct=110;ct=112,</3/0>"), (Formats{kSenmlJson, kSenmlCbor}));
  // Repeats, unknown numbers and link format are dropped; only `</>` counts.
  EXPECT_EQ(AdvertisedFormats(R"(</>;ct="11544 9999 40 11544",</3/0>;ct=110)"), Formats{kLwm2mCbor});
  EXPECT_TRUE(AdvertisedFormats("</1/0>,</3/0>").empty());
  EXPECT_TRUE(AdvertisedFormats("").empty());
  EXPECT_TRUE(AdvertisedFormats("</>;ct=110,<broken").empty());
}

class FormatCandidatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::string_view ddf : lwm2m::BundledDdfs()) ASSERT_FALSE(objects_.AddDdf(ddf));
  }
  Formats For(DeviceRequest r, const Formats& advertised, const char* version = "1.1") {
    return FormatCandidates(r, advertised, version, objects_);
  }
  static DeviceRequest Read(Path p) { return {.op = Operation::kRead, .paths = {p}}; }
  lwm2m::ObjectRegistry objects_;
};

TEST_F(FormatCandidatesTest, OneValueIsPlainTextUnlessTheClientPrefersOtherwise) {
  EXPECT_EQ(For(Read(Path::Resource(3, 0, 0)), {}), (Formats{kText, kSenmlCbor, kTlv}));
  EXPECT_EQ(For(Read(Path::Resource(3, 0, 0)), {}, "1.0"), (Formats{kText, kTlv}));
  EXPECT_EQ(For(Read(Path::Resource(3, 0, 0)), {kSenmlJson}), (Formats{kSenmlJson, kText}));
  // /5/0/0 Package is Opaque: opaque, not text, is its plain format.
  EXPECT_EQ(For(Read(Path::Resource(5, 0, 0)), {})[0], kOpaque);
  EXPECT_EQ(For(Read(Path::Resource(5, 0, 0)), {kSenmlCbor}), (Formats{kSenmlCbor, kOpaque}));
  // A resource instance is one value too.
  EXPECT_EQ(For(Read(Path::ResourceInstance(3, 0, 11, 0)), {})[0], kText);
}

TEST_F(FormatCandidatesTest, SeveralValuesFollowTheVersionOrTheAdvertisement) {
  // /3/0/11 Error Code has multiple instances: never plain text.
  EXPECT_EQ(For(Read(Path::Resource(3, 0, 11)), {}), (Formats{kSenmlCbor, kTlv}));
  EXPECT_EQ(For(Read(Path::Instance(3, 0)), {}, "1.0"), Formats{kTlv});
  EXPECT_EQ(For(Read(Path::Object(3)), {kSenmlJson}), Formats{kSenmlJson});
  EXPECT_EQ(For(Read(Path::Instance(3, 0)), {kText, kLwm2mCbor, kTlv}), (Formats{kLwm2mCbor, kTlv}));
  // Only text advertised: nothing that carries several, so the version's defaults.
  EXPECT_EQ(For(Read(Path::Instance(3, 0)), {kText}), (Formats{kSenmlCbor, kTlv}));
  DeviceRequest observe{.op = Operation::kObserve, .paths = {Path::Instance(33650, 0)}};
  EXPECT_EQ(For(observe, {kSenmlJson}), Formats{kSenmlJson});
}

TEST_F(FormatCandidatesTest, CompositesUseAbsolutePathFormats) {
  DeviceRequest composite{.op = Operation::kReadComposite, .paths = {Path::Resource(3, 0, 0), Path::Object(1)}};
  EXPECT_EQ(For(composite, {}), (Formats{kSenmlCbor, kSenmlJson}));
  EXPECT_EQ(For(composite, {kSenmlJson}), (Formats{kSenmlJson, kSenmlCbor}));
  EXPECT_EQ(For(composite, {kTlv, kLwm2mCbor}), (Formats{kLwm2mCbor, kSenmlCbor, kSenmlJson}));
  DeviceRequest resolved = WithFormat(composite, kSenmlJson);
  EXPECT_EQ(resolved.format, kSenmlJson);
  EXPECT_EQ(resolved.accept, kSenmlJson);
  CoapRequest coap;
  ASSERT_FALSE(BuildCoapRequest(WithFormat(composite, kLwm2mCbor), &coap));
  EXPECT_EQ(coap.content_format, 11544);
  EXPECT_EQ(coap.accept, 11544);
}

TEST_F(FormatCandidatesTest, WritesCarryTheirValuesInTheFormatTheyFit) {
  DeviceRequest one{.op = Operation::kWrite, .paths = {Path::Resource(1, 0, 3)}};
  one.records.push_back({Path::Resource(1, 0, 3), int64_t{60}, std::nullopt});
  EXPECT_EQ(For(one, {})[0], kText);
  EXPECT_EQ(WithFormat(one, kText).format, kText);
  EXPECT_FALSE(WithFormat(one, kText).accept);
  DeviceRequest blob{.op = Operation::kWrite, .paths = {Path::Resource(5, 0, 0)}};
  blob.records.push_back({Path::Resource(5, 0, 0), lwm2m::Opaque{{1, 2, 3}}, std::nullopt});
  EXPECT_EQ(For(blob, {})[0], kOpaque);
  DeviceRequest partial{.op = Operation::kWritePartial, .paths = {Path::Instance(1, 0)}};
  partial.records.push_back({Path::Resource(1, 0, 3), int64_t{60}, std::nullopt});
  partial.records.push_back({Path::Resource(1, 0, 2), int64_t{1}, std::nullopt});
  EXPECT_EQ(For(partial, {kSenmlJson}), Formats{kSenmlJson});
  EXPECT_EQ(For(partial, {}, "1.0"), Formats{kTlv});
}

TEST_F(FormatCandidatesTest, AGivenFormatOrNoFormatAtAllIsLeftAlone) {
  DeviceRequest given = Read(Path::Instance(3, 0));
  given.accept = kTlv;
  EXPECT_TRUE(For(given, {kSenmlJson}).empty());
  DeviceRequest composite{.op = Operation::kReadComposite, .paths = {Path::Object(3)}};
  composite.format = kSenmlCbor;
  composite.accept = kSenmlCbor;
  EXPECT_TRUE(For(composite, {kSenmlJson}).empty());
  for (Operation op : {Operation::kDiscover, Operation::kExecute, Operation::kDelete, Operation::kWriteAttributes}) {
    EXPECT_TRUE(For({.op = op, .paths = {Path::Resource(3, 0, 4)}}, {kSenmlJson}).empty()) << OperationName(op);
  }
  EXPECT_TRUE(RefusedFormat(lwm2m::CoapCode::kNotAcceptable));
  EXPECT_TRUE(RefusedFormat(lwm2m::CoapCode::kUnsupportedContentFormat));
  EXPECT_TRUE(RefusedFormat(lwm2m::CoapCode::kInternalServerError));
  EXPECT_FALSE(RefusedFormat(lwm2m::CoapCode::kNotFound));
}

TEST(DefaultsForTest, SaysWhatTheServerStartsWith) {
  DefaultFormats none = DefaultsFor({}, "1.1");
  EXPECT_EQ(none.single, kText);
  EXPECT_EQ(none.several, kSenmlCbor);
  EXPECT_EQ(none.composite, kSenmlCbor);
  DefaultFormats old = DefaultsFor({}, "1.0");
  EXPECT_EQ(old.several, kTlv);
  DefaultFormats json_only = DefaultsFor({kSenmlJson}, "1.1");
  EXPECT_EQ(json_only.single, kSenmlJson);
  EXPECT_EQ(json_only.several, kSenmlJson);
  EXPECT_EQ(json_only.composite, kSenmlJson);
}

// End to end: an LwCL client narrowed to some formats, through the REST API.
class NarrowClientTest : public RestFixture {
 protected:
  void ConfigureClient(client::Registry& registry, client::RegistrationConfig& config) override {
    registry.SetContentFormats(formats_);
    config.lwm2m_version = version_;
  }
  // The request events' chosen formats and retries, oldest first.
  std::vector<json> RequestEvents() {
    auto r = http_->Get("/api/events?endpoint=dev-1");
    EXPECT_TRUE(r && r->status == 200);
    std::vector<json> out;
    if (!r) return out;
    for (const json& e : json::parse(r->body)) {
      if (e["kind"] == "request") out.push_back(e["detail"]);
    }
    return out;
  }
  json Device() {
    auto r = http_->Get("/api/devices/dev-1");
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body) : json();
  }
  // Every read, observe and composite read the bar names, with no format.
  void ExpectEverythingAnswers() {
    for (const char* path : {"/3/0/0", "/3/0/11", "/3/0", "/3", "/1/0/1", "/33650/0", "/33650/0/2002"}) {
      json read = Post("/api/devices/dev-1/read", {{"path", path}});
      EXPECT_EQ(read["code"], "2.05") << path << " " << read.dump();
      EXPECT_FALSE(read["values"].empty()) << path;
    }
    for (const char* path : {"/33650/0/2001", "/3/0"}) {
      json observe = Post("/api/devices/dev-1/observe", {{"path", path}});
      EXPECT_EQ(observe["code"], "2.05") << path << " " << observe.dump();
      EXPECT_GT(observe.value("observation", 0), 0) << path;
    }
    json composite = Post("/api/devices/dev-1/read", {{"paths", {"/3/0/0", "/33650/0"}}});
    EXPECT_EQ(composite["code"], "2.05") << composite.dump();
    EXPECT_EQ(composite["values"].size(), 3u) << composite.dump();
    json observed = Post("/api/devices/dev-1/observe", {{"paths", {"/33650/0/2001", "/3/0/0"}}});
    EXPECT_EQ(observed["code"], "2.05") << observed.dump();
    EXPECT_GT(observed.value("observation", 0), 0);
  }

  client::ContentFormats formats_;
  std::string version_ = "1.1";
};

class SenmlJsonClientTest : public NarrowClientTest {
 protected:
  void SetUp() override {
    formats_ = {.supported = {kSenmlJson}, .advertised = {kSenmlJson}};
    RestFixture::SetUp();
  }
};

TEST_F(SenmlJsonClientTest, EveryReadObserveAndCompositeWithoutFormatAnswers) {
  json formats = Device()["registration"]["content_formats"];
  EXPECT_EQ(formats["advertised"], json::array({"senml-json"}));
  EXPECT_EQ(formats["default"]["several"], "senml-json");
  ExpectEverythingAnswers();
  for (const json& e : RequestEvents()) {
    EXPECT_EQ(e["format"], "senml-json") << e.dump();
    EXPECT_EQ(e["format_by"], "server");
    EXPECT_FALSE(e.contains("retried_after")) << e.dump();
  }
  // Writes too: one value and several.
  EXPECT_EQ(Post("/api/devices/dev-1/write", {{"path", "/1/0/3"}, {"value", 90}})["code"], "2.04");
  EXPECT_EQ(Post("/api/devices/dev-1/write", {{"path", "/1/0"}, {"partial", true}, {"values", {{"/1/0/3", 91}}}})["code"],
            "2.04");
  EXPECT_EQ(Post("/api/devices/dev-1/read", {{"path", "/1/0/3"}})["values"][0]["value"], 91);
}

TEST_F(SenmlJsonClientTest, AUserGivenFormatIsNeverOverridden) {
  for (const char* format : {"tlv", "senml-cbor", "lwm2m-cbor"}) {
    json refused = Post("/api/devices/dev-1/read", {{"path", "/3/0"}, {"format", format}});
    EXPECT_EQ(refused["code"], "4.06") << format;
  }
  EXPECT_EQ(Post("/api/devices/dev-1/read", {{"path", "/3/0"}, {"format", "senml-json"}})["code"], "2.05");
  for (const json& e : RequestEvents()) {
    EXPECT_FALSE(e.contains("format_by")) << e.dump();
    EXPECT_FALSE(e.contains("retried_after")) << e.dump();
  }
}

class LwM2mCborClientTest : public NarrowClientTest {
 protected:
  void SetUp() override {
    formats_ = {.supported = {kLwm2mCbor}, .advertised = {kLwm2mCbor}};
    RestFixture::SetUp();
  }
};

TEST_F(LwM2mCborClientTest, ReadsObservesAndCompositesInLwM2mCbor) {
  EXPECT_EQ(Device()["registration"]["content_formats"]["default"]["composite"], "lwm2m-cbor");
  ExpectEverythingAnswers();
  std::vector<json> events = RequestEvents();
  ASSERT_FALSE(events.empty());
  for (const json& e : events) EXPECT_EQ(e["format"], "lwm2m-cbor") << e.dump();
}

// A client that advertises SenML CBOR first but was built without it: the
// first try is refused and the server tries the next advertised format.
class OverpromisingClientTest : public NarrowClientTest {
 protected:
  void SetUp() override {
    formats_ = {.supported = {kSenmlJson}, .advertised = {kSenmlCbor, kSenmlJson}};
    RestFixture::SetUp();
  }
};

TEST_F(OverpromisingClientTest, RetriesOnceInTheNextAdvertisedFormat) {
  ExpectEverythingAnswers();
  bool retried = false;
  for (const json& e : RequestEvents()) {
    EXPECT_EQ(e["format"], "senml-json") << e.dump();
    if (!e.contains("retried_after")) continue;
    retried = true;
    EXPECT_EQ(e["retried_after"]["format"], "senml-cbor");
    // A composite's path list is in the format too: its body is refused first.
    const bool composite = e["operation"].get<std::string>().find("composite") != std::string::npos;
    EXPECT_EQ(e["retried_after"]["code"], composite ? "4.15" : "4.06") << e.dump();
  }
  EXPECT_TRUE(retried);
  // A notification after the retried observation still arrives.
  const uint64_t before = service_->stats().notifications;
  OnLoop([this] { detector_->Set(0, 2001, int64_t{7}); });
  EXPECT_TRUE(WaitFor([&] { return service_->stats().notifications > before; }));
}

class LwM2m10ClientTest : public NarrowClientTest {
 protected:
  void SetUp() override {
    formats_ = {.supported = {kTlv}, .advertised = {}};
    version_ = "1.0";
    RestFixture::SetUp();
  }
};

TEST_F(LwM2m10ClientTest, ReadsInTlvAndTextWithoutBeingAsked) {
  EXPECT_EQ(Device()["registration"]["content_formats"]["default"]["several"], "tlv");
  for (const char* path : {"/3/0/0", "/3/0/11", "/3/0", "/33650/0"}) {
    EXPECT_EQ(Post("/api/devices/dev-1/read", {{"path", path}})["code"], "2.05") << path;
  }
  EXPECT_EQ(Post("/api/devices/dev-1/observe", {{"path", "/3/0"}})["code"], "2.05");
  EXPECT_EQ(Post("/api/devices/dev-1/write", {{"path", "/1/0/3"}, {"value", 45}})["code"], "2.04");
  std::vector<json> events = RequestEvents();
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0]["format"], "text");
  EXPECT_EQ(events[1]["format"], "tlv");
  EXPECT_EQ(events[2]["format"], "tlv");
  EXPECT_EQ(events[4]["format"], "tlv");
  EXPECT_EQ(events[5]["format"], "text");
}

}  // namespace
}  // namespace lwcl::server
