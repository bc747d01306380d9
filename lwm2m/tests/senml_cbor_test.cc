#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "lwm2m/cbor.h"
#include "lwm2m/senml.h"

namespace lwcl::lwm2m {
namespace {

using cbor::Item;

std::vector<uint8_t> Hex(std::string_view h) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(nib(h[i]) * 16 + nib(h[i + 1])));
  return out;
}

// [{-2: "/3/0/", 0: "0", 3: "Open Mobile Alliance"}, {0: "1", 3: "Lightweight M2M Client"}]
constexpr std::string_view kDeviceHex =
    "82"
    "a3" "21" "652f332f302f" "00" "6130" "03" "74" "4f70656e204d6f62696c6520416c6c69616e6365"
    "a2" "00" "6131" "03" "76" "4c69676874776569676874204d324d20436c69656e74";

TEST(SenmlCborTest, EncodesDeviceReadWithIntegerLabels) {
  const std::vector<Record> records{{Path::Resource(3, 0, 0), std::string("Open Mobile Alliance"), std::nullopt},
                                    {Path::Resource(3, 0, 1), std::string("Lightweight M2M Client"), std::nullopt}};
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeSenmlCbor(Path::Instance(3, 0), records, &out));
  EXPECT_EQ(out, Hex(kDeviceHex));
  std::vector<Record> back;
  ASSERT_FALSE(DecodeSenmlCbor(out, nullptr, &back));
  EXPECT_EQ(back, records);
}

// RFC 8428 section 6 / 5.1.2 example in CBOR diagnostic notation:
// [{-2: "urn:dev:ow:10e2073a0108006:", -3: 1276020076.001, -4: "A", -1: 5,
//   0: "voltage", 1: "V", 2: 120.1}, {0: "current", 6: -5, 2: 1.2}, ...]
TEST(SenmlCborTest, Rfc8428Example) {
  std::vector<Item> records;
  records.push_back(Item::Map({Item::Int(-2), Item::Text("urn:dev:ow:10e2073a0108006:"), Item::Int(-3),
                               Item::Float(1276020076.001), Item::Int(-4), Item::Text("A"), Item::Int(-1),
                               Item::Int(5), Item::Int(0), Item::Text("voltage"), Item::Int(1), Item::Text("V"),
                               Item::Int(2), Item::Float(120.1)}));
  const double currents[] = {1.2, 1.3, 1.4, 1.5, 1.6, 1.7};
  for (int k = 0; k < 6; ++k) {
    records.push_back(Item::Map({Item::Int(0), Item::Text("current"), Item::Int(6), Item::Int(k - 5), Item::Int(2),
                                 Item::Float(currents[k])}));
  }
  const auto bytes = cbor::Encode(Item::Array(std::move(records)));
  std::vector<SenmlRecord> raw, resolved;
  auto err = ParseSenmlCbor(bytes, &raw);
  ASSERT_FALSE(err) << err->message;
  ASSERT_FALSE(ResolveSenml(raw, &resolved));
  ASSERT_EQ(resolved.size(), 7u);
  EXPECT_EQ(resolved[0].name, "urn:dev:ow:10e2073a0108006:voltage");
  EXPECT_EQ(resolved[0].unit, "V");
  EXPECT_EQ(std::get<double>(resolved[0].value), 120.1);
  EXPECT_EQ(resolved[3].name, "urn:dev:ow:10e2073a0108006:current");
  EXPECT_EQ(resolved[3].unit, "A");
  EXPECT_DOUBLE_EQ(*resolved[3].time, 1276020076.001 - 3);
  EXPECT_EQ(std::get<double>(resolved[6].value), 1.7);
  // Raw records survive a write/parse cycle.
  std::vector<uint8_t> again;
  ASSERT_FALSE(WriteSenmlCbor(raw, &again));
  std::vector<SenmlRecord> raw2;
  ASSERT_FALSE(ParseSenmlCbor(again, &raw2));
  for (auto& r : raw) r.offset = 0;
  for (auto& r : raw2) r.offset = 0;
  EXPECT_EQ(raw, raw2);
}

TEST(SenmlCborTest, RoundTripsEveryValueType) {
  const std::vector<Record> records{
      {Path::Resource(1, 0, 0), std::string("h\u00e9llo"), std::nullopt},
      {Path::Resource(1, 0, 1), int64_t{-9223372036854775807LL - 1}, std::nullopt},
      {Path::Resource(1, 0, 2), uint64_t{18446744073709551615ULL}, std::nullopt},
      {Path::Resource(1, 0, 3), 3.0, std::nullopt},
      {Path::Resource(1, 0, 4), 0.1, std::nullopt},
      {Path::Resource(1, 0, 5), false, std::nullopt},
      {Path::Resource(1, 0, 6), Opaque{0x00, 0xfb, 0xff, 0x10}, std::nullopt},
      {Path::Resource(1, 0, 7), Time{1700000000}, 1700000000.25},
      {Path::ResourceInstance(1, 0, 8, 3), Objlnk{65534, 7}, std::nullopt},
      {Path::Resource(1, 0, 9), CoreLnk{"</3/0>"}, std::nullopt},
      {Path::Resource(1, 0, 10), std::numeric_limits<double>::infinity(), std::nullopt},
      {Path::Resource(1, 0, 11), uint64_t{0}, std::nullopt},
  };
  const std::map<uint16_t, DataType> types{{0, DataType::kString}, {1, DataType::kInteger},
                                           {2, DataType::kUnsignedInteger}, {3, DataType::kFloat},
                                           {4, DataType::kFloat}, {5, DataType::kBoolean},
                                           {6, DataType::kOpaque}, {7, DataType::kTime},
                                           {8, DataType::kObjlnk}, {9, DataType::kCoreLnk},
                                           {10, DataType::kFloat}, {11, DataType::kUnsignedInteger}};
  TypeResolver resolver = [&](const Path& p) { return types.at(p.resource()); };
  for (const Path& base : {Path::Root(), Path::Object(1), Path::Instance(1, 0)}) {
    std::vector<uint8_t> out;
    ASSERT_FALSE(EncodeSenmlCbor(base, records, &out));
    std::vector<Record> back;
    auto err = DecodeSenmlCbor(out, resolver, &back);
    ASSERT_FALSE(err) << err->message;
    EXPECT_EQ(back, records) << base.ToString();
  }
}

TEST(SenmlCborTest, ReadsIndefiniteLengthsDecimalFractionsAndVlo) {
  // [_ {_ 0: "/3/0/9", 2: 4([-1, 875])}, {"vlo": "3:0", 0: "/1/0/1"}]
  const Item pack = Item::Array(
      {Item::Map({Item::Int(0), Item::Text("/3/0/9"), Item::Int(2),
                  Item::Tag(4, Item::Array({Item::Int(-1), Item::Int(875)}))}),
       Item::Map({Item::Text("vlo"), Item::Text("3:0"), Item::Int(0), Item::Text("/1/0/1")})});
  // The outer array and first map re-encoded with indefinite lengths.
  std::vector<uint8_t> indef;
  indef.push_back(0x9f);
  indef.push_back(0xbf);
  const auto first = cbor::Encode(pack.children[0]);
  indef.insert(indef.end(), first.begin() + 1, first.end());
  indef.push_back(0xff);
  const auto second = cbor::Encode(pack.children[1]);
  indef.insert(indef.end(), second.begin(), second.end());
  indef.push_back(0xff);
  std::vector<Record> out;
  auto err = DecodeSenmlCbor(indef, nullptr, &out);
  ASSERT_FALSE(err) << err->message;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].path, Path::Resource(3, 0, 9));
  EXPECT_DOUBLE_EQ(std::get<double>(out[0].value), 87.5);
  EXPECT_EQ(out[1].value, (Value{Objlnk{3, 0}}));
}

TEST(SenmlCborTest, CompositeReadRequestPaths) {
  const std::vector<Path> req{Path::Resource(3, 0, 1), Path::Instance(1, 0), Path::Root()};
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeSenmlCborPaths(req, &out));
  // [{0: "/3/0/1"}, {0: "/1/0"}, {0: "/"}]
  EXPECT_EQ(out, Hex("83a100662f332f302f31a100642f312f30a100612f"));
  std::vector<Path> back;
  ASSERT_FALSE(DecodeSenmlCborPaths(out, &back));
  EXPECT_EQ(back, req);
}

TEST(SenmlCborTest, RefusesMalformedPayloads) {
  auto enc = [](Item i) { return cbor::Encode(i); };
  auto rec = [](std::vector<Item> kv) { return Item::Array({Item::Map(std::move(kv))}); };
  Item min_neg;  // -2^64
  min_neg.kind = Item::Kind::kNegative;
  min_neg.number = std::numeric_limits<uint64_t>::max();
  const std::vector<std::vector<uint8_t>> bad{
      {},
      Hex("a0"),                          // not an array
      Hex("8101"),                        // record not a map
      Hex("81a2"),                        // truncated
      Hex("9f"),                          // indefinite without break
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(2), Item::Text("x")})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(3), Item::Int(1)})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(4), Item::Int(1)})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(8), Item::Text("AA")})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Text("vlo"), Item::Text("1")})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(2), Item::Int(1), Item::Int(3), Item::Text("a")})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(0), Item::Text("/3/0/2")})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Text("x_"), Item::Int(1)})),
      enc(rec({Item::Int(0), Item::Int(3)})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Float(1.5), Item::Int(1)})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(2), min_neg})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(2),
               Item::Tag(4, Item::Array({Item::Int(100000), Item::Int(1)}))})),
      enc(rec({Item::Int(0), Item::Text("/3/0/1"), Item::Int(2), Item::Tag(4, Item::Int(1))})),
      enc(rec({Item::Int(0), Item::Text("/3/0"), Item::Int(2), Item::Int(1)})),
      enc(rec({Item::Int(2), Item::Int(1)})),
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    std::vector<Record> out;
    EXPECT_TRUE(DecodeSenmlCbor(bad[i], nullptr, &out).has_value()) << "case " << i;
  }
  std::vector<uint8_t> bomb(10000, 0x81);
  std::vector<Record> out;
  EXPECT_TRUE(DecodeSenmlCbor(bomb, nullptr, &out).has_value());
  EXPECT_TRUE(DecodeSenmlCbor(Hex("9bffffffffffffffff"), nullptr, &out).has_value());
}

}  // namespace
}  // namespace lwcl::lwm2m

namespace lwcl::lwm2m {
namespace {

// The Device object read in SenML CBOR as LwM2M 1.1.1 Core (section 7.4.6,
// the CBOR bytes under the diagnostic-notation example) prints it: 16
// records, base name "/3/0/" on the first, integers as CBOR integers.
constexpr std::string_view kSpecDeviceHex =
    "90a321652f332f302f00613003744f70656e204d6f62696c6520416c6c69616e6365a200613103764c69676874776569676874204d"
    "324d20436c69656e74a20061320369333435303030313233a20061330363312e30a20063362f300201a20063362f310205a2006337"
    "2f3002190ed8a20063372f3102191388a20063382f3002187da20063382f3102190384a2006139021864a200623130020fa2006431"
    "312f300200a200623133021a5182428fa20062313403662b30323a3030a200623136036155";

TEST(SenmlCborTest, SpecDeviceObjectVector) {
  const TypeResolver types = [](const Path& p) {
    switch (p.resource()) {
      case 0: case 1: case 2: case 3: case 14: case 16: return DataType::kString;
      case 13: return DataType::kTime;
      default: return DataType::kInteger;
    }
  };
  std::vector<Record> records;
  auto err = DecodeSenmlCbor(Hex(kSpecDeviceHex), types, &records);
  ASSERT_FALSE(err) << err->message;
  ASSERT_EQ(records.size(), 16u);
  EXPECT_EQ(records[0].path, Path::Resource(3, 0, 0));
  EXPECT_EQ(std::get<std::string>(records[0].value), "Open Mobile Alliance");
  EXPECT_EQ(records[5].path, Path::ResourceInstance(3, 0, 6, 1));
  EXPECT_EQ(std::get<int64_t>(records[5].value), 5);
  EXPECT_EQ(records[7].path, Path::ResourceInstance(3, 0, 7, 1));
  EXPECT_EQ(std::get<int64_t>(records[7].value), 5000);
  EXPECT_EQ(records[12].path, Path::ResourceInstance(3, 0, 11, 0));
  EXPECT_EQ(records[13].path, Path::Resource(3, 0, 13));
  EXPECT_EQ(records[15].path, Path::Resource(3, 0, 16));
  EXPECT_EQ(std::get<std::string>(records[15].value), "U");
  // Our encoder writes the spec's bytes exactly.
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeSenmlCbor(Path::Instance(3, 0), records, &out));
  EXPECT_EQ(out, Hex(kSpecDeviceHex));
}

}  // namespace
}  // namespace lwcl::lwm2m
