#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "lwm2m/senml.h"

namespace lwcl::lwm2m {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string Str(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

// The Device object's resource types (LwM2M Core, Appendix E.4), enough for
// the spec's example instance.
DataType DeviceType(const Path& p) {
  if (p.object() != 3 || p.depth < 3) return DataType::kNone;
  switch (p.resource()) {
    case 0: case 1: case 2: case 3: case 14: case 15: case 16: return DataType::kString;
    case 6: case 7: case 8: case 9: case 10: case 11: case 21: return DataType::kInteger;
    case 13: return DataType::kTime;
    default: return DataType::kNone;
  }
}

// LwM2M 1.1 Core TS 7.4.4: Read on /3/0 of the example Device instance.
constexpr std::string_view kDeviceSenml =
    R"([{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},)"
    R"({"n":"1","vs":"Lightweight M2M Client"},)"
    R"({"n":"2","vs":"345000123"},)"
    R"({"n":"3","vs":"1.0"},)"
    R"({"n":"6/0","v":1},)"
    R"({"n":"6/1","v":5},)"
    R"({"n":"7/0","v":3800},)"
    R"({"n":"7/1","v":5000},)"
    R"({"n":"8/0","v":125},)"
    R"({"n":"8/1","v":900},)"
    R"({"n":"9","v":100},)"
    R"({"n":"10","v":15},)"
    R"({"n":"11/0","v":0},)"
    R"({"n":"13","v":1367491215},)"
    R"({"n":"14","vs":"+02:00"},)"
    R"({"n":"16","vs":"U"}])";

std::vector<Record> DeviceRecords() {
  auto r = [](uint16_t res, Value v) { return Record{Path::Resource(3, 0, res), std::move(v), std::nullopt}; };
  auto ri = [](uint16_t res, uint16_t i, Value v) {
    return Record{Path::ResourceInstance(3, 0, res, i), std::move(v), std::nullopt};
  };
  return {r(0, std::string("Open Mobile Alliance")),
          r(1, std::string("Lightweight M2M Client")),
          r(2, std::string("345000123")),
          r(3, std::string("1.0")),
          ri(6, 0, int64_t{1}),
          ri(6, 1, int64_t{5}),
          ri(7, 0, int64_t{3800}),
          ri(7, 1, int64_t{5000}),
          ri(8, 0, int64_t{125}),
          ri(8, 1, int64_t{900}),
          r(9, int64_t{100}),
          r(10, int64_t{15}),
          ri(11, 0, int64_t{0}),
          r(13, Time{1367491215}),
          r(14, std::string("+02:00")),
          r(16, std::string("U"))};
}

TEST(SenmlJsonTest, DecodesSpecDeviceExample) {
  std::vector<Record> out;
  auto err = DecodeSenmlJson(Bytes(kDeviceSenml), DeviceType, &out);
  ASSERT_FALSE(err) << err->message;
  EXPECT_EQ(out, DeviceRecords());
}

TEST(SenmlJsonTest, EncodesSpecDeviceExampleByteForByte) {
  const auto records = DeviceRecords();
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeSenmlJson(Path::Instance(3, 0), records, &out));
  EXPECT_EQ(Str(out), kDeviceSenml);
}

TEST(SenmlJsonTest, SingleResourceAndRootBases) {
  const std::vector<Record> one{{Path::Resource(3, 0, 0), std::string("ACME"), std::nullopt}};
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeSenmlJson(Path::Resource(3, 0, 0), one, &out));
  EXPECT_EQ(Str(out), R"([{"bn":"/3/0/0","vs":"ACME"}])");
  out.clear();
  const std::vector<Record> send{{Path::Resource(3, 0, 9), int64_t{87}, 1700000000.0},
                                 {Path::Resource(33650, 1, 2001), int64_t{12}, 1700000000.5}};
  ASSERT_FALSE(EncodeSenmlJson(Path::Root(), send, &out));
  EXPECT_EQ(Str(out), R"([{"n":"/3/0/9","t":1700000000,"v":87},{"n":"/33650/1/2001","t":1700000000.5,"v":12}])");
  std::vector<Record> back;
  ASSERT_FALSE(DecodeSenmlJson(out, nullptr, &back));
  EXPECT_EQ(back, send);
  // A record outside the base is a caller bug, reported, not encoded.
  out.clear();
  EXPECT_TRUE(EncodeSenmlJson(Path::Object(4), send, &out));
}

// RFC 8428 section 5.1.2: multiple data points, base time, relative times.
TEST(SenmlJsonTest, Rfc8428BaseResolution) {
  constexpr std::string_view kPack =
      R"([{"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,"bu":"A","bver":5,)"
      R"("n":"voltage","u":"V","v":120.1},)"
      R"({"n":"current","t":-5,"v":1.2},)"
      R"({"n":"current","t":-4,"v":1.3},)"
      R"({"n":"current","t":-3,"v":1.4},)"
      R"({"n":"current","t":-2,"v":1.5},)"
      R"({"n":"current","t":-1,"v":1.6},)"
      R"({"n":"current","v":1.7}])";
  std::vector<SenmlRecord> raw, resolved;
  ASSERT_FALSE(ParseSenmlJson(Bytes(kPack), &raw));
  ASSERT_EQ(raw.size(), 7u);
  EXPECT_EQ(raw[0].base_unit, "A");
  ASSERT_FALSE(ResolveSenml(raw, &resolved));
  EXPECT_EQ(resolved[0].name, "urn:dev:ow:10e2073a0108006:voltage");
  EXPECT_EQ(resolved[0].unit, "V");
  EXPECT_EQ(resolved[0].time, 1.276020076001e+09);
  EXPECT_EQ(resolved[1].name, "urn:dev:ow:10e2073a0108006:current");
  EXPECT_EQ(resolved[1].unit, "A");
  EXPECT_EQ(resolved[1].time, 1.276020076001e+09 - 5);
  EXPECT_EQ(resolved[6].time, 1.276020076001e+09);
  EXPECT_EQ(std::get<double>(resolved[6].value), 1.7);
  // Writing the raw records back and parsing again gives the same records.
  std::vector<uint8_t> out;
  ASSERT_FALSE(WriteSenmlJson(raw, &out));
  std::vector<SenmlRecord> again;
  ASSERT_FALSE(ParseSenmlJson(out, &again));
  for (auto& r : again) r.offset = 0;
  for (auto& r : raw) r.offset = 0;
  EXPECT_EQ(again, raw);
}

TEST(SenmlJsonTest, Rfc8428SingleDatapointAndBaseValue) {
  std::vector<SenmlRecord> raw, resolved;
  ASSERT_FALSE(ParseSenmlJson(Bytes(R"([{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}])"), &raw));
  ASSERT_FALSE(ResolveSenml(raw, &resolved));
  EXPECT_EQ(resolved[0].name, "urn:dev:ow:10e2073a01080063");
  EXPECT_EQ(std::get<double>(resolved[0].value), 23.1);
  EXPECT_FALSE(resolved[0].time.has_value());
  raw.clear(), resolved.clear();
  ASSERT_FALSE(ParseSenmlJson(Bytes(R"([{"bn":"/3/0/","bv":100,"n":"9","v":-3},{"n":"10","v":0.5}])"), &raw));
  ASSERT_FALSE(ResolveSenml(raw, &resolved));
  EXPECT_EQ(std::get<int64_t>(resolved[0].value), 97);
  EXPECT_EQ(std::get<double>(resolved[1].value), 100.5);
  EXPECT_EQ(ResolveSenmlTime(-5, 1000000000.0), 999999995.0);
  EXPECT_EQ(ResolveSenmlTime(1700000000.0, 5.0), 1700000000.0);
}

TEST(SenmlJsonTest, RoundTripsEveryValueType) {
  const std::vector<Record> records{
      {Path::Resource(1, 0, 0), std::string("h\u00e9llo \"q\" \\ \n"), std::nullopt},
      {Path::Resource(1, 0, 1), int64_t{-9223372036854775807LL - 1}, std::nullopt},
      {Path::Resource(1, 0, 2), uint64_t{18446744073709551615ULL}, std::nullopt},
      {Path::Resource(1, 0, 3), 3.0, std::nullopt},
      {Path::Resource(1, 0, 4), -1.0e-300, std::nullopt},
      {Path::Resource(1, 0, 5), true, std::nullopt},
      {Path::Resource(1, 0, 6), Opaque{0x00, 0xfb, 0xff, 0x10}, std::nullopt},
      {Path::Resource(1, 0, 7), Time{1700000000}, 12.25},
      {Path::ResourceInstance(1, 0, 8, 3), Objlnk{3, 0}, std::nullopt},
      {Path::Resource(1, 0, 9), CoreLnk{"</3/0>;ver=1.1"}, std::nullopt},
      {Path::Resource(1, 0, 10), uint64_t{5}, std::nullopt},
      {Path::Resource(1, 0, 11), Opaque{}, std::nullopt},
  };
  const std::map<uint16_t, DataType> types{{0, DataType::kString}, {1, DataType::kInteger},
                                           {2, DataType::kUnsignedInteger}, {3, DataType::kFloat},
                                           {4, DataType::kFloat}, {5, DataType::kBoolean},
                                           {6, DataType::kOpaque}, {7, DataType::kTime},
                                           {8, DataType::kObjlnk}, {9, DataType::kCoreLnk},
                                           {10, DataType::kUnsignedInteger}, {11, DataType::kOpaque}};
  TypeResolver resolver = [&](const Path& p) { return types.at(p.resource()); };
  std::vector<uint8_t> out;
  ASSERT_FALSE(EncodeSenmlJson(Path::Instance(1, 0), records, &out));
  EXPECT_NE(Str(out).find(R"("vd":"APv_EA")"), std::string::npos) << Str(out);
  EXPECT_NE(Str(out).find(R"("vlo":"3:0")"), std::string::npos);
  EXPECT_NE(Str(out).find(R"("v":3.0)"), std::string::npos);
  std::vector<Record> back;
  auto err = DecodeSenmlJson(out, resolver, &back);
  ASSERT_FALSE(err) << err->message;
  EXPECT_EQ(back, records);
}

TEST(SenmlJsonTest, TypesAmbiguousNumbersByResolver) {
  TypeResolver resolver = [](const Path& p) {
    return p.resource() == 1 ? DataType::kFloat : p.resource() == 2 ? DataType::kUnsignedInteger
                                                                     : DataType::kBoolean;
  };
  std::vector<Record> out;
  ASSERT_FALSE(DecodeSenmlJson(Bytes(R"([{"n":"/5/0/1","v":3},{"n":"/5/0/2","v":7},{"n":"/5/0/3","v":1}])"),
                               resolver, &out));
  EXPECT_EQ(out[0].value, Value{3.0});
  EXPECT_EQ(out[1].value, Value{uint64_t{7}});
  EXPECT_EQ(out[2].value, Value{true});
  // Without a resolver the number keeps its literal type.
  out.clear();
  ASSERT_FALSE(DecodeSenmlJson(Bytes(R"([{"n":"/5/0/1","v":3},{"n":"/5/0/2","v":3.5}])"), nullptr, &out));
  EXPECT_EQ(out[0].value, Value{int64_t{3}});
  EXPECT_EQ(out[1].value, Value{3.5});
  // A value that cannot take the declared type is an error.
  out.clear();
  auto err = DecodeSenmlJson(Bytes(R"([{"n":"/5/0/2","v":-1}])"), resolver, &out);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->offset, 1u);
}

TEST(SenmlJsonTest, CompositeReadRequestPaths) {
  std::vector<Path> paths;
  ASSERT_FALSE(DecodeSenmlJsonPaths(Bytes(R"([{"n":"/3/0/1"},{"n":"/3/0/2"},{"n":"/"},{"bn":"/1/","n":"0"}])"),
                                    &paths));
  EXPECT_EQ(paths, (std::vector<Path>{Path::Resource(3, 0, 1), Path::Resource(3, 0, 2), Path::Root(),
                                      Path::Instance(1, 0)}));
  std::vector<uint8_t> out;
  const std::vector<Path> req{Path::Resource(3, 0, 1), Path::Object(33650)};
  ASSERT_FALSE(EncodeSenmlJsonPaths(req, &out));
  EXPECT_EQ(Str(out), R"([{"n":"/3/0/1"},{"n":"/33650"}])");
  paths.clear();
  EXPECT_TRUE(DecodeSenmlJsonPaths(Bytes(R"([{"n":"/3/0/1","v":1}])"), &paths));
}

TEST(SenmlJsonTest, AcceptsPaddedAndStandardBase64) {
  std::vector<Record> out;
  ASSERT_FALSE(DecodeSenmlJson(Bytes(R"([{"n":"/1/0/6","vd":"APv/EA=="},{"n":"/1/0/7","vd":"APv_EA=="}])"),
                               nullptr, &out));
  EXPECT_EQ(out[0].value, Value{Opaque({0x00, 0xfb, 0xff, 0x10})});
  EXPECT_EQ(out[1].value, out[0].value);
}

TEST(SenmlJsonTest, RefusesMalformedPayloads) {
  const char* bad[] = {
      "",
      "{}",
      "[1]",
      R"([{"n":"/3/0/1","v":"x"}])",
      R"([{"n":"/3/0/1","vs":1}])",
      R"([{"n":"/3/0/1","vb":"true"}])",
      R"([{"n":"/3/0/1","vd":"!!"}])",
      R"([{"n":"/3/0/1","vd":"A"}])",
      R"([{"n":"/3/0/1","vlo":"3"}])",
      R"([{"n":"/3/0/1","vlo":"3:70000"}])",
      R"([{"n":"/3/0/1","v":1,"vs":"a"}])",
      R"([{"n":"/3/0/1","n":"/3/0/2"}])",
      R"([{"n":"/3/0/1","v":1,"x_":2}])",
      R"([{"n":"3/0/1","v":1}])",
      R"([{"n":"/3/0","v":1}])",
      R"([{"v":1}])",
      R"([{"bn":5,"n":"1","v":1}])",
      R"([{"n":"/3/0/1","t":"now","v":1}])",
      R"([{"n":"/3/0/1","bv":"x","v":1}])",
      R"([{"n":"/3/0/1","v":1e999}])",
      R"([{"n":"/3/0/1","v":1})",
  };
  for (const char* text : bad) {
    std::vector<Record> out;
    auto err = DecodeSenmlJson(Bytes(text), nullptr, &out);
    EXPECT_TRUE(err.has_value()) << text;
  }
  std::vector<Record> out;
  EXPECT_TRUE(DecodeSenmlJson(Bytes(std::string(5000, '[')), nullptr, &out));
  // NaN has no SenML JSON form.
  std::vector<uint8_t> enc;
  const std::vector<Record> nan{{Path::Resource(1, 0, 0), std::nan(""), std::nullopt}};
  EXPECT_TRUE(EncodeSenmlJson(Path::Root(), nan, &enc));
}

TEST(SenmlJsonTest, IgnoresUnknownLabelsAndBver) {
  std::vector<Record> out;
  ASSERT_FALSE(DecodeSenmlJson(Bytes(R"([{"bver":10,"n":"/3/0/9","v":5,"s":1,"ut":2,"x":{"y":[1]}}])"), nullptr,
                               &out));
  EXPECT_EQ(out.size(), 1u);
}

}  // namespace
}  // namespace lwcl::lwm2m
