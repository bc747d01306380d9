#include "client/registry.h"

#include <gtest/gtest.h>

#include "test_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::MakeTestObject(&executed_, &args_);
    obj_ = o.get();
    reg_.Add(std::move(o));
    reg_.SetChangeListener([this](const Path& p) { changed_.push_back(p); });
  }
  Registry reg_;
  SimpleObject* obj_ = nullptr;
  int executed_ = 0;
  std::string args_;
  std::vector<Path> changed_;
};

Record Rec(Path p, Value v) {
  Record r;
  r.path = p;
  r.value = std::move(v);
  return r;
}

TEST_F(RegistryTest, ReadsResourceInstanceAndObject) {
  std::vector<Record> out;
  EXPECT_EQ(reg_.Read(Path::Resource(42, 0, 1), &out), CoapCode::kContent);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, Value(int64_t{7}));
  out.clear();
  EXPECT_EQ(reg_.Read(Path::Instance(42, 0), &out), CoapCode::kContent);
  EXPECT_EQ(out.size(), 5u);  // 0, 1, 2, 3/0, 3/1 (executable 4 not read)
  out.clear();
  EXPECT_EQ(reg_.Read(Path::ResourceInstance(42, 0, 3, 1), &out), CoapCode::kContent);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, Value(int64_t{11}));
  out.clear();
  EXPECT_EQ(reg_.Read(Path::Object(42), &out), CoapCode::kContent);
  EXPECT_EQ(out.size(), 5u);
}

TEST_F(RegistryTest, ReadErrors) {
  std::vector<Record> out;
  EXPECT_EQ(reg_.Read(Path::Object(99), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg_.Read(Path::Instance(42, 5), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg_.Read(Path::Resource(42, 0, 77), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg_.Read(Path::Resource(42, 0, 4), &out), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg_.Read(Path::ResourceInstance(42, 0, 3, 9), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg_.Read(Path::ResourceInstance(42, 0, 1, 0), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg_.Read(Path::Root(), &out), CoapCode::kMethodNotAllowed);
}

TEST_F(RegistryTest, WriteChecksOperationsAndTypes) {
  const Record ok[] = {Rec(Path::Resource(42, 0, 0), std::string("new"))};
  EXPECT_EQ(reg_.Write(Path::Resource(42, 0, 0), ok, true), CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("new")));
  EXPECT_FALSE(changed_.empty());

  const Record ro[] = {Rec(Path::Resource(42, 0, 1), int64_t{1})};
  EXPECT_EQ(reg_.Write(Path::Resource(42, 0, 1), ro, true), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg_.Write(Path::Instance(42, 0), ro, false), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(obj_->Get(0, 1), Value(int64_t{7}));

  // Text that is not a number cannot go into a Float resource.
  const Record bad[] = {Rec(Path::Resource(42, 0, 2), std::string("abc"))};
  EXPECT_EQ(reg_.Write(Path::Resource(42, 0, 2), bad, true), CoapCode::kBadRequest);
  // Integer converts into Float.
  const Record conv[] = {Rec(Path::Resource(42, 0, 2), int64_t{3})};
  EXPECT_EQ(reg_.Write(Path::Resource(42, 0, 2), conv, true), CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 2), Value(3.0));

  // Records outside the target path are refused.
  EXPECT_EQ(reg_.Write(Path::Resource(42, 0, 2), ok, true), CoapCode::kBadRequest);
  EXPECT_EQ(reg_.Write(Path::Object(42), ok, true), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg_.Write(Path::Instance(42, 3), ok, true), CoapCode::kNotFound);
}

TEST_F(RegistryTest, ReplaceClearsMultipleResourcePartialUpdateMerges) {
  const Record one[] = {Rec(Path::ResourceInstance(42, 0, 3, 5), int64_t{50})};
  EXPECT_EQ(reg_.Write(Path::Instance(42, 0), one, false), CoapCode::kChanged);
  std::vector<Record> out;
  reg_.Read(Path::Resource(42, 0, 3), &out);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(reg_.Write(Path::Resource(42, 0, 3), one, true), CoapCode::kChanged);
  out.clear();
  reg_.Read(Path::Resource(42, 0, 3), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].path, Path::ResourceInstance(42, 0, 3, 5));
}

TEST_F(RegistryTest, ExecuteCreateDelete) {
  EXPECT_EQ(reg_.Execute(Path::Resource(42, 0, 4), "5='x'"), CoapCode::kChanged);
  EXPECT_EQ(executed_, 1);
  EXPECT_EQ(args_, "5='x'");
  EXPECT_EQ(reg_.Execute(Path::Resource(42, 0, 0), ""), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg_.Execute(Path::Instance(42, 0), ""), CoapCode::kMethodNotAllowed);

  uint16_t created = 0;
  EXPECT_EQ(reg_.Create(Path::Object(42), {}, &created), CoapCode::kCreated);
  EXPECT_EQ(created, 1);
  const Record with_id[] = {Rec(Path::Resource(42, 7, 0), std::string("seven"))};
  EXPECT_EQ(reg_.Create(Path::Object(42), with_id, &created), CoapCode::kCreated);
  EXPECT_EQ(created, 7);
  EXPECT_EQ(obj_->Get(7, 0), Value(std::string("seven")));
  EXPECT_EQ(reg_.Create(Path::Object(42), with_id, &created), CoapCode::kBadRequest);  // exists
  EXPECT_EQ(reg_.Create(Path::Object(99), {}, &created), CoapCode::kNotFound);

  EXPECT_EQ(reg_.Delete(Path::Instance(42, 7)), CoapCode::kDeleted);
  EXPECT_EQ(reg_.Delete(Path::Instance(42, 7)), CoapCode::kNotFound);
  EXPECT_EQ(reg_.Delete(Path::Object(42)), CoapCode::kMethodNotAllowed);
}

TEST_F(RegistryTest, WriteAttributesAndDiscover) {
  const std::vector<std::string> q = {"pmin=10", "pmax=60"};
  EXPECT_EQ(reg_.WriteAttributes(Path::Resource(42, 0, 2), q), CoapCode::kChanged);
  const std::vector<std::string> inst = {"pmax=30"};
  EXPECT_EQ(reg_.WriteAttributes(Path::Instance(42, 0), inst), CoapCode::kChanged);
  const std::vector<std::string> bad = {"pmin=70", "pmax=5"};
  EXPECT_EQ(reg_.WriteAttributes(Path::Resource(42, 0, 2), bad), CoapCode::kBadRequest);
  const std::vector<std::string> junk = {"foo=1"};
  EXPECT_EQ(reg_.WriteAttributes(Path::Resource(42, 0, 2), junk), CoapCode::kBadRequest);
  EXPECT_EQ(reg_.WriteAttributes(Path::Resource(42, 0, 99), q), CoapCode::kNotFound);
  ASSERT_NE(reg_.AttributesAt(Path::Resource(42, 0, 2)), nullptr);
  EXPECT_EQ(reg_.AttributesAt(Path::Resource(42, 0, 2))->pmin, 10);

  const lwm2m::NotificationAttributes eff = reg_.EffectiveAttributes(Path::Resource(42, 0, 0), 1, 1000);
  EXPECT_EQ(eff.pmin, 1);
  EXPECT_EQ(eff.pmax, 30);

  std::vector<lwm2m::Link> links;
  EXPECT_EQ(reg_.Discover(Path::Instance(42, 0), &links), CoapCode::kContent);
  EXPECT_EQ(lwm2m::FormatLinkFormat(links),
            "</42/0>;pmax=30,</42/0/0>,</42/0/1>,</42/0/2>;pmin=10;pmax=60,</42/0/3>;dim=2,</42/0/4>");  // 5 has no value: absent
}

TEST_F(RegistryTest, ObjectListSkipsSecurity) {
  auto sec = std::make_unique<SimpleObject>(0, true, std::vector<ResourceSpec>{});
  sec->AddInstance(0);
  reg_.Add(std::move(sec));
  reg_.Add(std::make_unique<SimpleObject>(5, false, std::vector<ResourceSpec>{}));
  EXPECT_EQ(reg_.ObjectListText(), "</5>,</42/0>");
}

TEST_F(RegistryTest, MarkChangedReachesListener) {
  changed_.clear();
  obj_->Set(0, 2, 9.5);
  ASSERT_EQ(changed_.size(), 1u);
  EXPECT_EQ(changed_[0], Path::Resource(42, 0, 2));
  obj_->Set(0, 2, 9.5);  // unchanged: no event
  EXPECT_EQ(changed_.size(), 1u);
}

TEST_F(RegistryTest, ReadCompositeSkipsWhatCannotBeRead) {
  std::vector<Record> out;
  const std::vector<Path> paths = {Path::Resource(42, 0, 4), Path::Resource(42, 0, 1), Path::Instance(42, 3),
                                   Path::Resource(42, 0, 1)};
  EXPECT_EQ(reg_.ReadComposite(paths, &out), CoapCode::kContent);
  ASSERT_EQ(out.size(), 1u);  // listed twice, answered once
  EXPECT_EQ(out[0].value, Value(int64_t{7}));
  EXPECT_EQ(reg_.ReadComposite({}, &out), CoapCode::kBadRequest);
  const std::vector<Path> none = {Path::Object(9)};
  EXPECT_EQ(reg_.ReadComposite(none, &out), CoapCode::kNotFound);
  EXPECT_EQ(out.size(), 1u);  // failures append nothing
}

TEST_F(RegistryTest, WriteCompositeTypesValuesAndNotifies) {
  changed_.clear();
  // An integer into the Float resource is converted; a new resource instance is added.
  const std::vector<Record> recs = {Rec(Path::Resource(42, 0, 2), Value(int64_t{3})),
                                    Rec(Path::ResourceInstance(42, 0, 3, 5), Value(int64_t{55}))};
  EXPECT_EQ(reg_.WriteComposite(recs), CoapCode::kChanged);
  EXPECT_EQ(obj_->Get(0, 2), Value(3.0));
  EXPECT_EQ(obj_->Get(0, 3, 5), Value(int64_t{55}));
  EXPECT_EQ(obj_->Get(0, 3, 1), Value(int64_t{11}));
  EXPECT_EQ(changed_, (std::vector<Path>{Path::Resource(42, 0, 2), Path::ResourceInstance(42, 0, 3, 5)}));
}

TEST_F(RegistryTest, WriteCompositeRefusalLeavesEverythingAsItWas) {
  changed_.clear();
  const std::vector<Record> recs = {Rec(Path::Resource(42, 0, 0), Value(std::string("new"))),
                                    Rec(Path::Resource(42, 0, 1), Value(int64_t{1}))};  // R only
  EXPECT_EQ(reg_.WriteComposite(recs), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(obj_->Get(0, 0), Value(std::string("hello")));
  EXPECT_TRUE(changed_.empty());
  EXPECT_EQ(reg_.WriteComposite({}), CoapCode::kBadRequest);
}

}  // namespace
}  // namespace lwcl::client
