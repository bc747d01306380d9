#include "lwm2m/tlv.h"

#include <gtest/gtest.h>

#include <map>

namespace lwcl::lwm2m {
namespace {

// The Device object (/3/0) Read example of the LwM2M 1.1 Core spec
// (section 7.4.3 examples): resources written out bare.
const std::vector<uint8_t> kDeviceInstance = {
    0xC8, 0x00, 0x14, 'O', 'p', 'e', 'n', ' ', 'M', 'o', 'b', 'i', 'l', 'e', ' ', 'A', 'l', 'l', 'i',
    'a', 'n', 'c', 'e',                                                         // 0 Manufacturer
    0xC8, 0x01, 0x16, 'L', 'i', 'g', 'h', 't', 'w', 'e', 'i', 'g', 'h', 't', ' ', 'M', '2', 'M', ' ',
    'C', 'l', 'i', 'e', 'n', 't',                                               // 1 Model Number
    0xC8, 0x02, 0x09, '3', '4', '5', '0', '0', '0', '1', '2', '3',              // 2 Serial Number
    0xC3, 0x03, '1', '.', '0',                                                  // 3 Firmware Version
    0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05,                             // 6 Power Sources
    0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88,           // 7 Voltage
    0x87, 0x08, 0x41, 0x00, 0x7D, 0x42, 0x01, 0x03, 0x84,                       // 8 Current
    0xC1, 0x09, 0x64,                                                           // 9 Battery Level
    0xC1, 0x0A, 0x0F,                                                           // 10 Memory Free
    0x83, 0x0B, 0x41, 0x00, 0x00,                                               // 11 Error Code
    0xC4, 0x0D, 0x51, 0x82, 0x42, 0x8F,                                         // 13 Current Time
    0xC6, 0x0E, '+', '0', '2', ':', '0', '0',                                   // 14 UTC Offset
    0xC1, 0x10, 'U',                                                            // 16 Binding
};

DataType DeviceTypes(const Path& p) {
  static const std::map<uint16_t, DataType> kTypes = {
      {0, DataType::kString},   {1, DataType::kString},  {2, DataType::kString},
      {3, DataType::kString},   {6, DataType::kInteger}, {7, DataType::kInteger},
      {8, DataType::kInteger},  {9, DataType::kInteger}, {10, DataType::kInteger},
      {11, DataType::kInteger}, {13, DataType::kTime},   {14, DataType::kString},
      {16, DataType::kString}};
  if (p.object() != 3 || p.depth < 3) return DataType::kNone;
  const auto it = kTypes.find(p.resource());
  return it == kTypes.end() ? DataType::kNone : it->second;
}

std::vector<Record> DeviceRecords() {
  return {
      {Path::Resource(3, 0, 0), std::string("Open Mobile Alliance"), {}},
      {Path::Resource(3, 0, 1), std::string("Lightweight M2M Client"), {}},
      {Path::Resource(3, 0, 2), std::string("345000123"), {}},
      {Path::Resource(3, 0, 3), std::string("1.0"), {}},
      {Path::ResourceInstance(3, 0, 6, 0), int64_t{1}, {}},
      {Path::ResourceInstance(3, 0, 6, 1), int64_t{5}, {}},
      {Path::ResourceInstance(3, 0, 7, 0), int64_t{3800}, {}},
      {Path::ResourceInstance(3, 0, 7, 1), int64_t{5000}, {}},
      {Path::ResourceInstance(3, 0, 8, 0), int64_t{125}, {}},
      {Path::ResourceInstance(3, 0, 8, 1), int64_t{900}, {}},
      {Path::Resource(3, 0, 9), int64_t{100}, {}},
      {Path::Resource(3, 0, 10), int64_t{15}, {}},
      {Path::ResourceInstance(3, 0, 11, 0), int64_t{0}, {}},
      {Path::Resource(3, 0, 13), Time{1367491215}, {}},
      {Path::Resource(3, 0, 14), std::string("+02:00"), {}},
      {Path::Resource(3, 0, 16), std::string("U"), {}},
  };
}

std::optional<CodecError> Decode(const std::vector<uint8_t>& b, const Path& base, std::vector<Record>* out,
                                 const TypeResolver& types = DeviceTypes) {
  return DecodeTlv(b, base, types, out);
}

TEST(TlvTest, DecodesSpecDeviceInstance) {
  std::vector<Record> out;
  const auto e = Decode(kDeviceInstance, Path::Instance(3, 0), &out);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(out, DeviceRecords());
}

TEST(TlvTest, EncodesSpecDeviceInstanceByteForByte) {
  const auto records = DeviceRecords();
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeTlv(Path::Instance(3, 0), records, &out));
  EXPECT_EQ(out, kDeviceInstance);
}

TEST(TlvTest, ObjectLevelWrapsInstances) {
  // The spec's object-level form: the instance wrapped as 08 00 79 (121 bytes).
  std::vector<uint8_t> wrapped = {0x08, 0x00, 0x79};
  wrapped.insert(wrapped.end(), kDeviceInstance.begin(), kDeviceInstance.end());
  ASSERT_EQ(kDeviceInstance.size(), 0x79u);
  std::vector<Record> out;
  ASSERT_FALSE(Decode(wrapped, Path::Object(3), &out));
  EXPECT_EQ(out, DeviceRecords());
  std::vector<uint8_t> enc;
  ASSERT_FALSE(EncodeTlv(Path::Object(3), DeviceRecords(), &enc));
  EXPECT_EQ(enc, wrapped);
  // The same wrapper is accepted for an instance request on /3/0, not /3/1.
  out.clear();
  ASSERT_FALSE(Decode(wrapped, Path::Instance(3, 0), &out));
  EXPECT_EQ(out, DeviceRecords());
  EXPECT_TRUE(Decode(wrapped, Path::Instance(3, 1), &out).has_value());
}

TEST(TlvTest, MultipleObjectInstancesAndEmptyInstance) {
  // Spec-style Server object read: two instances, one empty.
  const std::vector<Record> recs = {
      {Path::Resource(1, 0, 0), int64_t{1}, {}},
      {Path::Resource(1, 0, 1), int64_t{86400}, {}},
      {Path::Instance(1, 1), std::monostate{}, {}},
  };
  std::vector<uint8_t> enc;
  ASSERT_FALSE(EncodeTlv(Path::Object(1), recs, &enc));
  const std::vector<uint8_t> want = {0x08, 0x00, 0x07, 0xC1, 0x00, 0x01, 0xC4, 0x01,
                                     0x00, 0x01, 0x51, 0x80, 0x00, 0x01};
  // 86400 needs 4 bytes (0x00015180).
  EXPECT_EQ(enc, (std::vector<uint8_t>{0x08, 0x00, 0x09, 0xC1, 0x00, 0x01, 0xC4, 0x01, 0x00, 0x01, 0x51,
                                       0x80, 0x00, 0x01}));
  (void)want;
  std::vector<Record> out;
  ASSERT_FALSE(Decode(enc, Path::Object(1), &out, [](const Path&) { return DataType::kInteger; }));
  EXPECT_EQ(out, recs);
}

TEST(TlvTest, ResourceLevelForms) {
  std::vector<Record> out;
  // /3/0/9 as a single resource.
  ASSERT_FALSE(Decode({0xC1, 0x09, 0x64}, Path::Resource(3, 0, 9), &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (Record{Path::Resource(3, 0, 9), int64_t{100}, {}}));
  // /3/0/7 as a multiple resource, and as bare resource instances.
  out.clear();
  ASSERT_FALSE(Decode({0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88},
                      Path::Resource(3, 0, 7), &out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], (Record{Path::ResourceInstance(3, 0, 7, 1), int64_t{5000}, {}}));
  out.clear();
  ASSERT_FALSE(Decode({0x42, 0x00, 0x0E, 0xD8}, Path::Resource(3, 0, 7), &out));
  EXPECT_EQ(out[0], (Record{Path::ResourceInstance(3, 0, 7, 0), int64_t{3800}, {}}));
  // /3/0/7/1.
  out.clear();
  ASSERT_FALSE(Decode({0x42, 0x01, 0x13, 0x88}, Path::ResourceInstance(3, 0, 7, 1), &out));
  EXPECT_EQ(out[0].value, Value{int64_t{5000}});
  // Mismatched ids are refused.
  EXPECT_TRUE(Decode({0xC1, 0x0A, 0x0F}, Path::Resource(3, 0, 9), &out).has_value());
  EXPECT_TRUE(Decode({0x42, 0x00, 0x13, 0x88}, Path::ResourceInstance(3, 0, 7, 1), &out).has_value());
}

TEST(TlvTest, EncodesResourceLevelForms) {
  std::vector<uint8_t> enc;
  ASSERT_FALSE(EncodeTlv(Path::Resource(3, 0, 9), std::vector<Record>{{Path::Resource(3, 0, 9), int64_t{100}, {}}},
                         &enc));
  EXPECT_EQ(enc, (std::vector<uint8_t>{0xC1, 0x09, 0x64}));
  enc.clear();
  const std::vector<Record> volts = {{Path::ResourceInstance(3, 0, 7, 1), int64_t{5000}, {}},
                                     {Path::ResourceInstance(3, 0, 7, 0), int64_t{3800}, {}}};
  ASSERT_FALSE(EncodeTlv(Path::Resource(3, 0, 7), volts, &enc));
  EXPECT_EQ(enc, (std::vector<uint8_t>{0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88}));
  enc.clear();
  ASSERT_FALSE(EncodeTlv(Path::ResourceInstance(3, 0, 7, 1), std::span(volts).first(1), &enc));
  EXPECT_EQ(enc, (std::vector<uint8_t>{0x42, 0x01, 0x13, 0x88}));
  // Outside the base, duplicates, mixed levels, missing values.
  EXPECT_TRUE(EncodeTlv(Path::Resource(3, 0, 9), volts, &enc).has_value());
  const std::vector<Record> dup = {{Path::Resource(3, 0, 9), int64_t{1}, {}}, {Path::Resource(3, 0, 9), int64_t{2}, {}}};
  EXPECT_TRUE(EncodeTlv(Path::Instance(3, 0), dup, &enc).has_value());
  const std::vector<Record> mixed = {{Path::Resource(3, 0, 7), int64_t{1}, {}},
                                     {Path::ResourceInstance(3, 0, 7, 0), int64_t{2}, {}}};
  EXPECT_TRUE(EncodeTlv(Path::Instance(3, 0), mixed, &enc).has_value());
  const std::vector<Record> empty = {{Path::Resource(3, 0, 7), std::monostate{}, {}}};
  EXPECT_TRUE(EncodeTlv(Path::Instance(3, 0), empty, &enc).has_value());
  EXPECT_TRUE(EncodeTlv(Path::Root(), {}, &enc).has_value());
}

TEST(TlvTest, LongLengthsAndSixteenBitIds) {
  // A 300-byte opaque on resource 33650/0/2000-ish ids: 16-bit id, 16-bit length.
  const Opaque big(300, 0xAB);
  const std::vector<Record> recs = {{Path::Resource(33651, 0, 1000), big, {}}};
  std::vector<uint8_t> enc;
  ASSERT_FALSE(EncodeTlv(Path::Instance(33651, 0), recs, &enc));
  ASSERT_GE(enc.size(), 5u);
  EXPECT_EQ(enc[0], 0xC0 | 0x20 | 0x10);  // resource, 16-bit id, 16-bit length
  EXPECT_EQ(enc[1], 0x03);
  EXPECT_EQ(enc[2], 0xE8);
  EXPECT_EQ(enc[3], 0x01);
  EXPECT_EQ(enc[4], 0x2C);
  std::vector<Record> out;
  ASSERT_FALSE(DecodeTlv(enc, Path::Instance(33651, 0), {}, &out));
  EXPECT_EQ(out, recs);  // unknown type -> Opaque
}

TEST(TlvTest, ValueWidthsRoundTrip) {
  struct Case {
    Value v;
    DataType t;
    size_t width;
  } cases[] = {
      {int64_t{-1}, DataType::kInteger, 1},
      {int64_t{127}, DataType::kInteger, 1},
      {int64_t{128}, DataType::kInteger, 2},
      {int64_t{-32769}, DataType::kInteger, 4},
      {int64_t{1} << 40, DataType::kInteger, 8},
      {uint64_t{255}, DataType::kUnsignedInteger, 1},
      {uint64_t{~0ULL}, DataType::kUnsignedInteger, 8},
      {1.5, DataType::kFloat, 4},
      {0.1, DataType::kFloat, 8},
      {true, DataType::kBoolean, 1},
      {Objlnk{3, 65535}, DataType::kObjlnk, 4},
      {Time{1700000000}, DataType::kTime, 4},
      {std::string("hé"), DataType::kString, 3},
      {CoreLnk{"</1>"}, DataType::kCoreLnk, 4},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> b;
    ASSERT_FALSE(EncodeTlvValue(c.v, &b));
    EXPECT_EQ(b.size(), c.width) << DataTypeName(c.t);
    Value back;
    ASSERT_FALSE(DecodeTlvValue(b, c.t, &back));
    EXPECT_EQ(back, c.v) << DataTypeName(c.t);
  }
}

TEST(TlvTest, RejectsWrongWidthsForTypes) {
  Value v;
  const std::vector<uint8_t> three = {1, 2, 3};
  EXPECT_TRUE(DecodeTlvValue(three, DataType::kInteger, &v).has_value());
  EXPECT_TRUE(DecodeTlvValue(three, DataType::kFloat, &v).has_value());
  EXPECT_TRUE(DecodeTlvValue(three, DataType::kObjlnk, &v).has_value());
  EXPECT_TRUE(DecodeTlvValue({}, DataType::kInteger, &v).has_value());
  EXPECT_TRUE(DecodeTlvValue(std::vector<uint8_t>{2}, DataType::kBoolean, &v).has_value());
  EXPECT_TRUE(DecodeTlvValue(std::vector<uint8_t>{0xFF}, DataType::kString, &v).has_value());
}

TEST(TlvTest, RejectsTruncatedAndOverlongPayloads) {
  std::vector<Record> out;
  // Every strict prefix of the spec example either fails or decodes fewer
  // records; none reads past the end (ASan/fuzz cover the rest).
  for (size_t n = 1; n < kDeviceInstance.size(); ++n) {
    std::vector<uint8_t> cut(kDeviceInstance.begin(), kDeviceInstance.begin() + static_cast<long>(n));
    out.clear();
    const auto e = Decode(cut, Path::Instance(3, 0), &out);
    if (e) {
      EXPECT_TRUE(out.empty()) << "partial output kept after error at " << n;
    }
  }
  // Overlong: claims 0x14 bytes, has 3.
  EXPECT_TRUE(Decode({0xC8, 0x00, 0x14, 'a', 'b', 'c'}, Path::Instance(3, 0), &out).has_value());
  // 24-bit length claiming 16 MiB.
  EXPECT_TRUE(Decode({0xD8, 0x00, 0xFF, 0xFF, 0xFF, 0x00}, Path::Instance(3, 0), &out).has_value());
  // Header cut inside the id / length.
  EXPECT_TRUE(Decode({0xE8, 0x00}, Path::Instance(3, 0), &out).has_value());
  EXPECT_TRUE(Decode({0xD0, 0x01, 0x00}, Path::Instance(3, 0), &out).has_value());
  // Multiple resource whose inner length overruns its parent.
  EXPECT_TRUE(Decode({0x83, 0x0B, 0x41, 0x00, 0x00, 0x00}, Path::Instance(3, 0), &out).has_value());
  EXPECT_TRUE(Decode({0x83, 0x0B, 0x42, 0x00, 0x00}, Path::Instance(3, 0), &out).has_value());
}

TEST(TlvTest, RejectsStrayNesting) {
  std::vector<Record> out;
  // A resource instance at instance level.
  EXPECT_TRUE(Decode({0x41, 0x00, 0x01}, Path::Instance(3, 0), &out).has_value());
  // An object instance inside an object instance.
  EXPECT_TRUE(Decode({0x03, 0x00, 0x00, 0x00, 0x00}, Path::Object(3), &out).has_value());
  // A resource inside a multiple resource.
  EXPECT_TRUE(Decode({0x83, 0x0B, 0xC1, 0x00, 0x00}, Path::Instance(3, 0), &out).has_value());
  // A resource at object level.
  EXPECT_TRUE(Decode({0xC1, 0x09, 0x64}, Path::Object(3), &out).has_value());
  // Reserved id 65535.
  EXPECT_TRUE(Decode({0xE1, 0xFF, 0xFF, 0x00}, Path::Instance(3, 0), &out).has_value());
  // Root.
  EXPECT_TRUE(Decode({0xC1, 0x09, 0x64}, Path::Root(), &out).has_value());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace lwcl::lwm2m
