#include "lwm2m/value.h"

#include <gtest/gtest.h>

namespace lwcl::lwm2m {
namespace {

TEST(ValueTest, TypeOfFollowsTheVariant) {
  EXPECT_EQ(TypeOf(Value{}), DataType::kNone);
  EXPECT_EQ(TypeOf(Value{std::string("x")}), DataType::kString);
  EXPECT_EQ(TypeOf(Value{int64_t{1}}), DataType::kInteger);
  EXPECT_EQ(TypeOf(Value{uint64_t{1}}), DataType::kUnsignedInteger);
  EXPECT_EQ(TypeOf(Value{1.5}), DataType::kFloat);
  EXPECT_EQ(TypeOf(Value{true}), DataType::kBoolean);
  EXPECT_EQ(TypeOf(Value{Opaque{1, 2}}), DataType::kOpaque);
  EXPECT_EQ(TypeOf(Value{Time{5}}), DataType::kTime);
  EXPECT_EQ(TypeOf(Value{Objlnk{3, 0}}), DataType::kObjlnk);
  EXPECT_EQ(TypeOf(Value{CoreLnk{"</3>"}}), DataType::kCoreLnk);
}

TEST(ValueTest, DataTypeNamesMatchDdfSpelling) {
  EXPECT_STREQ(DataTypeName(DataType::kUnsignedInteger), "Unsigned Integer");
  EXPECT_STREQ(DataTypeName(DataType::kCoreLnk), "Corelnk");
  EXPECT_STREQ(DataTypeName(DataType::kObjlnk), "Objlnk");
  EXPECT_STREQ(DataTypeName(DataType::kNone), "none");
}

TEST(ValueTest, ConvertsNumbersWhereExact) {
  EXPECT_EQ(ConvertValue(int64_t{3}, DataType::kFloat), Value{3.0});
  EXPECT_EQ(ConvertValue(3.0, DataType::kInteger), Value{int64_t{3}});
  EXPECT_FALSE(ConvertValue(3.5, DataType::kInteger).has_value());
  EXPECT_FALSE(ConvertValue(1e300, DataType::kInteger).has_value());
  EXPECT_FALSE(ConvertValue(9223372036854775808.0, DataType::kInteger).has_value());
  EXPECT_EQ(ConvertValue(9223372036854775808.0, DataType::kUnsignedInteger),
            Value{uint64_t{9223372036854775808ULL}});
  EXPECT_EQ(ConvertValue(int64_t{7}, DataType::kUnsignedInteger), Value{uint64_t{7}});
  EXPECT_FALSE(ConvertValue(int64_t{-7}, DataType::kUnsignedInteger).has_value());
  EXPECT_FALSE(ConvertValue(uint64_t{~0ULL}, DataType::kInteger).has_value());
  EXPECT_EQ(ConvertValue(int64_t{1700000000}, DataType::kTime), Value{Time{1700000000}});
  EXPECT_EQ(ConvertValue(Time{5}, DataType::kInteger), Value{int64_t{5}});
  EXPECT_EQ(ConvertValue(int64_t{1}, DataType::kBoolean), Value{true});
  EXPECT_FALSE(ConvertValue(int64_t{2}, DataType::kBoolean).has_value());
  EXPECT_EQ(ConvertValue(true, DataType::kInteger), Value{int64_t{1}});
}

TEST(ValueTest, ConvertsTextLikePlainText) {
  EXPECT_EQ(ConvertValue(std::string("42"), DataType::kInteger), Value{int64_t{42}});
  EXPECT_EQ(ConvertValue(std::string("2.5"), DataType::kFloat), Value{2.5});
  EXPECT_EQ(ConvertValue(std::string("1"), DataType::kBoolean), Value{true});
  EXPECT_EQ(ConvertValue(std::string("3:0"), DataType::kObjlnk), (Value{Objlnk{3, 0}}));
  EXPECT_EQ(ConvertValue(std::string("</1>"), DataType::kCoreLnk), Value{CoreLnk{"</1>"}});
  EXPECT_FALSE(ConvertValue(std::string("12a"), DataType::kInteger).has_value());
  EXPECT_EQ(ConvertValue(Opaque{'h', 'i'}, DataType::kString), Value{std::string("hi")});
  EXPECT_FALSE(ConvertValue(Opaque{0xFF}, DataType::kString).has_value());
  EXPECT_FALSE(ConvertValue(Objlnk{1, 2}, DataType::kInteger).has_value());
  EXPECT_EQ(ConvertValue(Objlnk{1, 2}, DataType::kObjlnk), (Value{Objlnk{1, 2}}));
}

}  // namespace
}  // namespace lwcl::lwm2m
