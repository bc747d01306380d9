#include "lwm2m/link_format.h"

#include <gtest/gtest.h>

namespace lwcl::lwm2m {
namespace {

std::vector<Link> Parse(std::string_view text) {
  std::vector<Link> out;
  const auto e = ParseLinkFormat(text, &out);
  EXPECT_FALSE(e.has_value()) << text << ": " << (e ? e->message : "");
  return out;
}

TEST(LinkFormatTest, ParsesRegistrationObjectList) {
  const auto links = Parse("</1/0>,</3/0>;ver=1.1,</3303>;ver=1.0,</0/1>");
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0].path, Path::Instance(1, 0));
  EXPECT_TRUE(links[0].attributes.empty());
  EXPECT_EQ(links[1].path, Path::Instance(3, 0));
  ASSERT_NE(links[1].Find("ver"), nullptr);
  EXPECT_EQ(links[1].Find("ver")->value, "1.1");
  EXPECT_EQ(links[2].path, Path::Object(3303));
  EXPECT_EQ(links[3].path, Path::Instance(0, 1));
  EXPECT_EQ(links[3].Find("ver"), nullptr);
}

TEST(LinkFormatTest, ParsesRootLinkWithQuotedAndBareAttributes) {
  const auto links = Parse("</>;rt=\"oma.lwm2m\";ct=110,</3/0/7>;dim=2;obs");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].uri, "/");
  EXPECT_EQ(links[0].path, Path::Root());
  EXPECT_EQ(links[0].Find("rt")->value, "oma.lwm2m");
  EXPECT_TRUE(links[0].Find("rt")->quoted);
  EXPECT_EQ(links[0].Find("ct")->value, "110");
  EXPECT_EQ(links[1].Find("dim")->value, "2");
  ASSERT_NE(links[1].Find("obs"), nullptr);
  EXPECT_FALSE(links[1].Find("obs")->value.has_value());
}

TEST(LinkFormatTest, KeepsNonPathUris) {
  const auto links = Parse("</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/3/0>,<sensors/temp>");
  ASSERT_EQ(links.size(), 3u);
  EXPECT_FALSE(links[0].path.has_value());
  EXPECT_EQ(links[1].uri, "/lwm2m/3/0");
  EXPECT_FALSE(links[1].path.has_value());
  EXPECT_FALSE(links[2].path.has_value());
}

TEST(LinkFormatTest, QuotedStringsUnescape) {
  const auto links = Parse(R"(</1>;title="a \"q\", b;c\\d")");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].Find("title")->value, "a \"q\", b;c\\d");
  EXPECT_EQ(FormatLinkFormat(links), R"(</1>;title="a \"q\", b;c\\d")");
}

TEST(LinkFormatTest, RoundTripsCanonicalText) {
  for (const char* text : {"</1/0>,</3/0>;ver=1.1,</3303>;ver=1.0,</0/1>", "</>;rt=\"oma.lwm2m\";ct=110",
                           "</3/0>,</3/0/7>;dim=2;pmin=10;gt=20.5,</3/0/9>;obs", "</33650/0>;ver=1.0"}) {
    EXPECT_EQ(FormatLinkFormat(Parse(text)), text);
  }
}

TEST(LinkFormatTest, EmitsDiscoverResponse) {
  Link obj = LinkTo(Path::Instance(3, 0));
  obj.attributes.push_back({"pmin", "10", false});
  Link multi = LinkTo(Path::Resource(3, 0, 7));
  multi.attributes.push_back({"dim", "2", false});
  multi.attributes.push_back({"title", "two words", false});  // not a ptoken: quoted
  const std::vector<Link> links = {obj, multi, LinkTo(Path::Resource(3, 0, 9))};
  EXPECT_EQ(FormatLinkFormat(links), "</3/0>;pmin=10,</3/0/7>;dim=2;title=\"two words\",</3/0/9>");
}

TEST(LinkFormatTest, RejectsMalformedText) {
  for (const char* bad : {"", "<", "</1", "/1/0", "</1/0>,", ",</1/0>", "</1/0>,,</3>", "</1/0> ,</3>",
                          "</1/0>;", "</1/0>;=1", "</1/0>;ver=", "</1/0>;ver=\"1.1", "</1/0>;ver=\"1.1\\",
                          "<>", "</1 0>", "</1/0>x", "</1/0>;ver=1 1", "</1/0>;v;", "</1/0>;a=b,c"}) {
    std::vector<Link> out;
    EXPECT_TRUE(ParseLinkFormat(bad, &out).has_value()) << bad;
    EXPECT_TRUE(out.empty()) << bad;
  }
}

}  // namespace
}  // namespace lwcl::lwm2m
