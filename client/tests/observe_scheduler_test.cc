#include "client/observe_scheduler.h"

#include <gtest/gtest.h>

#include "test_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::Path;

class ObserveSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    reg_.SetChangeListener([this](const Path& p) { sched_.MarkChanged(p); });
  }
  void Attr(const Path& p, std::vector<std::string> q) { ASSERT_EQ(reg_.WriteAttributes(p, q), CoapCode::kChanged); }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  ObserveScheduler sched_{reg_};
};

const Path kFloat = Path::Resource(42, 0, 2);

TEST_F(ObserveSchedulerTest, NotifiesOnEveryChangeWithoutAttributes) {
  const uint64_t id = sched_.Add(kFloat, 0);
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(sched_.Due(1).empty());
  obj_->Set(0, 2, 2.0);
  EXPECT_EQ(sched_.Due(1), std::vector<uint64_t>{id});
  EXPECT_TRUE(sched_.Due(2).empty());  // nothing new
  EXPECT_FALSE(sched_.NextWake());
}

TEST_F(ObserveSchedulerTest, PmaxSendsWithoutChangePminHoldsBack) {
  Attr(kFloat, {"pmin=10", "pmax=60"});
  const uint64_t id = sched_.Add(kFloat, 0);
  EXPECT_EQ(sched_.NextWake(), 60.0);
  obj_->Set(0, 2, 5.0);
  EXPECT_TRUE(sched_.Due(3).empty());  // inside pmin
  EXPECT_EQ(sched_.NextWake(), 10.0);
  EXPECT_EQ(sched_.Due(10), std::vector<uint64_t>{id});
  EXPECT_EQ(sched_.NextWake(), 70.0);
  EXPECT_TRUE(sched_.Due(69).empty());
  EXPECT_EQ(sched_.Due(70), std::vector<uint64_t>{id});  // pmax, unchanged value
}

TEST_F(ObserveSchedulerTest, ThresholdsAndStep) {
  Attr(kFloat, {"gt=10", "st=3"});
  const uint64_t id = sched_.Add(kFloat, 0);  // value 1.5
  obj_->Set(0, 2, 2.5);
  EXPECT_TRUE(sched_.Due(1).empty());  // moved 1 < st, below gt
  obj_->Set(0, 2, 4.6);
  EXPECT_EQ(sched_.Due(2), std::vector<uint64_t>{id});  // moved 3.1 >= st
  obj_->Set(0, 2, 11.0);
  EXPECT_EQ(sched_.Due(3), std::vector<uint64_t>{id});  // crossed gt (and st)
}

TEST_F(ObserveSchedulerTest, InheritsInstanceAttributesAndServerDefaults) {
  sched_.SetDefaultPeriods(std::nullopt, 300);
  const uint64_t a = sched_.Add(kFloat, 0);
  EXPECT_EQ(sched_.NextWake(), 300.0);
  Attr(Path::Instance(42, 0), {"pmax=30"});
  sched_.Remove(a);
  sched_.Add(kFloat, 0);
  EXPECT_EQ(sched_.NextWake(), 30.0);
}

TEST_F(ObserveSchedulerTest, InstanceObservationSeesResourceChanges) {
  const uint64_t id = sched_.Add(Path::Instance(42, 0), 0);
  obj_->SetInstance(0, 3, 1, int64_t{99});
  EXPECT_EQ(sched_.Due(1), std::vector<uint64_t>{id});
  EXPECT_EQ(sched_.PathOf(id), Path::Instance(42, 0));
  EXPECT_EQ(sched_.Add(Path::Object(77), 0), 0u);  // unreadable
}

TEST_F(ObserveSchedulerTest, CompositeObservationApi) {
  const std::vector<Path> paths = {kFloat, Path::Resource(42, 0, 0), Path::Instance(42, 5)};
  const uint64_t id = sched_.AddComposite(paths, 0);
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(sched_.IsComposite(id));
  EXPECT_EQ(sched_.PathsOf(id), paths);  // the missing /42/5 is kept
  EXPECT_FALSE(sched_.PathOf(id));       // no single path to read

  const uint64_t plain = sched_.Add(kFloat, 0);
  EXPECT_FALSE(sched_.IsComposite(plain));
  EXPECT_EQ(sched_.PathsOf(plain), std::vector<Path>{kFloat});
  EXPECT_EQ(sched_.PathOf(plain), kFloat);

  obj_->Set(0, 0, std::string("changed"));  // only the composite watches /42/0/0
  EXPECT_EQ(sched_.Due(1), std::vector<uint64_t>{id});
  obj_->Set(0, 2, 9.0);  // both watch /42/0/2
  EXPECT_EQ(sched_.Due(2), (std::vector<uint64_t>{id, plain}));

  EXPECT_EQ(sched_.AddComposite({Path::Object(77), Path::Instance(42, 9)}, 0), 0u);  // nothing readable
  EXPECT_EQ(sched_.AddComposite({}, 0), 0u);
  EXPECT_TRUE(sched_.PathsOf(999).empty());
  EXPECT_FALSE(sched_.IsComposite(999));
  sched_.Remove(id);
  EXPECT_EQ(sched_.size(), 1u);
}

TEST_F(ObserveSchedulerTest, CompositeOnRootSeesEverything) {
  const uint64_t id = sched_.AddComposite({Path::Root()}, 0);
  ASSERT_NE(id, 0u);
  obj_->SetInstance(0, 3, 0, int64_t{1});
  EXPECT_EQ(sched_.Due(1), std::vector<uint64_t>{id});
}

TEST_F(ObserveSchedulerTest, PlainObservationOfDeletedInstanceIsReported) {
  const uint64_t id = sched_.Add(kFloat, 0);
  ASSERT_EQ(reg_.Delete(Path::Instance(42, 0)), CoapCode::kDeleted);
  // Due hands it to the CoAP layer, whose read answers 4.04 and ends it.
  EXPECT_EQ(sched_.Due(1), std::vector<uint64_t>{id});
  EXPECT_TRUE(sched_.Due(2).empty());
}

}  // namespace
}  // namespace lwcl::client
