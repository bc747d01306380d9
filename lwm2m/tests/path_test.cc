#include "lwm2m/path.h"

#include <gtest/gtest.h>

namespace lwcl::lwm2m {
namespace {

TEST(PathTest, ParsesCanonicalForms) {
  EXPECT_EQ(Path::Parse("/"), Path::Root());
  EXPECT_EQ(Path::Parse(""), Path::Root());
  EXPECT_EQ(Path::Parse("/3"), Path::Object(3));
  EXPECT_EQ(Path::Parse("/3/0/"), Path::Instance(3, 0));
  EXPECT_EQ(Path::Parse("/33650/1/2001"), Path::Resource(33650, 1, 2001));
  EXPECT_EQ(Path::Parse("/3/0/7/1"), Path::ResourceInstance(3, 0, 7, 1));
}

TEST(PathTest, RefusesMalformedText) {
  for (const char* bad : {"3/0", "/3//0", "/a", "/-1", "/65535", "/1/2/3/4/5", "/03", "//", "/3/0//",
                          "/ 3", "/99999"}) {
    EXPECT_FALSE(Path::Parse(bad).has_value()) << bad;
  }
}

TEST(PathTest, RoundTripsAndRelates) {
  const Path r = Path::Resource(3, 0, 1);
  EXPECT_EQ(r.ToString(), "/3/0/1");
  EXPECT_EQ(Path::Root().ToString(), "/");
  EXPECT_TRUE(Path::Object(3).Contains(r));
  EXPECT_TRUE(r.Contains(r));
  EXPECT_FALSE(r.Contains(Path::Object(3)));
  EXPECT_FALSE(Path::Object(4).Contains(r));
  EXPECT_EQ(r.Prefix(2), Path::Instance(3, 0));
  EXPECT_EQ(Path::Instance(3, 0).Child(1), r);
  EXPECT_LT(Path::Object(3), r);
  EXPECT_LT(Path::Resource(3, 0, 1), Path::Resource(3, 0, 2));
  EXPECT_LT(Path::Resource(3, 0, 9), Path::Resource(3, 1, 0));
}

}  // namespace
}  // namespace lwcl::lwm2m
