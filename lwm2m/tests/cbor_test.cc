#include "lwm2m/cbor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lwcl::lwm2m::cbor {
namespace {

std::vector<uint8_t> Hex(std::string_view h) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nib(h[i]) * 16 + nib(h[i + 1])));
  }
  return out;
}

Item MustParse(std::string_view hex) {
  Item it;
  const auto bytes = Hex(hex);
  auto err = Parse(bytes, &it);
  EXPECT_FALSE(err.has_value()) << hex << ": " << (err ? err->message : "");
  return it;
}

// RFC 8949 Appendix A: integers.
TEST(CborTest, AppendixAIntegers) {
  struct Case {
    const char* hex;
    int64_t value;
  } cases[] = {{"00", 0},           {"01", 1},
               {"0a", 10},          {"17", 23},
               {"1818", 24},        {"1819", 25},
               {"1864", 100},       {"1903e8", 1000},
               {"1a000f4240", 1000000}, {"1b000000e8d4a51000", 1000000000000},
               {"20", -1},          {"29", -10},
               {"3863", -100},      {"3903e7", -1000}};
  for (const auto& c : cases) {
    const Item it = MustParse(c.hex);
    ASSERT_TRUE(it.AsInt().has_value()) << c.hex;
    EXPECT_EQ(*it.AsInt(), c.value) << c.hex;
    std::vector<uint8_t> out;
    Writer(&out).Int(c.value);
    EXPECT_EQ(out, Hex(c.hex)) << c.hex;
  }
  const Item max = MustParse("1bffffffffffffffff");
  EXPECT_EQ(max.AsUint(), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(max.AsInt().has_value());
  const Item minneg = MustParse("3bffffffffffffffff");  // -18446744073709551616
  EXPECT_EQ(minneg.kind, Item::Kind::kNegative);
  EXPECT_EQ(minneg.number, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(minneg.AsInt().has_value());
  // Bignums are exposed as tags 2/3 over byte strings.
  const Item big = MustParse("c249010000000000000000");
  EXPECT_EQ(big.kind, Item::Kind::kTag);
  EXPECT_EQ(big.number, 2u);
  EXPECT_EQ(big.children[0].bytes.size(), 9u);
  EXPECT_EQ(MustParse("c349010000000000000000").number, 3u);
}

// RFC 8949 Appendix A: floats, decoded from all three widths, and the
// shortest lossless encoding chosen by Writer::Float.
TEST(CborTest, AppendixAFloats) {
  struct Case {
    const char* hex;
    double value;
  } cases[] = {{"f90000", 0.0},
               {"f98000", -0.0},
               {"f93c00", 1.0},
               {"fb3ff199999999999a", 1.1},
               {"f93e00", 1.5},
               {"f97bff", 65504.0},
               {"fa47c35000", 100000.0},
               {"fa7f7fffff", 3.4028234663852886e+38},
               {"fb7e37e43c8800759c", 1.0e+300},
               {"f90001", 5.960464477539063e-8},
               {"f90400", 0.00006103515625},
               {"f9c400", -4.0},
               {"fbc010666666666666", -4.1},
               {"f97c00", std::numeric_limits<double>::infinity()},
               {"f9fc00", -std::numeric_limits<double>::infinity()}};
  for (const auto& c : cases) {
    const Item it = MustParse(c.hex);
    ASSERT_EQ(it.kind, Item::Kind::kFloat) << c.hex;
    EXPECT_EQ(it.real, c.value) << c.hex;
    EXPECT_EQ(std::signbit(it.real), std::signbit(c.value)) << c.hex;
    std::vector<uint8_t> out;
    Writer(&out).Float(c.value);
    EXPECT_EQ(out, Hex(c.hex)) << c.hex;
  }
  for (const char* nan : {"f97e00", "fa7fc00000", "fb7ff8000000000000"}) {
    EXPECT_TRUE(std::isnan(MustParse(nan).real)) << nan;
  }
  EXPECT_EQ(MustParse("fa7f800000").real, std::numeric_limits<double>::infinity());
  EXPECT_EQ(MustParse("faff800000").real, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(MustParse("fb7ff0000000000000").real, std::numeric_limits<double>::infinity());
  EXPECT_EQ(MustParse("fbfff0000000000000").real, -std::numeric_limits<double>::infinity());
  std::vector<uint8_t> out;
  Writer(&out).Float(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(out, Hex("f97e00"));
  out.clear();
  Writer(&out).Double(1.0);
  EXPECT_EQ(out, Hex("fb3ff0000000000000"));
}

TEST(CborTest, AppendixASimpleAndTags) {
  EXPECT_EQ(MustParse("f4").kind, Item::Kind::kFalse);
  EXPECT_EQ(MustParse("f5").kind, Item::Kind::kTrue);
  EXPECT_EQ(MustParse("f6").kind, Item::Kind::kNull);
  EXPECT_EQ(MustParse("f7").kind, Item::Kind::kUndefined);
  EXPECT_EQ(MustParse("f0").number, 16u);
  EXPECT_EQ(MustParse("f8ff").number, 255u);
  const Item t0 = MustParse("c074323031332d30332d32315432303a30343a30305a");
  EXPECT_EQ(t0.kind, Item::Kind::kTag);
  EXPECT_EQ(t0.number, 0u);
  EXPECT_EQ(t0.Untagged().text, "2013-03-21T20:04:00Z");
  EXPECT_EQ(MustParse("c11a514b67b0").Untagged().AsInt(), 1363896240);
  EXPECT_EQ(MustParse("c1fb41d452d9ec200000").Untagged().real, 1363896240.5);
  EXPECT_EQ(MustParse("d74401020304").number, 23u);
  EXPECT_EQ(MustParse("d818456449455446").number, 24u);
  EXPECT_EQ(MustParse("d82076687474703a2f2f7777772e6578616d706c652e636f6d").Untagged().text,
            "http://www.example.com");
  for (const char* hex : {"f4", "f5", "f6", "f7", "f0", "f8ff", "c11a514b67b0", "d74401020304"}) {
    EXPECT_EQ(Encode(MustParse(hex)), Hex(hex)) << hex;
  }
}

TEST(CborTest, AppendixAStrings) {
  EXPECT_TRUE(MustParse("40").bytes.empty());
  EXPECT_EQ(MustParse("4401020304").bytes, (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(MustParse("60").text, "");
  EXPECT_EQ(MustParse("6161").text, "a");
  EXPECT_EQ(MustParse("6449455446").text, "IETF");
  EXPECT_EQ(MustParse("62225c").text, "\"\\");
  EXPECT_EQ(MustParse("62c3bc").text, "\xc3\xbc");
  EXPECT_EQ(MustParse("63e6b0b4").text, "\xe6\xb0\xb4");
  EXPECT_EQ(MustParse("64f0908591").text, "\xf0\x90\x85\x91");
  EXPECT_EQ(MustParse("5f42010243030405ff").bytes, (std::vector<uint8_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(MustParse("7f657374726561646d696e67ff").text, "streaming");
  for (const char* hex : {"40", "4401020304", "60", "6161", "6449455446", "62225c", "64f0908591"}) {
    EXPECT_EQ(Encode(MustParse(hex)), Hex(hex)) << hex;
  }
}

TEST(CborTest, AppendixAContainers) {
  const char* definite[] = {
      "80", "83010203", "8301820203820405",
      "98190102030405060708090a0b0c0d0e0f101112131415161718181819", "a0", "a201020304",
      "a26161016162820203", "826161a161626163", "a56161614161626142616361436164614461656145"};
  for (const char* hex : definite) EXPECT_EQ(Encode(MustParse(hex)), Hex(hex)) << hex;
  // Indefinite forms decode to the same trees as their definite equivalents.
  struct Pair {
    const char* indefinite;
    const char* definite;
  } pairs[] = {
      {"9fff", "80"},
      {"9f018202039f0405ffff", "8301820203820405"},
      {"9f01820203820405ff", "8301820203820405"},
      {"83018202039f0405ff", "8301820203820405"},
      {"83019f0203ff820405", "8301820203820405"},
      {"9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
       "98190102030405060708090a0b0c0d0e0f101112131415161718181819"},
      {"bf61610161629f0203ffff", "a26161016162820203"},
      {"826161bf61626163ff", "826161a161626163"},
      {"bf6346756ef563416d7421ff", "a26346756ef563416d7421"},
  };
  for (const auto& p : pairs) {
    const Item a = MustParse(p.indefinite);
    EXPECT_TRUE(a.SameAs(MustParse(p.definite))) << p.indefinite;
    EXPECT_EQ(Encode(a), Hex(p.definite)) << p.indefinite;
  }
  const Item m = MustParse("bf6346756ef563416d7421ff");
  ASSERT_EQ(m.map_size(), 2u);
  EXPECT_EQ(m.key(0).text, "Fun");
  EXPECT_EQ(m.value(0).kind, Item::Kind::kTrue);
  EXPECT_EQ(m.value(1).AsInt(), -2);
}

TEST(CborTest, WriterIndefiniteAndHeads) {
  std::vector<uint8_t> out;
  Writer w(&out);
  w.BeginIndefinite(4);
  w.Uint(1);
  w.BeginIndefinite(3);
  w.Text("strea");
  w.Text("ming");
  w.Break();
  w.Break();
  EXPECT_EQ(out, Hex("9f017f657374726561646d696e67ffff"));
  out.clear();
  w.Uint(0xffff);
  w.Uint(0x10000);
  w.Uint(0x100000000ULL);
  w.NegativeRaw(std::numeric_limits<uint64_t>::max());
  w.Simple(16);
  w.Simple(255);
  EXPECT_EQ(out, Hex("19ffff1a000100001b00000001000000003bfffffffffffffffff0f8ff"));
  out.clear();
  w.Int(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(out, Hex("3b7fffffffffffffff"));
}

TEST(CborTest, FloatWidthChoice) {
  for (double d : {0.5, -2.0, 1.0 / 3.0, static_cast<double>(3.14159f), 1e-7, 6.1e-5, 65504.0, 65520.0, 1e10}) {
    std::vector<uint8_t> out;
    Writer(&out).Float(d);
    Item it;
    ASSERT_FALSE(Parse(out, &it).has_value());
    EXPECT_EQ(it.real, d);
  }
  std::vector<uint8_t> out;
  Writer(&out).Float(65520.0);  // one step beyond the largest half
  EXPECT_EQ(out[0], 0xfa);
  EXPECT_EQ(DoubleToHalfExact(1e-8), std::nullopt);
  EXPECT_EQ(HalfToDouble(0x3555), 0.333251953125);
}

TEST(CborTest, MalformedInputIsRefused) {
  struct Case {
    const char* hex;
    size_t offset;
  } cases[] = {
      {"", 0},                    // nothing
      {"18", 0},                  // truncated argument
      {"1b0000", 0},              // truncated 8-byte argument
      {"1c", 0},                  // reserved additional info 28
      {"1f", 0},                  // indefinite integer
      {"3f", 0},                  // indefinite negative
      {"ff", 0},                  // lone break
      {"4401", 0},                // byte string longer than input
      {"5bffffffffffffffff", 0},  // huge length
      {"9bffffffffffffffff", 0},  // huge array
      {"bbffffffffffffff00", 0},  // huge map
      {"830102", 0},              // array one short
      {"a201", 0},                // map missing value
      {"9f01", 0},                // indefinite array without break
      {"bf01ff", 2},              // indefinite map: key then break
      {"5f4201", 1},              // truncated chunk
      {"5f6161ff", 1},            // text chunk inside byte string
      {"5f5f4101ffff", 1},        // nested indefinite chunk
      {"62c328", 0},              // invalid UTF-8
      {"f818", 0},                // two-byte simple below 32
      {"df", 0},                  // indefinite tag
      {"c1", 1},                  // tag without content
      {"0000", 1},                // trailing bytes
      {"fa0000", 0},              // truncated float
  };
  for (const auto& c : cases) {
    Item it;
    auto err = Parse(Hex(c.hex), &it);
    ASSERT_TRUE(err.has_value()) << c.hex;
    EXPECT_EQ(err->offset, c.offset) << c.hex << ": " << err->message;
    EXPECT_FALSE(err->message.empty());
  }
}

TEST(CborTest, DepthBombIsRefused) {
  std::vector<uint8_t> bomb(100000, 0x81);  // [[[[...
  bomb.push_back(0x00);
  Item it;
  auto err = Parse(bomb, &it);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->offset, static_cast<size_t>(kMaxDepth));
  std::vector<uint8_t> tags(100000, 0xc1);
  tags.push_back(0x00);
  EXPECT_TRUE(Parse(tags, &it).has_value());
  std::vector<uint8_t> ok(kMaxDepth, 0x81);
  ok.push_back(0x00);
  EXPECT_FALSE(Parse(ok, &it).has_value());
}

TEST(CborTest, SequencesParseOneItemAtATime) {
  const auto bytes = Hex("0161618200f6");
  size_t off = 0;
  Item it;
  ASSERT_FALSE(ParseNext(bytes, &off, &it).has_value());
  EXPECT_EQ(it.AsInt(), 1);
  ASSERT_FALSE(ParseNext(bytes, &off, &it).has_value());
  EXPECT_EQ(it.text, "a");
  ASSERT_FALSE(ParseNext(bytes, &off, &it).has_value());
  EXPECT_EQ(it.children.size(), 2u);
  EXPECT_EQ(it.offset, 3u);
  EXPECT_EQ(it.children[1].offset, 5u);
  EXPECT_EQ(off, bytes.size());
}

}  // namespace
}  // namespace lwcl::lwm2m::cbor
