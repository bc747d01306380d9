// A client narrowed to some content formats: what it advertises when it
// registers, what it refuses (4.06 for an Accept, 4.15 for a body) and what
// it answers with when the server does not say.
#include "client/content_formats.h"

#include <gtest/gtest.h>

#include "client/dm_request.h"
#include "lwm2m/senml.h"
#include "test_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::ContentFormat;
using lwm2m::Path;

constexpr uint16_t Num(ContentFormat f) { return static_cast<uint16_t>(f); }

TEST(ContentFormatsTest, DefaultSupportsEveryDataFormatAndAdvertisesNothing) {
  ContentFormats all;
  for (ContentFormat f : {ContentFormat::kPlainText, ContentFormat::kOpaque, ContentFormat::kCbor, ContentFormat::kTlv,
                          ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor, ContentFormat::kLwm2mCbor}) {
    EXPECT_TRUE(all.Supports(Num(f))) << Num(f);
  }
  EXPECT_FALSE(all.Supports(Num(ContentFormat::kCoreLinkFormat)));
  EXPECT_FALSE(all.Supports(Num(ContentFormat::kLwm2mJson)));
  EXPECT_FALSE(all.Supports(9999));
  EXPECT_FALSE(all.RootLink());
  EXPECT_EQ(all.DefaultFor(false, false), ContentFormat::kSenmlCbor);
  EXPECT_EQ(all.DefaultFor(true, true), ContentFormat::kOpaque);
}

TEST(ContentFormatsTest, ANarrowSetKeepsTextAndOpaque) {
  ContentFormats tlv{.supported = {ContentFormat::kTlv}};
  EXPECT_TRUE(tlv.Supports(Num(ContentFormat::kPlainText)));
  EXPECT_TRUE(tlv.Supports(Num(ContentFormat::kOpaque)));
  EXPECT_TRUE(tlv.Supports(Num(ContentFormat::kTlv)));
  EXPECT_FALSE(tlv.Supports(Num(ContentFormat::kSenmlCbor)));
  EXPECT_EQ(tlv.DefaultFor(false, false), ContentFormat::kTlv);
  ContentFormats text_only{.supported = {ContentFormat::kCbor}};
  EXPECT_EQ(text_only.DefaultFor(false, false), ContentFormat::kPlainText);  // cannot carry several: 4.06 follows
}

class NarrowRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reg_.Add(testing::MakeTestObject());
    reg_.SetContentFormats({.supported = {ContentFormat::kSenmlJson}, .advertised = {ContentFormat::kSenmlJson}});
  }
  DmRequest Get(std::vector<std::string> path, std::optional<uint16_t> accept = std::nullopt) {
    DmRequest r;
    r.uri_path = std::move(path);
    r.accept = accept;
    return r;
  }
  Registry reg_;
};

TEST_F(NarrowRegistryTest, AdvertisesItsFormatsOnTheRootLink) {
  EXPECT_EQ(reg_.ObjectListText(), R"(</>;rt="oma.lwm2m";ct=110,</42/0>)");
  reg_.SetContentFormats({.advertised = {ContentFormat::kSenmlCbor, ContentFormat::kTlv}});
  EXPECT_EQ(reg_.ObjectListText(), R"(</>;rt="oma.lwm2m";ct="112 11542",</42/0>)");
}

TEST_F(NarrowRegistryTest, RefusesWhatItLacksAndAnswersInWhatItHas) {
  EXPECT_EQ(HandleDmRequest(reg_, Get({"42", "0"}, Num(ContentFormat::kSenmlCbor))).code, CoapCode::kNotAcceptable);
  EXPECT_EQ(HandleDmRequest(reg_, Get({"42", "0"}, Num(ContentFormat::kTlv))).code, CoapCode::kNotAcceptable);
  DmResponse plain = HandleDmRequest(reg_, Get({"42"}));
  EXPECT_EQ(plain.code, CoapCode::kContent);
  EXPECT_EQ(plain.content_format, Num(ContentFormat::kSenmlJson));
  EXPECT_EQ(HandleDmRequest(reg_, Get({"42", "0", "0"})).content_format, Num(ContentFormat::kPlainText));

  DmRequest write;
  write.method = CoapMethod::kPut;
  write.uri_path = {"42", "0", "0"};
  write.content_format = Num(ContentFormat::kSenmlCbor);
  write.payload = {0x81, 0xa0};
  EXPECT_EQ(HandleDmRequest(reg_, write).code, CoapCode::kUnsupportedContentFormat);
  write.content_format = Num(ContentFormat::kPlainText);
  write.payload = {'h', 'i'};
  EXPECT_EQ(HandleDmRequest(reg_, write).code, CoapCode::kChanged);

  // Composites: a SenML CBOR path list is 4.15, an answer in it 4.06.
  std::vector<uint8_t> cbor_paths;
  const std::vector<Path> paths{Path::Resource(42, 0, 0)};
  ASSERT_FALSE(lwm2m::EncodeSenmlCborPaths(paths, &cbor_paths));
  DmRequest fetch;
  fetch.method = CoapMethod::kFetch;
  fetch.content_format = Num(ContentFormat::kSenmlCbor);
  fetch.payload = cbor_paths;
  EXPECT_EQ(HandleDmRequest(reg_, fetch).code, CoapCode::kUnsupportedContentFormat);
  std::vector<uint8_t> json_paths;
  ASSERT_FALSE(lwm2m::EncodeSenmlJsonPaths(paths, &json_paths));
  fetch.content_format = Num(ContentFormat::kSenmlJson);
  fetch.payload = json_paths;
  fetch.accept = Num(ContentFormat::kSenmlCbor);
  EXPECT_EQ(HandleDmRequest(reg_, fetch).code, CoapCode::kNotAcceptable);
  fetch.accept.reset();
  DmResponse composite = HandleDmRequest(reg_, fetch);
  EXPECT_EQ(composite.code, CoapCode::kContent);
  EXPECT_EQ(composite.content_format, Num(ContentFormat::kSenmlJson));
}

}  // namespace
}  // namespace lwcl::client
