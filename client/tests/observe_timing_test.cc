// Notification timing: for every attribute (pmin, pmax, gt, lt, st), their
// combinations, inheritance object -> instance -> resource, the Server
// object's defaults and Observe-Composite, exactly at which simulated
// seconds ObserveScheduler::Due returns the observation.
//
// Each scenario runs twice: once ticking the clock every second (what a
// polling loop sees) and once jumping only to scripted changes and to
// NextWake (what Client::Step does). Both must give the same times, which
// also proves NextWake never sleeps past a due notification.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "client/observe_scheduler.h"
#include "client/simple_object.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::DataType;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Value;

// /50 "sensor": 0 value (R Float), 1 counter (R Integer), 2 label (R String).
constexpr uint16_t kObj = 50;
const Path kValue = Path::Resource(kObj, 0, 0);
const Path kCounter = Path::Resource(kObj, 0, 1);
const Path kLabel = Path::Resource(kObj, 0, 2);

// What happens at a simulated second, before Due is asked.
using Script = std::map<double, std::function<void()>>;

class ObserveTimingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sensor_.AddInstance(0);
    sensor_.Set(0, 0, 5.0);
    sensor_.Set(0, 1, int64_t{0});
    sensor_.Set(0, 2, std::string("idle"));
    reg_.Add(&sensor_);
    reg_.SetChangeListener([this](const Path& p) { sched_.MarkChanged(p); });
  }

  void Attr(const Path& p, std::vector<std::string> q) { ASSERT_EQ(reg_.WriteAttributes(p, q), CoapCode::kChanged); }
  std::function<void()> SetValue(double v) {
    return [this, v] { sensor_.Set(0, 0, v); };
  }
  std::function<void()> SetCounter(int64_t v) {
    return [this, v] { sensor_.Set(0, 1, v); };
  }

  // Ticks 1..end every second; the seconds at which `id` was due.
  std::vector<double> Tick(uint64_t id, const Script& script, double end) {
    std::vector<double> times;
    for (double t = 1; t <= end; t += 1) {
      if (auto it = script.find(t); it != script.end()) it->second();
      for (uint64_t d : sched_.Due(t)) {
        if (d == id) times.push_back(t);
      }
    }
    return times;
  }
  // Jumps from event to event: the next scripted change or NextWake.
  std::vector<double> Jump(uint64_t id, const Script& script, double end) {
    std::vector<double> times;
    double t = 0;
    for (int guard = 0; guard < 10000; ++guard) {
      std::optional<double> next;
      if (auto it = script.upper_bound(t); it != script.end()) next = it->first;
      if (std::optional<double> wake = sched_.NextWake()) {
        EXPECT_GT(*wake, t) << "NextWake in the past at t=" << t;
        if (*wake <= t) return times;
        if (!next || *wake < *next) next = wake;
      }
      if (!next || *next > end) return times;
      t = *next;
      if (auto it = script.find(t); it != script.end()) it->second();
      for (uint64_t d : sched_.Due(t)) {
        if (d == id) times.push_back(t);
      }
    }
    ADD_FAILURE() << "no end";
    return times;
  }

  // Runs `script` from t=0 on a fresh observation started by `start` in both
  // modes and checks both against `want`.
  void Expect(const std::function<uint64_t()>& start, const Script& script, double end, std::vector<double> want) {
    const Snapshot s = Save();
    uint64_t id = start();
    ASSERT_NE(id, 0u);
    EXPECT_EQ(Tick(id, script, end), want) << "ticking every second";
    sched_.Remove(id);
    Restore(s);
    id = start();
    ASSERT_NE(id, 0u);
    EXPECT_EQ(Jump(id, script, end), want) << "jumping to NextWake";
    sched_.Remove(id);
    Restore(s);
  }
  void Expect(const Path& path, const Script& script, double end, std::vector<double> want) {
    Expect([this, path] { return sched_.Add(path, 0); }, script, end, std::move(want));
  }

  // The sensor's values, so the second run starts where the first did.
  struct Snapshot {
    Value value, counter, label;
  };
  Snapshot Save() { return {*sensor_.Get(0, 0), *sensor_.Get(0, 1), *sensor_.Get(0, 2)}; }
  void Restore(const Snapshot& s) {
    sensor_.Set(0, 0, s.value);
    sensor_.Set(0, 1, s.counter);
    sensor_.Set(0, 2, s.label);
  }

  Registry reg_;
  SimpleObject sensor_{kObj,
                       true,
                       {{0, Operations::kRead, DataType::kFloat, false},
                        {1, Operations::kRead, DataType::kInteger, false},
                        {2, Operations::kRead, DataType::kString, false}}};
  ObserveScheduler sched_{reg_};
};

// --- no attributes ---------------------------------------------------------

TEST_F(ObserveTimingTest, WithoutAttributesEveryChangeAndNothingElse) {
  Expect(kValue, {{2, SetValue(6)}, {5, SetValue(7)}, {6, SetValue(7)}, {9, SetValue(5)}}, 100, {2, 5, 9});
}

TEST_F(ObserveTimingTest, WithoutChangesNothingIsEverSent) { Expect(kValue, {}, 1000, {}); }

// --- pmin --------------------------------------------------------------------

TEST_F(ObserveTimingTest, PminHoldsChangesBackUntilItPassed) {
  Attr(kValue, {"pmin=10"});
  // Changes at 3 and 4 go out together at 10; one at 15 waits for 20 (10 s
  // after the last notification); one at 35 goes at once.
  Expect(kValue, {{3, SetValue(6)}, {4, SetValue(7)}, {15, SetValue(8)}, {35, SetValue(9)}}, 100, {10, 20, 35});
}

TEST_F(ObserveTimingTest, PminAloneSendsNothingWithoutChange) {
  Attr(kValue, {"pmin=10"});
  Expect(kValue, {}, 200, {});
}

TEST_F(ObserveTimingTest, ChangeUndoneWithinPminIsNotSent) {
  Attr(kValue, {"pmin=10"});
  Expect(kValue, {{3, SetValue(9)}, {6, SetValue(5)}}, 100, {});
}

TEST_F(ObserveTimingTest, PminZeroIsNoLimit) {
  Attr(kValue, {"pmin=0"});
  Expect(kValue, {{1, SetValue(6)}, {2, SetValue(7)}}, 50, {1, 2});
}

// --- pmax --------------------------------------------------------------------

TEST_F(ObserveTimingTest, PmaxAloneIsPeriodic) {
  Attr(kValue, {"pmax=30"});
  Expect(kValue, {}, 100, {30, 60, 90});
}

TEST_F(ObserveTimingTest, PmaxRestartsAfterEveryNotification) {
  Attr(kValue, {"pmax=30"});
  Expect(kValue, {{40, SetValue(6)}}, 130, {30, 40, 70, 100, 130});
}

TEST_F(ObserveTimingTest, PmaxZeroMeansNoPeriodicNotification) {
  Attr(kValue, {"pmax=0"});
  Expect(kValue, {{7, SetValue(6)}}, 200, {7});
}

TEST_F(ObserveTimingTest, PminAndPmaxTogether) {
  Attr(kValue, {"pmin=5", "pmax=20"});
  // 2 -> held to 5; pmax at 25, 45; 47 -> held to 50; pmax at 70, 90.
  Expect(kValue, {{2, SetValue(6)}, {47, SetValue(7)}}, 95, {5, 25, 45, 50, 70, 90});
}

TEST_F(ObserveTimingTest, PminEqualToPmax) {
  Attr(kValue, {"pmin=10", "pmax=10"});
  Expect(kValue, {{3, SetValue(6)}}, 40, {10, 20, 30, 40});
}

TEST_F(ObserveTimingTest, InheritedPmaxBelowPminIsIgnored) {
  // One level cannot say pmin > pmax (Write-Attributes refuses it) ...
  EXPECT_EQ(reg_.WriteAttributes(kValue, std::vector<std::string>{"pmin=20", "pmax=5"}), CoapCode::kBadRequest);
  // ... but two levels can: pmin (the rate limit) wins and pmax is dropped.
  Attr(Path::Object(kObj), {"pmax=5"});
  Attr(kValue, {"pmin=20"});
  Expect(kValue, {{3, SetValue(6)}}, 100, {20});
}

// --- gt / lt -----------------------------------------------------------------

TEST_F(ObserveTimingTest, GreaterThanCrossingBothWays) {
  Attr(kValue, {"gt=10"});  // starts at 5
  Expect(kValue,
         {{1, SetValue(8)},      // below, below: no
          {2, SetValue(12)},     // up across: yes
          {3, SetValue(15)},     // above, above: no
          {4, SetValue(9)},      // down across: yes
          {5, SetValue(9.5)},    // no
          {6, SetValue(10.5)},   // up: yes
          {7, SetValue(10)}},    // 10 is not above 10: down across, yes
         50, {2, 4, 6, 7});
}

TEST_F(ObserveTimingTest, LessThanCrossingBothWays) {
  Attr(kValue, {"lt=0"});  // starts at 5
  Expect(kValue, {{1, SetValue(1)}, {2, SetValue(-1)}, {3, SetValue(-7)}, {4, SetValue(0.5)}, {5, SetValue(3)}}, 50,
         {2, 4});
}

TEST_F(ObserveTimingTest, GreaterAndLessThanBand) {
  Attr(kValue, {"lt=0", "gt=10"});  // starts at 5, inside the band
  Expect(kValue,
         {{1, SetValue(-1)},   // out below: yes
          {2, SetValue(5)},    // back in: yes
          {3, SetValue(9)},    // in: no
          {4, SetValue(11)},   // out above: yes
          {5, SetValue(-2)},   // above to below, crossing both: one notification
          {6, SetValue(-3)}},  // below: no
         50, {1, 2, 4, 5});
}

TEST_F(ObserveTimingTest, ThresholdCrossingWaitsForPmin) {
  Attr(kValue, {"gt=10", "pmin=10"});
  // Crossed at 3 and still crossed at 10: sent at 10 (12 is the value sent).
  // Crossed back at 14 (held to 20) and up again at 16: relative to 12
  // nothing crossed by 20, so nothing goes out.
  Expect(kValue, {{3, SetValue(12)}, {12, SetValue(13)}, {14, SetValue(9)}, {16, SetValue(13)}}, 60, {10});
}

TEST_F(ObserveTimingTest, ThresholdWithPmaxStillPeriodic) {
  Attr(kValue, {"gt=10", "pmax=30"});
  Expect(kValue, {{5, SetValue(6)}, {40, SetValue(11)}}, 100, {30, 40, 70, 100});
}

TEST_F(ObserveTimingTest, ThresholdsDoNotApplyToStrings) {
  // gt on a string resource cannot be judged: any change notifies.
  Attr(kLabel, {"gt=10"});
  Expect(kLabel, {{4, [this] { sensor_.Set(0, 2, std::string("walking")); }}}, 20, {4});
}

// --- st ----------------------------------------------------------------------

TEST_F(ObserveTimingTest, StepMeasuredFromLastNotifiedValue) {
  Attr(kValue, {"st=2"});  // starts at 5
  Expect(kValue,
         {{1, SetValue(6)},    // 1 from 5: no
          {2, SetValue(6.9)},  // 1.9 from 5: no
          {3, SetValue(7)},    // 2 from 5: yes (>= st)
          {4, SetValue(8)},    // 1 from 7: no
          {5, SetValue(5)},    // -2 from 7: yes
          {6, SetValue(4)}},   // 1 from 5: no
         50, {3, 5});
}

TEST_F(ObserveTimingTest, StepWithPmin) {
  Attr(kValue, {"st=2", "pmin=10"});
  Expect(kValue,
         {{3, SetValue(8)},      // step 3, held back to 10
          {12, SetValue(9)},     // 1 from 8: no
          {14, SetValue(10.5)},  // 2.5 from 8: held back to 20
          {22, SetValue(13)},    // 2.5 from 10.5, held back to 30 ...
          {25, SetValue(11)}},   // ... but only 0.5 from 10.5 by then: nothing at 30
         60, {10, 20});
}

TEST_F(ObserveTimingTest, StepWithGtEitherTriggers) {
  Attr(kValue, {"st=5", "gt=7"});  // starts at 5
  Expect(kValue, {{1, SetValue(7.5)}, {2, SetValue(8)}, {3, SetValue(13)}, {4, SetValue(14)}}, 20, {1, 3});
}

TEST_F(ObserveTimingTest, StepOnAnIntegerCounter) {
  Attr(kCounter, {"st=10"});  // a counter reported every 10 detections
  Script s;
  for (int i = 1; i <= 25; ++i) s[i] = SetCounter(i);
  Expect(kCounter, s, 30, {10, 20});
}

// --- inheritance and Server defaults ----------------------------------------

TEST_F(ObserveTimingTest, ObjectLevelPminInherited) {
  Attr(Path::Object(kObj), {"pmin=10"});
  Expect(kValue, {{2, SetValue(6)}}, 30, {10});
}

TEST_F(ObserveTimingTest, InstanceOverridesObject) {
  Attr(Path::Object(kObj), {"pmax=50"});
  Attr(Path::Instance(kObj, 0), {"pmax=20"});
  Expect(kValue, {}, 60, {20, 40, 60});
}

TEST_F(ObserveTimingTest, ResourceOverridesInstanceAndObject) {
  Attr(Path::Object(kObj), {"pmin=10", "gt=100"});
  Attr(Path::Instance(kObj, 0), {"pmin=20"});
  Attr(kValue, {"pmin=0"});
  // pmin 0 from the resource; gt=100 still inherited from the object.
  Expect(kValue, {{2, SetValue(50)}, {3, SetValue(101)}, {4, SetValue(99)}}, 30, {3, 4});
}

TEST_F(ObserveTimingTest, AttributesOnOtherResourcesDoNotApply) {
  Attr(kCounter, {"pmin=30", "pmax=40"});
  Expect(kValue, {{2, SetValue(6)}}, 100, {2});
}

TEST_F(ObserveTimingTest, ServerDefaultPeriods) {
  sched_.SetDefaultPeriods(5, 30);
  Expect(kValue, {{1, SetValue(6)}}, 70, {5, 35, 65});
}

TEST_F(ObserveTimingTest, AttributesOverrideServerDefaults) {
  sched_.SetDefaultPeriods(5, 30);
  Attr(Path::Instance(kObj, 0), {"pmax=10"});
  Attr(kValue, {"pmin=0"});
  Expect(kValue, {{3, SetValue(6)}}, 25, {3, 13, 23});
}

TEST_F(ObserveTimingTest, AttributesWrittenAfterObserveTakeEffect) {
  // No attributes at the start; pmax=10 written at 5 counts from the last
  // notification (the Observe response at 0).
  Expect(kValue, {{5, [this] { Attr(kValue, {"pmax=10"}); }}}, 30, {10, 20, 30});
}

TEST_F(ObserveTimingTest, InstanceObservationNotifiesOnAnyChange) {
  // st judges one numeric value; an instance observation compares all of it.
  Attr(Path::Instance(kObj, 0), {"st=100"});
  Expect(Path::Instance(kObj, 0), {{2, SetValue(5.5)}, {4, SetCounter(1)}}, 20, {2, 4});
}

TEST_F(ObserveTimingTest, InstanceObservationWithPmin) {
  Attr(Path::Instance(kObj, 0), {"pmin=10"});
  Expect(Path::Instance(kObj, 0), {{2, SetValue(6)}, {3, SetCounter(1)}, {12, SetCounter(2)}}, 40, {10, 20});
}

// --- Observe-Composite -------------------------------------------------------

TEST_F(ObserveTimingTest, CompositeNotifiesWhenAnyPathIsDue) {
  Attr(kValue, {"pmin=10"});
  auto start = [this] { return sched_.AddComposite({kValue, kCounter}, 0); };
  // Value change at 3 is held by its pmin; the counter at 5 has none and goes
  // at once, carrying the new value too, so nothing is left for 10.
  Expect(start, {{3, SetValue(6)}, {5, SetCounter(1)}}, 40, {5});
  // Without the counter the value change waits for its own pmin.
  Expect(start, {{3, SetValue(6)}}, 40, {10});
}

TEST_F(ObserveTimingTest, CompositeEarliestPmaxSetsTheRhythm) {
  Attr(kValue, {"pmax=30"});
  Attr(kCounter, {"pmax=50"});
  Expect([this] { return sched_.AddComposite({kValue, kCounter}, 0); }, {}, 100, {30, 60, 90});
}

TEST_F(ObserveTimingTest, CompositeJudgesEachPathByItsOwnAttributes) {
  Attr(kValue, {"st=5"});
  Attr(kCounter, {"gt=3"});
  Expect([this] { return sched_.AddComposite({kValue, kCounter}, 0); },
         {{1, SetValue(6)},      // st not reached
          {2, SetCounter(1)},    // gt not crossed
          {3, SetValue(10.5)},   // 5.5 from 5: yes
          {4, SetCounter(4)},    // crossed gt: yes
          {5, SetValue(12)}},    // 1.5 from 10.5: no
         20, {3, 4});
}

TEST_F(ObserveTimingTest, CompositeNeverBeforeSmallestPmin) {
  Attr(kValue, {"pmin=10"});
  Attr(kCounter, {"pmin=4"});
  Expect([this] { return sched_.AddComposite({kValue, kCounter}, 0); },
         {{1, SetValue(6)}, {2, SetCounter(1)}}, 30, {4});
}

TEST_F(ObserveTimingTest, CompositeInstanceAppearingAndVanishing) {
  const Path other = Path::Resource(kObj, 1, 0);  // instance 1 does not exist yet
  Expect(
      [this, other] { return sched_.AddComposite({kValue, other}, 0); },
      {{5, [this] { sensor_.Set(1, 0, 1.0); }},  // created: a change
       {9, [this] { ASSERT_EQ(reg_.Delete(Path::Instance(kObj, 1)), CoapCode::kDeleted); }}},
      20, {5, 9});
}

}  // namespace
}  // namespace lwcl::client
