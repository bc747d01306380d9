#include "lwm2m/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lwcl::lwm2m::json {
namespace {

Value MustParse(std::string_view text) {
  Value v;
  auto err = Parse(text, &v);
  EXPECT_FALSE(err.has_value()) << text << ": " << (err ? err->message : "");
  return v;
}

std::string Write(const Value& v) {
  std::string out;
  EXPECT_FALSE(Serialize(v, &out).has_value());
  return out;
}

TEST(JsonTest, ParsesScalars) {
  EXPECT_EQ(MustParse("null").kind, Value::Kind::kNull);
  EXPECT_TRUE(MustParse(" true ").boolean);
  EXPECT_EQ(MustParse("false").kind, Value::Kind::kBool);
  EXPECT_EQ(MustParse("\"hi\"").string, "hi");
  const Value i = MustParse("-42");
  EXPECT_EQ(i.integer, -42);
  EXPECT_EQ(i.number, -42.0);
  const Value big = MustParse("9223372036854775807");
  EXPECT_EQ(big.integer, std::numeric_limits<int64_t>::max());
  const Value ubig = MustParse("18446744073709551615");
  EXPECT_FALSE(ubig.integer.has_value());
  EXPECT_EQ(ubig.unsigned_integer, std::numeric_limits<uint64_t>::max());
  const Value huge = MustParse("18446744073709551616");
  EXPECT_FALSE(huge.integer || huge.unsigned_integer);
  EXPECT_EQ(huge.number, 18446744073709551616.0);
  const Value f = MustParse("2.5e-3");
  EXPECT_FALSE(f.integer.has_value());
  EXPECT_EQ(f.number, 2.5e-3);
  EXPECT_FALSE(MustParse("3.0").integer.has_value());
  EXPECT_EQ(MustParse("1e-400").number, 0.0);
  EXPECT_EQ(MustParse("-0").integer, 0);
}

TEST(JsonTest, DecodesEscapes) {
  EXPECT_EQ(MustParse(R"("a\"b\\c\/d\b\f\n\r\t")").string, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(MustParse(R"("\u00fc\u6c34")").string, "\xc3\xbc\xe6\xb0\xb4");
  EXPECT_EQ(MustParse(R"("\ud800\udd51")").string, "\xf0\x90\x85\x91");
  EXPECT_EQ(MustParse(R"("\uD83D\uDE00")").string, "\xf0\x9f\x98\x80");
  EXPECT_EQ(MustParse(R"("\u0000")").string, std::string(1, '\0'));
  EXPECT_EQ(MustParse("\"\xc3\xbc\"").string, "\xc3\xbc");
}

TEST(JsonTest, ParsesContainersInOrder) {
  const Value v = MustParse(R"( {"b": [1, 2.5, "x", [], {}], "a": {"n": null}, "b": true} )");
  ASSERT_EQ(v.kind, Value::Kind::kObject);
  ASSERT_EQ(v.object.size(), 3u);
  EXPECT_EQ(v.object[0].key, "b");
  EXPECT_EQ(v.object[1].key, "a");
  EXPECT_EQ(v.Find("b")->array.size(), 5u);
  EXPECT_EQ(v.Find("a")->Find("n")->kind, Value::Kind::kNull);
  EXPECT_EQ(v.Find("zz"), nullptr);
  EXPECT_EQ(v.object[1].value.offset, 35u);
}

TEST(JsonTest, RefusesMalformedText) {
  struct Case {
    const char* text;
    size_t offset;
  } cases[] = {
      {"", 0},          {"  ", 2},         {"[1,]", 3},       {"[1 2]", 3},      {"{\"a\" 1}", 5},
      {"{a:1}", 1},     {"{\"a\":}", 5},   {"[", 1},          {"{\"a\":1", 0},   {"\"abc", 0},
      {"\"\\x\"", 1},   {"\"\\u12\"", 3},  {"\"\\ud800\"", 1}, {"\"\\udc00\"", 1}, {"\"\\ud800\\u0041\"", 1},
      {"\"a\nb\"", 2},  {"01", 1},         {"1.", 0},         {"1e", 0},         {".5", 0},
      {"-", 0},         {"+1", 0},         {"tru", 0},        {"nul", 0},        {"1e400", 0},
      {"[1] x", 4},     {"\"\xc3\"", 0},   {"NaN", 0},
  };
  for (const auto& c : cases) {
    Value v;
    auto err = Parse(c.text, &v);
    ASSERT_TRUE(err.has_value()) << c.text;
    EXPECT_EQ(err->offset, c.offset) << c.text << ": " << err->message;
  }
}

TEST(JsonTest, DepthBombIsRefused) {
  Value v;
  EXPECT_TRUE(Parse(std::string(100000, '['), &v).has_value());
  std::string ok = std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']');
  EXPECT_FALSE(Parse(ok, &v).has_value());
  std::string deep = std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']');
  auto err = Parse(deep, &v);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->offset, static_cast<size_t>(kMaxDepth));
}

TEST(JsonTest, WritesCompactJson) {
  const Value v = Value::Object({{"s", Value::String("q\"\\\n\x01")},
                                 {"i", Value::Int(-7)},
                                 {"u", Value::Uint(18446744073709551615ULL)},
                                 {"d", Value::Double(3.0)},
                                 {"e", Value::Double(0.1)},
                                 {"g", Value::Double(1e300)},
                                 {"a", Value::Array({Value::Bool(true), Value::Null()})}});
  const std::string text = Write(v);
  EXPECT_EQ(text,
            R"({"s":"q\"\\\n\u0001","i":-7,"u":18446744073709551615,"d":3.0,"e":0.1,"g":1e+300,"a":[true,null]})");
  const Value back = MustParse(text);
  EXPECT_EQ(back.Find("s")->string, "q\"\\\n\x01");
  EXPECT_FALSE(back.Find("d")->integer.has_value());
  EXPECT_EQ(back.Find("d")->number, 3.0);
  EXPECT_EQ(back.Find("g")->number, 1e300);
  EXPECT_EQ(back.Find("u")->unsigned_integer, 18446744073709551615ULL);
  std::string out;
  EXPECT_TRUE(Serialize(Value::Double(std::numeric_limits<double>::infinity()), &out).has_value());
  out.clear();
  EXPECT_TRUE(Serialize(Value::Double(std::nan("")), &out).has_value());
}

TEST(JsonTest, DoublesRoundTripExactly) {
  for (double d : {0.1, -2.5, 1.0 / 3.0, 6.02214076e23, 5e-324, 1.7976931348623157e308, -0.0, 123456789.0}) {
    std::string s;
    ASSERT_TRUE(AppendDouble(d, &s));
    const Value back = MustParse(s);
    EXPECT_EQ(back.number, d) << s;
    EXPECT_FALSE(back.integer.has_value()) << s;
  }
}

}  // namespace
}  // namespace lwcl::lwm2m::json
