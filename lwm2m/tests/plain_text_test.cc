#include "lwm2m/plain_text.h"

#include <gtest/gtest.h>

#include <limits>

#include "lwm2m/base64.h"
#include "lwm2m/opaque.h"

namespace lwcl::lwm2m {
namespace {

Value Parse(std::string_view text, DataType t) {
  Value v;
  const auto e = ParsePlainText(text, t, &v);
  EXPECT_FALSE(e.has_value()) << text << ": " << (e ? e->message : "");
  return v;
}

bool Rejects(std::string_view text, DataType t) {
  Value v;
  return ParsePlainText(text, t, &v).has_value();
}

std::string Format(const Value& v) {
  std::string s;
  EXPECT_FALSE(FormatPlainText(v, &s).has_value());
  return s;
}

TEST(PlainTextTest, ParsesEachType) {
  EXPECT_EQ(Parse("-42", DataType::kInteger), Value{int64_t{-42}});
  EXPECT_EQ(Parse("9223372036854775807", DataType::kInteger),
            (Value{std::numeric_limits<int64_t>::max()}));
  EXPECT_EQ(Parse("18446744073709551615", DataType::kUnsignedInteger), (Value{~uint64_t{0}}));
  EXPECT_EQ(Parse("2.5", DataType::kFloat), Value{2.5});
  EXPECT_EQ(Parse("-1e-3", DataType::kFloat), Value{-0.001});
  EXPECT_EQ(Parse("7", DataType::kFloat), Value{7.0});
  EXPECT_EQ(Parse("0", DataType::kBoolean), Value{false});
  EXPECT_EQ(Parse("1", DataType::kBoolean), Value{true});
  EXPECT_EQ(Parse("1700000000", DataType::kTime), Value{Time{1700000000}});
  EXPECT_EQ(Parse("3:0", DataType::kObjlnk), (Value{Objlnk{3, 0}}));
  EXPECT_EQ(Parse("65535:65535", DataType::kObjlnk), (Value{Objlnk{65535, 65535}}));
  EXPECT_EQ(Parse("héllo", DataType::kString), Value{std::string("héllo")});
  EXPECT_EQ(Parse("", DataType::kString), Value{std::string()});
  EXPECT_EQ(Parse("free text", DataType::kNone), Value{std::string("free text")});
  EXPECT_EQ(Parse("</3/0>", DataType::kCoreLnk), Value{CoreLnk{"</3/0>"}});
  EXPECT_EQ(Parse("AQID", DataType::kOpaque), (Value{Opaque{1, 2, 3}}));
  EXPECT_EQ(Parse("", DataType::kOpaque), Value{Opaque{}});
}

TEST(PlainTextTest, RejectsJunk) {
  for (const char* bad : {"", "12a", " 12", "12 ", "+1", "1.0", "0x10", "9223372036854775808", "--1"}) {
    EXPECT_TRUE(Rejects(bad, DataType::kInteger)) << bad;
  }
  for (const char* bad : {"-1", "18446744073709551616", "1e3"}) {
    EXPECT_TRUE(Rejects(bad, DataType::kUnsignedInteger)) << bad;
  }
  for (const char* bad : {"", "inf", "nan", "-inf", "1e999", "1.5x", "+1", "0x1p3", " 1"}) {
    EXPECT_TRUE(Rejects(bad, DataType::kFloat)) << bad;
  }
  for (const char* bad : {"", "2", "true", "false", "01"}) EXPECT_TRUE(Rejects(bad, DataType::kBoolean)) << bad;
  for (const char* bad : {"3", "3:", ":0", "3:0:1", "65536:0", "a:b", "-1:0"}) {
    EXPECT_TRUE(Rejects(bad, DataType::kObjlnk)) << bad;
  }
  for (const char* bad : {"AQI", "AQ==x", "A===", "A Q=", "AR==", "-_=="}) {
    EXPECT_TRUE(Rejects(bad, DataType::kOpaque)) << bad;
  }
  EXPECT_TRUE(Rejects("\xC3\x28", DataType::kString));
  EXPECT_TRUE(Rejects("1.5", DataType::kTime));
}

TEST(PlainTextTest, FormatsShortestForms) {
  EXPECT_EQ(Format(int64_t{-5}), "-5");
  EXPECT_EQ(Format(uint64_t{18446744073709551615ULL}), "18446744073709551615");
  EXPECT_EQ(Format(0.1), "0.1");
  EXPECT_EQ(Format(2.0), "2");
  EXPECT_EQ(Format(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(Format(true), "1");
  EXPECT_EQ(Format(false), "0");
  EXPECT_EQ(Format(Time{1700000000}), "1700000000");
  EXPECT_EQ(Format(Objlnk{3, 1}), "3:1");
  EXPECT_EQ(Format(Opaque{0xFF, 0x00}), "/wA=");
  EXPECT_EQ(Format(CoreLnk{"</1>"}), "</1>");
  std::string s;
  EXPECT_TRUE(FormatPlainText(Value{}, &s).has_value());
  EXPECT_TRUE(FormatPlainText(std::numeric_limits<double>::infinity(), &s).has_value());
}

TEST(PlainTextTest, FloatsRoundTripExactly) {
  for (const double d : {0.1, -0.0, 1e-300, 123456.789, 3.141592653589793, 1e21, 5e-324,
                         std::numeric_limits<double>::max()}) {
    EXPECT_EQ(Parse(Format(d), DataType::kFloat), Value{d}) << Format(d);
  }
}

TEST(PlainTextTest, PayloadLevelCodec) {
  const Path p = Path::Resource(3, 0, 9);
  const std::string text = "100";
  Record r;
  ASSERT_FALSE(DecodePlainText({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, p,
                               DataType::kInteger, &r));
  EXPECT_EQ(r.path, p);
  EXPECT_EQ(r.value, Value{int64_t{100}});
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodePlainText(r, &out));
  EXPECT_EQ(std::string(out.begin(), out.end()), "100");
  EXPECT_TRUE(DecodePlainText({}, Path::Instance(3, 0), DataType::kString, &r).has_value());
  EXPECT_TRUE(EncodePlainText(Record{Path::Object(3), int64_t{1}, {}}, &out).has_value());
}

TEST(OpaqueTest, CarriesOnlyOpaque) {
  const std::vector<uint8_t> bytes{0, 1, 0xFE};
  Record r;
  ASSERT_FALSE(DecodeOpaque(bytes, Path::Resource(5, 0, 0), DataType::kOpaque, &r));
  EXPECT_EQ(r.value, Value{Opaque(bytes)});
  ASSERT_FALSE(DecodeOpaque(bytes, Path::Resource(5, 0, 0), DataType::kNone, &r));
  EXPECT_TRUE(DecodeOpaque(bytes, Path::Resource(3, 0, 9), DataType::kInteger, &r).has_value());
  EXPECT_TRUE(DecodeOpaque(bytes, Path::Instance(5, 0), DataType::kOpaque, &r).has_value());
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeOpaque(Record{Path::Resource(5, 0, 0), Opaque(bytes), {}}, &out));
  EXPECT_EQ(out, bytes);
  EXPECT_TRUE(EncodeOpaque(Record{Path::Resource(3, 0, 9), int64_t{1}, {}}, &out).has_value());
}

TEST(Base64Test, EncodesAndDecodesBothAlphabets) {
  const std::vector<uint8_t> b{0xFB, 0xFF, 0xBF, 'a'};
  EXPECT_EQ(Base64Encode(b), "+/+/YQ==");
  EXPECT_EQ(Base64Encode(b, Base64Alphabet::kUrl), "-_-_YQ");
  EXPECT_EQ(Base64Decode("+/+/YQ=="), b);
  EXPECT_EQ(Base64Decode("-_-_YQ", Base64Alphabet::kUrl), b);
  EXPECT_FALSE(Base64Decode("-_-_YQ").has_value());
  EXPECT_FALSE(Base64Decode("+/+/YQ==", Base64Alphabet::kUrl).has_value());
  for (size_t n = 0; n < 10; ++n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 37 + 11);
    EXPECT_EQ(Base64Decode(Base64Encode(v)), v);
    EXPECT_EQ(Base64Decode(Base64Encode(v, Base64Alphabet::kUrl), Base64Alphabet::kUrl), v);
  }
}

TEST(Utf8Test, ValidatesSequences) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));      // euro sign
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // emoji
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));         // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));     // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80")); // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));         // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

}  // namespace
}  // namespace lwcl::lwm2m
