#include "lwm2m/lwm2m_cbor.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "lwm2m/cbor.h"

namespace lwcl::lwm2m {
namespace {

using cbor::Item;

std::vector<uint8_t> Hex(std::string_view h) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(nib(h[i]) * 16 + nib(h[i + 1])));
  return out;
}

DataType DeviceType(const Path& p) {
  if (p.object() != 3 || p.depth < 3) return DataType::kNone;
  switch (p.resource()) {
    case 0: case 1: case 2: case 3: case 14: case 15: case 16: return DataType::kString;
    case 6: case 7: case 8: case 9: case 10: case 11: case 21: return DataType::kInteger;
    case 13: return DataType::kTime;
    default: return DataType::kNone;
  }
}

Record R(uint16_t res, Value v) { return Record{Path::Resource(3, 0, res), std::move(v), std::nullopt}; }
Record RI(uint16_t res, uint16_t i, Value v) {
  return Record{Path::ResourceInstance(3, 0, res, i), std::move(v), std::nullopt};
}

std::vector<Record> DeviceRecords() {
  return {R(0, std::string("Open Mobile Alliance")), R(1, std::string("Lightweight M2M Client")),
          R(2, std::string("345000123")), R(3, std::string("1.0")),
          RI(6, 0, int64_t{1}), RI(6, 1, int64_t{5}),
          RI(7, 0, int64_t{3800}), RI(7, 1, int64_t{5000}),
          RI(8, 0, int64_t{125}), RI(8, 1, int64_t{900}),
          R(9, int64_t{100}), R(10, int64_t{15}), RI(11, 0, int64_t{0}),
          R(13, Time{1367491215}), R(14, std::string("+02:00")), R(16, std::string("U"))};
}

// The Device instance of LwM2M 1.2 Core TS 7.4.7, in the fully nested form
// {3: {0: {0: "Open Mobile Alliance", ..., 6: {0: 1, 1: 5}, ...}}}.
Item NestedDevice() {
  auto multi = [](int64_t a, int64_t b) { return Item::Map({Item::Uint(0), Item::Int(a), Item::Uint(1), Item::Int(b)}); };
  Item resources = Item::Map({
      Item::Uint(0), Item::Text("Open Mobile Alliance"), Item::Uint(1), Item::Text("Lightweight M2M Client"),
      Item::Uint(2), Item::Text("345000123"), Item::Uint(3), Item::Text("1.0"),
      Item::Uint(6), multi(1, 5), Item::Uint(7), multi(3800, 5000), Item::Uint(8), multi(125, 900),
      Item::Uint(9), Item::Int(100), Item::Uint(10), Item::Int(15),
      Item::Uint(11), Item::Map({Item::Uint(0), Item::Int(0)}),
      Item::Uint(13), Item::Int(1367491215), Item::Uint(14), Item::Text("+02:00"), Item::Uint(16), Item::Text("U"),
  });
  return Item::Map({Item::Uint(3), Item::Map({Item::Uint(0), std::move(resources)})});
}

TEST(Lwm2mCborTest, DecodesNestedDeviceExample) {
  std::vector<Record> out;
  auto err = DecodeLwm2mCbor(cbor::Encode(NestedDevice()), DeviceType, &out);
  ASSERT_FALSE(err) << err->message;
  EXPECT_EQ(out, DeviceRecords());
}

TEST(Lwm2mCborTest, EncodesWithBasePathArrayKey) {
  const std::vector<Record> two{R(0, std::string("Open Mobile Alliance")), R(1, std::string("Lightweight M2M Client"))};
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeLwm2mCbor(Path::Instance(3, 0), two, &out));
  // {[3, 0]: {0: "Open Mobile Alliance", 1: "Lightweight M2M Client"}}
  EXPECT_EQ(out, Hex("a1820300a20074" "4f70656e204d6f62696c6520416c6c69616e6365"
                     "0176" "4c696768747765696768742" "04d324d20436c69656e74"));
  // The whole Device instance: compressed prefix, then one map per level.
  out.clear();
  ASSERT_FALSE(EncodeLwm2mCbor(Path::Instance(3, 0), DeviceRecords(), &out));
  Item expected = NestedDevice();
  Item compressed = Item::Map({Item::Array({Item::Uint(3), Item::Uint(0)}),
                               expected.children[1].children[1]});
  EXPECT_EQ(out, cbor::Encode(compressed));
  std::vector<Record> back;
  ASSERT_FALSE(DecodeLwm2mCbor(out, DeviceType, &back));
  EXPECT_EQ(back, DeviceRecords());
  // From the root: fully nested.
  out.clear();
  ASSERT_FALSE(EncodeLwm2mCbor(Path::Root(), DeviceRecords(), &out));
  EXPECT_EQ(out, cbor::Encode(NestedDevice()));
  // A single resource: {[3, 0, 0]: "ACME"}
  out.clear();
  const std::vector<Record> one{R(0, std::string("ACME"))};
  ASSERT_FALSE(EncodeLwm2mCbor(Path::Resource(3, 0, 0), one, &out));
  EXPECT_EQ(out, Hex("a1830300006441434d45"));
  // An object: {3: {0: {9: 100}}}
  out.clear();
  const std::vector<Record> lvl{R(9, int64_t{100})};
  ASSERT_FALSE(EncodeLwm2mCbor(Path::Object(3), lvl, &out));
  EXPECT_EQ(out, Hex("a103a100a1091864"));
}

TEST(Lwm2mCborTest, DecodesMixedPathKeys) {
  // {[3, 0]: {0: "A", [6, 1]: 5}, 1: {[0, 1]: 86400}, [3, 0, 9]: 100}
  const Item doc = Item::Map({
      Item::Array({Item::Uint(3), Item::Uint(0)}),
      Item::Map({Item::Uint(0), Item::Text("A"), Item::Array({Item::Uint(6), Item::Uint(1)}), Item::Int(5)}),
      Item::Uint(1), Item::Map({Item::Array({Item::Uint(0), Item::Uint(1)}), Item::Int(86400)}),
      Item::Array({Item::Uint(3), Item::Uint(0), Item::Uint(9)}), Item::Int(100),
  });
  std::vector<Record> out;
  auto err = DecodeLwm2mCbor(cbor::Encode(doc), nullptr, &out);
  ASSERT_FALSE(err) << err->message;
  const std::vector<Record> want{R(0, std::string("A")), RI(6, 1, int64_t{5}),
                                 Record{Path::Resource(1, 0, 1), int64_t{86400}, std::nullopt},
                                 R(9, int64_t{100})};
  EXPECT_EQ(out, want);
}

TEST(Lwm2mCborTest, DecodesIndefiniteMapsAsAnjayWritesThem) {
  // {_ [3, 0]: {_ 0: "x", 7: {_ 0: 3800, 1: 5000}}}
  const auto bytes = Hex("bf820300bf006178" "07bf00190ed8011913" "88ff" "ffff");
  std::vector<Record> out;
  auto err = DecodeLwm2mCbor(bytes, DeviceType, &out);
  ASSERT_FALSE(err) << err->message;
  const std::vector<Record> want{R(0, std::string("x")), RI(7, 0, int64_t{3800}), RI(7, 1, int64_t{5000})};
  EXPECT_EQ(out, want);
}

TEST(Lwm2mCborTest, RoundTripsEveryValueType) {
  const std::vector<Record> records{
      {Path::Resource(1, 0, 0), std::string("h\u00e9llo"), std::nullopt},
      {Path::Resource(1, 0, 1), int64_t{-9223372036854775807LL - 1}, std::nullopt},
      {Path::Resource(1, 0, 2), uint64_t{18446744073709551615ULL}, std::nullopt},
      {Path::Resource(1, 0, 3), 3.0, std::nullopt},
      {Path::Resource(1, 0, 4), 0.1, std::nullopt},
      {Path::Resource(1, 0, 5), true, std::nullopt},
      {Path::Resource(1, 0, 6), Opaque{0x00, 0xfb, 0xff, 0x10}, std::nullopt},
      {Path::Resource(1, 0, 7), Time{-1}, std::nullopt},
      {Path::ResourceInstance(1, 0, 8, 3), Objlnk{3, 0}, std::nullopt},
      {Path::ResourceInstance(1, 0, 8, 4), Objlnk{65535, 65535}, std::nullopt},
      {Path::Resource(1, 0, 9), CoreLnk{"</3/0>"}, std::nullopt},
      {Path::Resource(1, 0, 10), uint64_t{7}, std::nullopt},
      {Path::Resource(1, 0, 11), std::monostate{}, std::nullopt},
      {Path::Instance(1, 1), std::monostate{}, std::nullopt},
  };
  const std::map<uint16_t, DataType> types{{0, DataType::kString}, {1, DataType::kInteger},
                                           {2, DataType::kUnsignedInteger}, {3, DataType::kFloat},
                                           {4, DataType::kFloat}, {5, DataType::kBoolean},
                                           {6, DataType::kOpaque}, {7, DataType::kTime},
                                           {8, DataType::kObjlnk}, {9, DataType::kCoreLnk},
                                           {10, DataType::kUnsignedInteger}, {11, DataType::kString}};
  TypeResolver resolver = [&](const Path& p) { return p.depth < 3 ? DataType::kNone : types.at(p.resource()); };
  for (const Path& base : {Path::Root(), Path::Object(1)}) {
    std::vector<uint8_t> out;
    ASSERT_FALSE(EncodeLwm2mCbor(base, records, &out));
    std::vector<Record> back;
    auto err = DecodeLwm2mCbor(out, resolver, &back);
    ASSERT_FALSE(err) << err->message;
    EXPECT_EQ(back, records) << base.ToString();
  }
}

TEST(Lwm2mCborTest, ReadsTaggedNumbers) {
  const Item doc = Item::Map({Item::Array({Item::Uint(3), Item::Uint(0), Item::Uint(13)}),
                              Item::Tag(1, Item::Int(1367491215)),
                              Item::Array({Item::Uint(3), Item::Uint(0), Item::Uint(20)}),
                              Item::Tag(4, Item::Array({Item::Int(-2), Item::Int(27315)}))});
  std::vector<Record> out;
  ASSERT_FALSE(DecodeLwm2mCbor(cbor::Encode(doc), nullptr, &out));
  EXPECT_EQ(out[0].value, Value{Time{1367491215}});
  EXPECT_DOUBLE_EQ(std::get<double>(out[1].value), 273.15);
}

TEST(Lwm2mCborTest, RefusesMalformedPayloads) {
  auto enc = [](Item i) { return cbor::Encode(i); };
  auto path = [](std::initializer_list<uint64_t> ids) {
    std::vector<Item> v;
    for (uint64_t id : ids) v.push_back(Item::Uint(id));
    return Item::Array(std::move(v));
  };
  const std::vector<std::vector<uint8_t>> bad{
      {},
      Hex("80"),                                                    // not a map
      Hex("a1"),                                                    // truncated
      enc(Item::Map({Item::Text("3"), Item::Int(1)})),              // text key
      enc(Item::Map({Item::Int(-1), Item::Int(1)})),                // negative key
      enc(Item::Map({Item::Uint(65535), Item::Map({})})),           // reserved ID
      enc(Item::Map({Item::Array({}), Item::Int(1)})),              // empty array key
      enc(Item::Map({path({1, 2, 3, 4, 5}), Item::Int(1)})),        // too deep
      enc(Item::Map({path({1, 2}), Item::Map({path({3, 4, 5}), Item::Int(1)})})),
      enc(Item::Map({path({1, 2}), Item::Int(1)})),                 // value at instance level
      enc(Item::Map({Item::Uint(1), Item::Int(1)})),                // value at object level
      enc(Item::Map({path({1, 0, 1}), Item::Int(1), path({1, 0, 1}), Item::Int(2)})),  // duplicate
      enc(Item::Map({path({1, 0, 1}), Item::Int(1), Item::Uint(1),
                     Item::Map({Item::Uint(0), Item::Map({Item::Uint(1), Item::Int(2)})})})),
      enc(Item::Map({path({1, 0, 1}), Item::Tag(32, Item::Text("x"))})),              // other tag
      enc(Item::Map({path({1, 0, 1}), Item::Array({Item::Int(1)})})),                 // array value
      enc(Item::Map({path({1, 0, 1}), Item::Tag(4, Item::Int(1))})),
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    std::vector<Record> out;
    EXPECT_TRUE(DecodeLwm2mCbor(bad[i], nullptr, &out).has_value()) << "case " << i;
  }
  // Typed mismatch: text into an Integer resource that is not a number.
  std::vector<Record> out;
  TypeResolver ints = [](const Path&) { return DataType::kInteger; };
  EXPECT_TRUE(DecodeLwm2mCbor(enc(Item::Map({path({1, 0, 1}), Item::Bool(true), path({1, 0, 2}), Item::Float(0.5)})),
                              ints, &out));
  std::vector<uint8_t> bomb(5000, 0xa1);
  EXPECT_TRUE(DecodeLwm2mCbor(bomb, nullptr, &out).has_value());
  // Encoding refuses records outside the base and conflicting records.
  std::vector<uint8_t> enc_out;
  const std::vector<Record> outside{R(0, int64_t{1})};
  EXPECT_TRUE(EncodeLwm2mCbor(Path::Object(4), outside, &enc_out));
  const std::vector<Record> conflict{R(7, int64_t{1}), RI(7, 0, int64_t{2})};
  EXPECT_TRUE(EncodeLwm2mCbor(Path::Root(), conflict, &enc_out));
  const std::vector<Record> dup{R(7, int64_t{1}), R(7, int64_t{2})};
  EXPECT_TRUE(EncodeLwm2mCbor(Path::Root(), dup, &enc_out));
}

}  // namespace
}  // namespace lwcl::lwm2m

namespace lwcl::lwm2m {
namespace {

// Bytes as another LwM2M CBOR implementation (Anjay Lite) writes them:
// indefinite-length maps, one nesting level per path element, siblings
// merged under their common prefix. Interoperability means decoding them.
std::vector<Record> DecodeAll(std::string_view hex) {
  std::vector<uint8_t> bytes;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(nib(hex[i]) * 16 + nib(hex[i + 1])));
  }
  std::vector<Record> out;
  auto err = DecodeLwm2mCbor(bytes, [](const Path&) { return DataType::kInteger; }, &out);
  EXPECT_FALSE(err) << err->message;
  return out;
}

TEST(Lwm2mCborTest, DecodesIndefiniteMapsFromOtherImplementations) {
  // {3: {3: {3: 25}}}
  auto one = DecodeAll("bf03bf03bf031819ffffff");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].path, Path::Resource(3, 3, 3));
  EXPECT_EQ(std::get<int64_t>(one[0].value), 25);
  // {3: {3: {3: 25}}, 1: {1: {1: 11}}}
  auto two_objects = DecodeAll("bf03bf03bf031819ffff01bf01bf010bffffff");
  ASSERT_EQ(two_objects.size(), 2u);
  EXPECT_EQ(two_objects[1].path, Path::Resource(1, 1, 1));
  EXPECT_EQ(std::get<int64_t>(two_objects[1].value), 11);
  // {3: {3: {3: {0: 25}, 1: {0: 11}}}}
  auto instances = DecodeAll("bf03bf03bf03bf001819ff01bf000bffffffff");
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0].path, Path::ResourceInstance(3, 3, 3, 0));
  EXPECT_EQ(instances[1].path, Path::ResourceInstance(3, 3, 1, 0));
  EXPECT_EQ(std::get<int64_t>(instances[1].value), 11);
}

}  // namespace
}  // namespace lwcl::lwm2m
