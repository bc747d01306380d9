#include "lwm2m/content_format.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>

namespace lwcl::lwm2m {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(ContentFormatTest, NamesAndNumbers) {
  const uint16_t known[] = {0, 40, 42, 60, 110, 112, 11542, 11543, 11544};
  for (uint16_t n : known) {
    auto f = ContentFormatFromNumber(n);
    ASSERT_TRUE(f.has_value()) << n;
    EXPECT_EQ(static_cast<uint16_t>(*f), n);
    EXPECT_STRNE(ContentFormatName(*f), "unknown");
  }
  EXPECT_FALSE(ContentFormatFromNumber(41).has_value());
  EXPECT_FALSE(ContentFormatFromNumber(1542).has_value());
  EXPECT_STREQ(ContentFormatName(ContentFormat::kSenmlCbor), "application/senml+cbor");
  EXPECT_STREQ(ContentFormatName(ContentFormat::kLwm2mCbor), "application/vnd.oma.lwm2m+cbor");
  EXPECT_STREQ(ContentFormatName(ContentFormat::kTlv), "application/vnd.oma.lwm2m+tlv");
}

// One resource of every data type in object 1000, instance 0.
const std::map<uint16_t, DataType>& Types() {
  static const std::map<uint16_t, DataType> t{
      {0, DataType::kString}, {1, DataType::kInteger}, {2, DataType::kUnsignedInteger}, {3, DataType::kFloat},
      {4, DataType::kBoolean}, {5, DataType::kOpaque}, {6, DataType::kTime}, {7, DataType::kObjlnk},
      {8, DataType::kCoreLnk}, {9, DataType::kInteger}};
  return t;
}

DataType Resolve(const Path& p) {
  if (p.depth < 3) return DataType::kNone;
  auto it = Types().find(p.resource());
  return it == Types().end() ? DataType::kNone : it->second;
}

std::vector<Record> AllTypes() {
  auto r = [](uint16_t res, Value v) { return Record{Path::Resource(1000, 0, res), std::move(v), std::nullopt}; };
  return {r(0, std::string("caf\u00e9 \"x\"")),
          r(1, int64_t{-1234567890123}),
          r(2, uint64_t{18446744073709551615ULL}),
          r(3, -0.15625),
          r(4, true),
          r(5, Opaque{0xde, 0xad, 0xbe, 0xef, 0x00}),
          r(6, Time{1700000000}),
          r(7, Objlnk{3303, 1}),
          r(8, CoreLnk{"</3/0>"}),
          Record{Path::ResourceInstance(1000, 0, 9, 0), int64_t{7}, std::nullopt},
          Record{Path::ResourceInstance(1000, 0, 9, 5), int64_t{-7}, std::nullopt}};
}

class MultiValueFormats : public ::testing::TestWithParam<ContentFormat> {};

TEST_P(MultiValueFormats, RoundTripsAnInstanceOfEveryType) {
  const auto records = AllTypes();
  const Path base = Path::Instance(1000, 0);
  std::vector<uint8_t> payload;
  auto err = Encode(GetParam(), base, records, &payload);
  ASSERT_FALSE(err) << err->message;
  std::vector<Record> back;
  err = Decode(GetParam(), payload, base, Resolve, &back);
  ASSERT_FALSE(err) << err->message;
  EXPECT_EQ(back, records);
}

TEST_P(MultiValueFormats, RoundTripsAtObjectAndResourceLevel) {
  const auto all = AllTypes();
  std::vector<uint8_t> payload;
  ASSERT_FALSE(Encode(GetParam(), Path::Object(1000), all, &payload));
  std::vector<Record> back;
  ASSERT_FALSE(Decode(GetParam(), payload, Path::Object(1000), Resolve, &back));
  EXPECT_EQ(back, all);
  // The multiple-instance resource on its own.
  const std::vector<Record> multi(all.end() - 2, all.end());
  payload.clear(), back.clear();
  ASSERT_FALSE(Encode(GetParam(), Path::Resource(1000, 0, 9), multi, &payload));
  ASSERT_FALSE(Decode(GetParam(), payload, Path::Resource(1000, 0, 9), Resolve, &back));
  EXPECT_EQ(back, multi);
}

TEST_P(MultiValueFormats, TruncatedPayloadsAreErrorsNotCrashes) {
  const auto records = AllTypes();
  const Path base = Path::Instance(1000, 0);
  std::vector<uint8_t> payload;
  ASSERT_FALSE(Encode(GetParam(), base, records, &payload));
  for (size_t n = 0; n < payload.size(); ++n) {
    std::vector<Record> back;
    const std::span<const uint8_t> cut(payload.data(), n);
    auto err = Decode(GetParam(), cut, base, Resolve, &back);
    // Some prefixes of TLV are themselves complete payloads; the others must
    // fail. Self-describing formats never parse a strict prefix.
    if (GetParam() != ContentFormat::kTlv) {
      EXPECT_TRUE(err.has_value()) << n;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, MultiValueFormats,
                         ::testing::Values(ContentFormat::kTlv, ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor,
                                           ContentFormat::kLwm2mCbor),
                         [](const auto& p) { return std::to_string(static_cast<int>(p.param)); });

class SingleValueFormats : public ::testing::TestWithParam<ContentFormat> {};

TEST_P(SingleValueFormats, RoundTripsEachType) {
  for (const Record& r : AllTypes()) {
    if (GetParam() == ContentFormat::kOpaque && !std::holds_alternative<Opaque>(r.value)) continue;
    std::vector<uint8_t> payload;
    const std::vector<Record> one{r};
    auto err = Encode(GetParam(), r.path, one, &payload);
    ASSERT_FALSE(err) << r.path.ToString() << ": " << err->message;
    std::vector<Record> back;
    err = Decode(GetParam(), payload, r.path, Resolve, &back);
    ASSERT_FALSE(err) << r.path.ToString() << ": " << err->message;
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0], r) << r.path.ToString();
  }
}

TEST_P(SingleValueFormats, RefusesSeveralRecordsOrShallowPaths) {
  const auto all = AllTypes();
  std::vector<uint8_t> payload;
  EXPECT_TRUE(Encode(GetParam(), Path::Instance(1000, 0), all, &payload));
  std::vector<Record> back;
  EXPECT_TRUE(Decode(GetParam(), Bytes("x"), Path::Instance(1000, 0), Resolve, &back));
}

INSTANTIATE_TEST_SUITE_P(All, SingleValueFormats,
                         ::testing::Values(ContentFormat::kPlainText, ContentFormat::kOpaque, ContentFormat::kCbor),
                         [](const auto& p) { return std::to_string(static_cast<int>(p.param)); });

TEST(ContentFormatTest, CborSingleValueBytes) {
  std::vector<uint8_t> payload;
  const std::vector<Record> one{{Path::Resource(3, 0, 9), int64_t{100}, std::nullopt}};
  ASSERT_FALSE(Encode(ContentFormat::kCbor, Path::Resource(3, 0, 9), one, &payload));
  EXPECT_EQ(payload, (std::vector<uint8_t>{0x18, 0x64}));
  // A Float resource written with an integer CBOR value is typed by the resolver.
  std::vector<Record> back;
  TypeResolver floats = [](const Path&) { return DataType::kFloat; };
  ASSERT_FALSE(Decode(ContentFormat::kCbor, payload, Path::Resource(3, 0, 9), floats, &back));
  EXPECT_EQ(back[0].value, Value{100.0});
}

TEST(ContentFormatTest, SelfDescribingPayloadsMustStayUnderTheRequestPath) {
  std::vector<Record> back;
  auto err = Decode(ContentFormat::kSenmlJson, Bytes(R"([{"n":"/4/0/1","v":1}])"), Path::Instance(3, 0), nullptr,
                    &back);
  EXPECT_TRUE(err.has_value());
  EXPECT_FALSE(Decode(ContentFormat::kSenmlJson, Bytes(R"([{"n":"/4/0/1","v":1}])"), Path::Root(), nullptr, &back));
}

TEST(ContentFormatTest, NonValueFormatsAreErrors) {
  std::vector<Record> back;
  std::vector<uint8_t> out;
  for (ContentFormat f : {ContentFormat::kCoreLinkFormat, ContentFormat::kLwm2mJson}) {
    EXPECT_TRUE(Decode(f, Bytes("</3/0>"), Path::Root(), nullptr, &back).has_value());
    EXPECT_TRUE(Encode(f, Path::Root(), AllTypes(), &out).has_value());
  }
  EXPECT_TRUE(Decode(static_cast<ContentFormat>(9999), Bytes("x"), Path::Root(), nullptr, &back).has_value());
}

}  // namespace
}  // namespace lwcl::lwm2m
