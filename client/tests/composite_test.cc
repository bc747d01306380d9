// Read-Composite (FETCH on "/") and Write-Composite (iPATCH on "/") through
// HandleDmRequest, in SenML JSON, SenML CBOR and LwM2M CBOR: what is answered,
// what is skipped, which errors come back, and that a refused
// Write-Composite changes nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/dm_request.h"
#include "lwm2m/cbor.h"
#include "lwm2m/content_format.h"
#include "lwm2m/lwm2m_cbor.h"
#include "lwm2m/senml.h"
#include "test_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::ContentFormat;
using lwm2m::DataType;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

constexpr uint16_t kJson = static_cast<uint16_t>(ContentFormat::kSenmlJson);
constexpr uint16_t kSenmlCbor = static_cast<uint16_t>(ContentFormat::kSenmlCbor);
constexpr uint16_t kLwm2mCbor = static_cast<uint16_t>(ContentFormat::kLwm2mCbor);

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string Text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

// An object whose handler refuses writes to resource 1 after validation
// passed, to see what a Write-Composite failing half-way leaves behind.
class FailingObject : public SimpleObject {
 public:
  FailingObject()
      : SimpleObject(44, false,
                     {{0, Operations::kReadWrite, DataType::kInteger, false},
                      {1, Operations::kReadWrite, DataType::kInteger, false}}) {}
  CoapCode Write(uint16_t iid, const Record& record) override {
    if (record.path.resource() == 1) return CoapCode::kInternalServerError;
    return SimpleObject::Write(iid, record);
  }
};

class CompositeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    other_.AddInstance(0);
    other_.Set(0, 0, int64_t{5});
    reg_.Add(&other_);
    failing_.AddInstance(0);
    failing_.Set(0, 0, int64_t{1});
    failing_.Set(0, 1, int64_t{2});
    reg_.Add(&failing_);
    reg_.SetChangeListener([this](const Path& p) { changed_.push_back(p); });
  }

  static DmRequest Fetch(uint16_t format, std::vector<uint8_t> payload, std::optional<uint16_t> accept = {}) {
    DmRequest r;
    r.method = CoapMethod::kFetch;
    r.content_format = format;
    r.payload = std::move(payload);
    r.accept = accept;
    return r;
  }
  static DmRequest IPatch(uint16_t format, std::vector<uint8_t> payload) {
    DmRequest r;
    r.method = CoapMethod::kIPatch;
    r.content_format = format;
    r.payload = std::move(payload);
    return r;
  }
  static std::vector<uint8_t> SenmlCborPaths(std::vector<Path> paths) {
    std::vector<uint8_t> out;
    EXPECT_FALSE(lwm2m::EncodeSenmlCborPaths(paths, &out));
    return out;
  }
  // Decodes a composite answer back into records (absolute paths).
  std::vector<Record> Decoded(const DmResponse& r) {
    std::vector<Record> recs;
    EXPECT_TRUE(r.content_format.has_value());
    if (!r.content_format) return recs;
    const auto f = lwm2m::ContentFormatFromNumber(*r.content_format);
    EXPECT_TRUE(f.has_value());
    EXPECT_FALSE(lwm2m::Decode(*f, r.payload, Path::Root(), reg_.Resolver(), &recs));
    return recs;
  }
  static std::vector<Path> PathsIn(const std::vector<Record>& recs) {
    std::vector<Path> p;
    for (const Record& r : recs) p.push_back(r.path);
    return p;
  }
  // Everything the registry holds, to prove a refused write changed nothing.
  std::vector<Record> Snapshot() {
    std::vector<Record> recs;
    const Path root = Path::Root();
    EXPECT_EQ(reg_.ReadComposite(std::span<const Path>(&root, 1), &recs), CoapCode::kContent);
    return recs;
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  SimpleObject other_{43, false, {{0, Operations::kReadWrite, DataType::kInteger, false}}};
  FailingObject failing_;
  std::vector<Path> changed_;
};

// --- Read-Composite ---------------------------------------------------------

TEST_F(CompositeTest, ReadSenmlJsonAcrossObjects) {
  DmResponse r = HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/0"},{"n":"/43/0"}])"), kJson));
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, kJson);
  const std::string text = Text(r.payload);
  EXPECT_NE(text.find("/42/0/0"), std::string::npos) << text;  // absolute names
  EXPECT_NE(text.find("hello"), std::string::npos) << text;
  const std::vector<Record> recs = Decoded(r);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].path, Path::Resource(42, 0, 0));
  EXPECT_EQ(recs[0].value, Value(std::string("hello")));
  EXPECT_EQ(recs[1].path, Path::Resource(43, 0, 0));
  EXPECT_EQ(recs[1].value, Value(int64_t{5}));
}

TEST_F(CompositeTest, ReadDefaultsToSenmlCbor) {
  DmResponse r = HandleDmRequest(
      reg_, Fetch(kSenmlCbor, SenmlCborPaths({Path::Resource(42, 0, 2), Path::Resource(42, 0, 3)})));
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, kSenmlCbor);
  const std::vector<Record> recs = Decoded(r);
  EXPECT_EQ(PathsIn(recs), (std::vector<Path>{Path::Resource(42, 0, 2), Path::ResourceInstance(42, 0, 3, 0),
                                              Path::ResourceInstance(42, 0, 3, 1)}));
  EXPECT_EQ(recs[0].value, Value(1.5));
}

TEST_F(CompositeTest, ReadLwm2mCborRequestAndAnswer) {
  // {42: {0: {1: null, 3: null}}, 43: null}
  std::vector<uint8_t> body;
  lwm2m::cbor::Writer w(&body);
  w.MapHeader(2);
  w.Uint(42);
  w.MapHeader(1);
  w.Uint(0);
  w.MapHeader(2);
  w.Uint(1);
  w.Null();
  w.Uint(3);
  w.Null();
  w.Uint(43);
  w.Null();
  DmResponse r = HandleDmRequest(reg_, Fetch(kLwm2mCbor, body, kLwm2mCbor));
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, kLwm2mCbor);
  const std::vector<Record> recs = Decoded(r);
  EXPECT_EQ(PathsIn(recs),
            (std::vector<Path>{Path::Resource(42, 0, 1), Path::ResourceInstance(42, 0, 3, 0),
                               Path::ResourceInstance(42, 0, 3, 1), Path::Resource(43, 0, 0)}));
  EXPECT_EQ(recs[0].value, Value(int64_t{7}));
  EXPECT_EQ(recs[3].value, Value(int64_t{5}));
}

TEST_F(CompositeTest, AcceptChoosesEachFormatForTheSameRequest) {
  for (uint16_t accept : {kJson, kSenmlCbor, kLwm2mCbor}) {
    DmResponse r = HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/1"},{"n":"/43/0/0"}])"), accept));
    ASSERT_EQ(r.code, CoapCode::kContent) << accept;
    EXPECT_EQ(r.content_format, accept);
    const std::vector<Record> recs = Decoded(r);
    EXPECT_EQ(PathsIn(recs), (std::vector<Path>{Path::Resource(42, 0, 1), Path::Resource(43, 0, 0)})) << accept;
  }
}

TEST_F(CompositeTest, MissingAndUnreadablePathsAreSkipped) {
  // /42/9 (no such instance), /77 (no such object), /42/0/4 (executable).
  DmResponse r = HandleDmRequest(
      reg_, Fetch(kJson, Bytes(R"([{"n":"/42/9"},{"n":"/77"},{"n":"/42/0/4"},{"n":"/42/0/1"}])"), kJson));
  ASSERT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(PathsIn(Decoded(r)), std::vector<Path>{Path::Resource(42, 0, 1)});

  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/77"},{"n":"/42/9/0"}])"))).code,
            CoapCode::kNotFound);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/4"},{"n":"/42/0/5"}])"))).code,
            CoapCode::kNotFound);  // 4.04 wins over 4.05 when nothing is readable
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/4"}])"))).code, CoapCode::kMethodNotAllowed);
}

TEST_F(CompositeTest, OverlappingPathsGiveEachRecordOnce) {
  DmResponse r =
      HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/0"},{"n":"/42/0"},{"n":"/42/0/3/1"}])"), kLwm2mCbor));
  ASSERT_EQ(r.code, CoapCode::kContent);
  std::vector<Record> plain;
  ASSERT_EQ(reg_.Read(Path::Instance(42, 0), &plain), CoapCode::kContent);
  EXPECT_EQ(Decoded(r).size(), plain.size());
}

TEST_F(CompositeTest, RootPathReadsEveryObjectButSecurity) {
  SimpleObject security(0, true, {{0, Operations::kRead, DataType::kString, false}});
  security.AddInstance(0);
  security.Set(0, 0, std::string("coap://secret"));
  reg_.Add(&security);
  DmResponse r = HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/"}])"), kJson));
  ASSERT_EQ(r.code, CoapCode::kContent);
  const std::vector<Path> paths = PathsIn(Decoded(r));
  EXPECT_NE(std::find(paths.begin(), paths.end(), Path::Resource(43, 0, 0)), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), Path::Resource(42, 0, 0)), paths.end());
  EXPECT_EQ(Text(r.payload).find("secret"), std::string::npos);
}

TEST_F(CompositeTest, ReadErrors) {
  const std::vector<uint8_t> ok = Bytes(R"([{"n":"/42/0/0"}])");
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, ok, 0)).code, CoapCode::kNotAcceptable);  // plain text
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, ok, 11542)).code, CoapCode::kNotAcceptable);  // TLV
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(0, ok)).code, CoapCode::kUnsupportedContentFormat);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(11542, ok)).code, CoapCode::kUnsupportedContentFormat);
  DmRequest no_format = Fetch(kJson, ok);
  no_format.content_format.reset();
  EXPECT_EQ(HandleDmRequest(reg_, no_format).code, CoapCode::kBadRequest);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/0"})"))).code, CoapCode::kBadRequest);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes("[]"))).code, CoapCode::kBadRequest);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"/42/0/0","v":1}])"))).code, CoapCode::kBadRequest);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kJson, Bytes(R"([{"n":"not/a/path"}])"))).code, CoapCode::kBadRequest);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kSenmlCbor, {0xff, 0x00})).code, CoapCode::kBadRequest);
  // LwM2M CBOR carrying a value is a write, not a path list.
  std::vector<uint8_t> with_value;
  lwm2m::cbor::Writer w(&with_value);
  w.MapHeader(1);
  w.ArrayHeader(3);
  w.Uint(42);
  w.Uint(0);
  w.Uint(1);
  w.Uint(9);
  EXPECT_EQ(HandleDmRequest(reg_, Fetch(kLwm2mCbor, with_value)).code, CoapCode::kBadRequest);
  DmRequest not_root = Fetch(kJson, ok);
  not_root.uri_path = {"42"};
  EXPECT_EQ(HandleDmRequest(reg_, not_root).code, CoapCode::kMethodNotAllowed);
}

TEST_F(CompositeTest, ParseCompositePathsAndReadCompositeAndEncode) {
  CoapCode error = CoapCode::kContent;
  const auto paths = ParseCompositePaths(reg_, Fetch(kJson, Bytes(R"([{"bn":"/42/0/","n":"0"},{"bn":"/","n":"43"}])")), &error);
  ASSERT_TRUE(paths);
  EXPECT_EQ(*paths, (std::vector<Path>{Path::Resource(42, 0, 0), Path::Object(43)}));
  EXPECT_FALSE(ParseCompositePaths(reg_, Fetch(0, Bytes("x")), &error));
  EXPECT_EQ(error, CoapCode::kUnsupportedContentFormat);

  DmResponse r = ReadCompositeAndEncode(reg_, *paths, std::nullopt);
  EXPECT_EQ(r.code, CoapCode::kContent);
  EXPECT_EQ(r.content_format, kSenmlCbor);
  EXPECT_EQ(PathsIn(Decoded(r)), (std::vector<Path>{Path::Resource(42, 0, 0), Path::Resource(43, 0, 0)}));
  EXPECT_EQ(ReadCompositeAndEncode(reg_, *paths, 42).code, CoapCode::kNotAcceptable);
  const Path gone = Path::Object(99);
  EXPECT_EQ(ReadCompositeAndEncode(reg_, std::span<const Path>(&gone, 1), kJson).code, CoapCode::kNotFound);
}

// --- Write-Composite --------------------------------------------------------

TEST_F(CompositeTest, WriteSenmlJsonAcrossObjectsIsPartial) {
  DmResponse r = HandleDmRequest(
      reg_, IPatch(kJson, Bytes(R"([{"n":"/42/0/0","vs":"bye"},{"n":"/42/0/2","v":2.5},)"
                                R"({"n":"/42/0/3/1","v":99},{"n":"/43/0/0","v":9}])")));
  EXPECT_EQ(r.code, CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("bye")));
  EXPECT_EQ(obj_->Get(0, 2), Value(2.5));
  EXPECT_EQ(obj_->Get(0, 3, 1), Value(int64_t{99}));
  EXPECT_EQ(obj_->Get(0, 3, 0), Value(int64_t{10}));  // other resource instances stay
  EXPECT_EQ(other_.Get(0, 0), Value(int64_t{9}));
  // Observers hear of every written value.
  for (const Path& p : {Path::Resource(42, 0, 0), Path::Resource(43, 0, 0), Path::ResourceInstance(42, 0, 3, 1)}) {
    EXPECT_NE(std::find(changed_.begin(), changed_.end(), p), changed_.end()) << p.ToString();
  }
}

TEST_F(CompositeTest, WriteSenmlCbor) {
  const std::vector<Record> recs = {{Path::Resource(42, 0, 2), Value(-3.25), std::nullopt},
                                    {Path::Resource(43, 0, 0), Value(int64_t{11}), std::nullopt}};
  std::vector<uint8_t> body;
  ASSERT_FALSE(lwm2m::EncodeSenmlCbor(Path::Root(), recs, &body));
  EXPECT_EQ(HandleDmRequest(reg_, IPatch(kSenmlCbor, body)).code, CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 2), Value(-3.25));
  EXPECT_EQ(other_.Get(0, 0), Value(int64_t{11}));
}

TEST_F(CompositeTest, WriteLwm2mCbor) {
  const std::vector<Record> recs = {{Path::Resource(42, 0, 0), Value(std::string("cbor")), std::nullopt},
                                    {Path::ResourceInstance(42, 0, 3, 7), Value(int64_t{70}), std::nullopt},
                                    {Path::Resource(42, 0, 5), Value(lwm2m::Opaque{1, 2, 3}), std::nullopt}};
  std::vector<uint8_t> body;
  ASSERT_FALSE(lwm2m::EncodeLwm2mCbor(Path::Root(), recs, &body));
  EXPECT_EQ(HandleDmRequest(reg_, IPatch(kLwm2mCbor, body)).code, CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("cbor")));
  EXPECT_EQ(obj_->Get(0, 3, 7), Value(int64_t{70}));
  EXPECT_EQ(obj_->Get(0, 3, 0), Value(int64_t{10}));
  EXPECT_EQ(obj_->Get(0, 5), Value(lwm2m::Opaque{1, 2, 3}));
}

TEST_F(CompositeTest, RefusedWriteChangesNothing) {
  struct Case {
    const char* body;
    CoapCode code;
  };
  // Every body starts with a valid record, so a half-done write would show.
  const Case cases[] = {
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0/1","v":1}])", CoapCode::kMethodNotAllowed},  // R only
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0/4","v":1}])", CoapCode::kMethodNotAllowed},  // executable
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/9/0","vs":"y"}])", CoapCode::kNotFound},       // no instance
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/77/0/0","v":1}])", CoapCode::kNotFound},          // no object
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0/99","v":1}])", CoapCode::kNotFound},         // no resource
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0/2","vs":"abc"}])", CoapCode::kBadRequest},   // type
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0/3","v":1}])", CoapCode::kBadRequest},  // multiple as single
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/43/0/0/1","v":1}])", CoapCode::kBadRequest},  // single as multiple
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/43/0/0"}])", CoapCode::kBadRequest},          // no value
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0/0","vs":"y"}])", CoapCode::kBadRequest},  // twice
      {R"([{"n":"/42/0/0","vs":"x"},{"n":"/42/0"}])", CoapCode::kBadRequest},             // not a value path
  };
  const std::vector<Record> before = Snapshot();
  for (const Case& c : cases) {
    changed_.clear();
    EXPECT_EQ(HandleDmRequest(reg_, IPatch(kJson, Bytes(c.body))).code, c.code) << c.body;
    EXPECT_EQ(Snapshot(), before) << c.body;
    EXPECT_TRUE(changed_.empty()) << c.body;
  }
}

TEST_F(CompositeTest, HandlerFailingMidWayPutsEarlierValuesBack) {
  DmResponse r = HandleDmRequest(
      reg_, IPatch(kJson, Bytes(R"([{"n":"/42/0/0","vs":"x"},{"n":"/44/0/0","v":50},{"n":"/44/0/1","v":60}])")));
  EXPECT_EQ(r.code, CoapCode::kInternalServerError);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("hello")));
  EXPECT_EQ(failing_.Get(0, 0), Value(int64_t{1}));
  EXPECT_EQ(failing_.Get(0, 1), Value(int64_t{2}));
}

TEST_F(CompositeTest, WriteErrors) {
  const std::vector<uint8_t> ok = Bytes(R"([{"n":"/42/0/0","vs":"x"}])");
  EXPECT_EQ(HandleDmRequest(reg_, IPatch(0, Bytes("x"))).code, CoapCode::kUnsupportedContentFormat);
  EXPECT_EQ(HandleDmRequest(reg_, IPatch(11542, ok)).code, CoapCode::kUnsupportedContentFormat);
  EXPECT_EQ(HandleDmRequest(reg_, IPatch(kJson, Bytes(R"([{"n":"/42/0/0","vs":)"))).code, CoapCode::kBadRequest);
  EXPECT_EQ(HandleDmRequest(reg_, IPatch(kJson, Bytes("[]"))).code, CoapCode::kBadRequest);
  DmRequest no_format = IPatch(kJson, ok);
  no_format.content_format.reset();
  EXPECT_EQ(HandleDmRequest(reg_, no_format).code, CoapCode::kBadRequest);
  DmRequest not_root = IPatch(kJson, ok);
  not_root.uri_path = {"42", "0"};
  EXPECT_EQ(HandleDmRequest(reg_, not_root).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("hello")));
}

}  // namespace
}  // namespace lwcl::client
