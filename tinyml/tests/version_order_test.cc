// CompareVersions: numeric, component by component, zero-padded; anything
// that is not a dotted decimal version is unordered.
#include "tinyml/package/version_order.h"

#include <gtest/gtest.h>

#include <string_view>

namespace lwcl::tinyml {
namespace {

VersionOrder Compare(std::string_view candidate, std::string_view active) {
  return CompareVersions(Span<const char>(candidate.data(), candidate.size()),
                         Span<const char>(active.data(), active.size()));
}

TEST(CompareVersions, OrdersNumericallyComponentByComponent) {
  EXPECT_EQ(Compare("1.10.0", "1.9.3"), VersionOrder::kNewer);
  EXPECT_EQ(Compare("1.9.3", "1.10.0"), VersionOrder::kOlder);
  EXPECT_EQ(Compare("2.0.0", "1.99.99"), VersionOrder::kNewer);
  EXPECT_EQ(Compare("0.1.0", "0.1.0"), VersionOrder::kSame);
  EXPECT_EQ(Compare("1.2", "1.2.0"), VersionOrder::kSame);
  EXPECT_EQ(Compare("1.2.1", "1.2"), VersionOrder::kNewer);
  EXPECT_EQ(Compare("3", "2.9"), VersionOrder::kNewer);
  EXPECT_EQ(Compare("010.0", "9.0"), VersionOrder::kNewer);
}

TEST(CompareVersions, RefusesWhatIsNotAVersion) {
  for (std::string_view bad : {"", "1..2", "1.", ".1", "v1.2", "1.2-rc1", "1.2.x", "1234567890.0"}) {
    EXPECT_EQ(Compare(bad, "1.0.0"), VersionOrder::kUnordered) << bad;
    EXPECT_EQ(Compare("1.0.0", bad), VersionOrder::kUnordered) << bad;
  }
}

}  // namespace
}  // namespace lwcl::tinyml
