#include "lwm2m/attributes.h"

#include <gtest/gtest.h>

namespace lwcl::lwm2m {
namespace {

NotificationAttributes Apply(std::vector<std::string> q, NotificationAttributes a = {}) {
  const auto e = ApplyAttributeQueries(q, &a);
  EXPECT_FALSE(e.has_value()) << (e ? e->message : "");
  return a;
}

std::string ErrorOf(const NotificationAttributes& a) {
  const auto e = ValidateAttributes(a);
  return e ? e->message : "";
}

TEST(AttributesTest, AppliesSetsAndClears) {
  NotificationAttributes a = Apply({"pmin=10", "pmax=60", "gt=20.5", "lt=-3", "st=0.5", "epmin=1", "epmax=5"});
  EXPECT_EQ(a.pmin, 10);
  EXPECT_EQ(a.pmax, 60);
  EXPECT_EQ(a.gt, 20.5);
  EXPECT_EQ(a.lt, -3.0);
  EXPECT_EQ(a.st, 0.5);
  EXPECT_EQ(a.epmin, 1);
  EXPECT_EQ(a.epmax, 5);
  a = Apply({"st", "pmax", "gt=21"}, a);
  EXPECT_FALSE(a.st.has_value());
  EXPECT_FALSE(a.pmax.has_value());
  EXPECT_EQ(a.gt, 21.0);
  EXPECT_EQ(a.pmin, 10);
  EXPECT_TRUE(Apply({}).Empty());
}

TEST(AttributesTest, RejectsBadQueriesWithoutPartialEffect) {
  struct Bad {
    std::vector<std::string> q;
    size_t index;
  } cases[] = {
      {{"pmin=10", "pmax=-1"}, 1}, {{"pmin=1.5"}, 0}, {{"pmin="}, 0},   {{"gt=abc"}, 0},
      {{"gt=inf"}, 0},             {{"dim=2"}, 0},    {{"pmin=10", "foo"}, 1}, {{"=5"}, 0},
      {{"pmin=99999999999999999999"}, 0},
  };
  for (const Bad& b : cases) {
    NotificationAttributes a;
    a.pmin = 3;
    const auto e = ApplyAttributeQueries(b.q, &a);
    ASSERT_TRUE(e.has_value()) << b.q.back();
    EXPECT_EQ(e->offset, b.index) << b.q.back();
    EXPECT_EQ(a.pmin, 3);  // untouched
    EXPECT_FALSE(a.pmax.has_value());
  }
  NotificationAttributes a;
  EXPECT_NE(ApplyAttributeQueries(std::vector<std::string>{"pmax=-1"}, &a)->message.find("pmax"), std::string::npos);
}

TEST(AttributesTest, ValidatesCombinationsAndNamesTheCulprit) {
  NotificationAttributes a;
  EXPECT_EQ(ErrorOf(a), "");
  a.pmin = 10;
  a.pmax = 10;
  EXPECT_EQ(ErrorOf(a), "");
  a.pmax = 9;
  EXPECT_NE(ErrorOf(a).find("pmin"), std::string::npos);
  a.pmax = 0;  // 0: no maximum period
  EXPECT_EQ(ErrorOf(a), "");
  a = {};
  a.epmin = 5;
  a.epmax = 4;
  EXPECT_NE(ErrorOf(a).find("epmin"), std::string::npos);
  a = {};
  a.lt = 10;
  a.gt = 10;
  EXPECT_NE(ErrorOf(a).find("lt must be less than gt"), std::string::npos);
  a.gt = 20;
  EXPECT_EQ(ErrorOf(a), "");
  a.st = 5;  // 10 + 10 < 20 fails
  EXPECT_NE(ErrorOf(a).find("2*st"), std::string::npos);
  a.st = 4.9;
  EXPECT_EQ(ErrorOf(a), "");
  a.st = 0;
  EXPECT_NE(ErrorOf(a).find("st"), std::string::npos);
  a = {};
  a.pmin = -1;
  EXPECT_NE(ErrorOf(a).find("pmin"), std::string::npos);
  a = {};
  a.st = 100;  // st alone, or with only one threshold, has no ordering rule
  a.gt = 1;
  EXPECT_EQ(ErrorOf(a), "");
}

TEST(AttributesTest, MergesMostSpecificFirstThenServerDefaults) {
  NotificationAttributes object, instance, resource;
  object.pmin = 1;
  object.pmax = 100;
  object.gt = 5;
  instance.pmin = 2;
  resource.gt = 7;
  resource.st = 1;
  const NotificationAttributes* levels[] = {&object, &instance, nullptr, &resource};
  const NotificationAttributes m = MergeAttributes(levels, 30, 300);
  EXPECT_EQ(m.pmin, 2);
  EXPECT_EQ(m.pmax, 100);
  EXPECT_EQ(m.gt, 7.0);
  EXPECT_EQ(m.st, 1.0);
  EXPECT_FALSE(m.lt.has_value());
  const NotificationAttributes* only_resource[] = {&resource};
  const NotificationAttributes d = MergeAttributes(only_resource, 30, 300);
  EXPECT_EQ(d.pmin, 30);
  EXPECT_EQ(d.pmax, 300);
  EXPECT_FALSE(MergeAttributes(only_resource).pmin.has_value());
}

TEST(AttributesTest, EmitsLinkAttributesInSpecOrder) {
  const NotificationAttributes a = Apply({"st=0.5", "gt=20.5", "pmax=60", "pmin=10", "epmax=9"});
  Link l = LinkTo(Path::Resource(3303, 0, 5700));
  l.attributes = ToLinkAttributes(a);
  EXPECT_EQ(FormatLinkFormat(std::vector<Link>{l}), "</3303/0/5700>;pmin=10;pmax=60;gt=20.5;st=0.5;epmax=9");
  EXPECT_TRUE(ToLinkAttributes({}).empty());
}

// --- DecideNotify: every case as numbers, no clock. ---

TEST(DecideNotifyTest, AnyChangeWithoutAttributes) {
  const NotificationAttributes none;
  EXPECT_TRUE(DecideNotify(none, int64_t{1}, 0, int64_t{2}, 0).notify);
  const NotifyDecision same = DecideNotify(none, int64_t{1}, 0, int64_t{1}, 1000);
  EXPECT_FALSE(same.notify);
  EXPECT_FALSE(same.wake_at.has_value());  // nothing but a change can trigger
  EXPECT_TRUE(DecideNotify(none, std::string("a"), 0, std::string("b"), 0).notify);
  EXPECT_TRUE(DecideNotify(none, int64_t{1}, 0, 1.0, 0).notify);  // a type change is a change
}

TEST(DecideNotifyTest, PminHoldsChangesBack) {
  NotificationAttributes a;
  a.pmin = 10;
  for (const double now : {100.0, 105.0, 109.999}) {
    const NotifyDecision d = DecideNotify(a, int64_t{1}, 100, int64_t{2}, now);
    EXPECT_FALSE(d.notify) << now;
    EXPECT_EQ(d.wake_at, 110.0) << now;
  }
  EXPECT_TRUE(DecideNotify(a, int64_t{1}, 100, int64_t{2}, 110).notify);
  EXPECT_TRUE(DecideNotify(a, int64_t{1}, 100, int64_t{2}, 500).notify);
  // No change: pmin alone never fires.
  EXPECT_FALSE(DecideNotify(a, int64_t{1}, 100, int64_t{1}, 500).notify);
}

TEST(DecideNotifyTest, PmaxForcesNotificationsWithoutChange) {
  NotificationAttributes a;
  a.pmin = 5;
  a.pmax = 60;
  NotifyDecision d = DecideNotify(a, int64_t{7}, 0, int64_t{7}, 59);
  EXPECT_FALSE(d.notify);
  EXPECT_EQ(d.wake_at, 60.0);
  d = DecideNotify(a, int64_t{7}, 0, int64_t{7}, 60);
  EXPECT_TRUE(d.notify);
  EXPECT_EQ(d.wake_at, 120.0);  // next pmax deadline from now
  d = DecideNotify(a, int64_t{7}, 0, int64_t{7}, 75);  // scheduler was late
  EXPECT_TRUE(d.notify);
  EXPECT_EQ(d.wake_at, 135.0);
  // A change after pmin fires before pmax and re-arms pmax from now.
  d = DecideNotify(a, int64_t{7}, 0, int64_t{8}, 30);
  EXPECT_TRUE(d.notify);
  EXPECT_EQ(d.wake_at, 90.0);
  // pmax 0 means no periodic notifications.
  a.pmax = 0;
  d = DecideNotify(a, int64_t{7}, 0, int64_t{7}, 1e9);
  EXPECT_FALSE(d.notify);
  EXPECT_FALSE(d.wake_at.has_value());
}

TEST(DecideNotifyTest, PmaxFiresEvenWhenPminLonger) {
  // Unvalidated pmin > pmax: pmax still wins (the spec's invariant is the
  // caller's to enforce via ValidateAttributes).
  NotificationAttributes a;
  a.pmin = 100;
  a.pmax = 10;
  EXPECT_TRUE(DecideNotify(a, int64_t{1}, 0, int64_t{1}, 10).notify);
}

TEST(DecideNotifyTest, GreaterThanFiresOnCrossingEitherWay) {
  NotificationAttributes a;
  a.gt = 20;
  struct Case {
    double last, cur;
    bool notify;
  } cases[] = {
      {19, 21, true},  {21, 19, true},   {19, 20, false},  // 20 is not above 20
      {20, 20.5, true}, {21, 30, false}, {10, 19.9, false}, {30, 20, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DecideNotify(a, c.last, 0, c.cur, 0).notify, c.notify) << c.last << " -> " << c.cur;
  }
}

TEST(DecideNotifyTest, LessThanFiresOnCrossingEitherWay) {
  NotificationAttributes a;
  a.lt = 0;
  struct Case {
    double last, cur;
    bool notify;
  } cases[] = {{1, -1, true}, {-1, 1, true}, {1, 0, false}, {-1, -5, false}, {0, -0.1, true}, {5, 3, false}};
  for (const Case& c : cases) {
    EXPECT_EQ(DecideNotify(a, c.last, 0, c.cur, 0).notify, c.notify) << c.last << " -> " << c.cur;
  }
}

TEST(DecideNotifyTest, StepMeasuresFromLastNotifiedValue) {
  NotificationAttributes a;
  a.st = 2;
  struct Case {
    double last, cur;
    bool notify;
  } cases[] = {{10, 11.9, false}, {10, 12, true}, {10, 8, true}, {10, 8.5, false}, {10, 10, false}, {10, 100, true}};
  for (const Case& c : cases) {
    EXPECT_EQ(DecideNotify(a, c.last, 0, c.cur, 0).notify, c.notify) << c.last << " -> " << c.cur;
  }
  // Integers and floats mix; small changes on integers too.
  EXPECT_FALSE(DecideNotify(a, int64_t{10}, 0, int64_t{11}, 0).notify);
  EXPECT_TRUE(DecideNotify(a, int64_t{10}, 0, 12.5, 0).notify);
  EXPECT_TRUE(DecideNotify(a, uint64_t{10}, 0, uint64_t{13}, 0).notify);
}

TEST(DecideNotifyTest, ConditionsCombineWithOrAndRespectPmin) {
  NotificationAttributes a;
  a.lt = 0;
  a.gt = 100;
  a.st = 10;
  a.pmin = 5;
  a.pmax = 50;
  EXPECT_FALSE(DecideNotify(a, 50.0, 0, 55.0, 10).notify);  // inside band, small step
  EXPECT_TRUE(DecideNotify(a, 50.0, 0, 61.0, 10).notify);   // step
  EXPECT_TRUE(DecideNotify(a, 95.0, 0, 101.0, 10).notify);  // gt crossing (step only 6)
  EXPECT_TRUE(DecideNotify(a, 5.0, 0, -1.0, 10).notify);    // lt crossing
  const NotifyDecision held = DecideNotify(a, 95.0, 0, 101.0, 3);
  EXPECT_FALSE(held.notify);
  EXPECT_EQ(held.wake_at, 5.0);
  const NotifyDecision quiet = DecideNotify(a, 50.0, 0, 55.0, 3);
  EXPECT_FALSE(quiet.notify);
  EXPECT_EQ(quiet.wake_at, 50.0);
  EXPECT_TRUE(DecideNotify(a, 50.0, 0, 55.0, 50).notify);  // pmax regardless
}

TEST(DecideNotifyTest, ThresholdsIgnoredForNonNumericValues) {
  NotificationAttributes a;
  a.gt = 1;
  EXPECT_TRUE(DecideNotify(a, std::string("x"), 0, std::string("y"), 0).notify);
  EXPECT_FALSE(DecideNotify(a, std::string("x"), 0, std::string("x"), 0).notify);
  EXPECT_TRUE(DecideNotify(a, false, 0, true, 0).notify);
}

TEST(DecideNotifyTest, PatternCounterEveryDetectionOrPeriodic) {
  // DESIGN.md's operator choices for /33650/x/2001 (Detector Counter).
  NotificationAttributes every;  // every detection
  EXPECT_TRUE(DecideNotify(every, int64_t{4}, 0, int64_t{5}, 0.2).notify);
  NotificationAttributes hourly;  // a counter once an hour
  hourly.pmin = 3600;
  hourly.pmax = 3600;
  NotifyDecision d = DecideNotify(hourly, int64_t{4}, 0, int64_t{9}, 1800);
  EXPECT_FALSE(d.notify);
  EXPECT_EQ(d.wake_at, 3600.0);
  d = DecideNotify(hourly, int64_t{4}, 0, int64_t{9}, 3600);
  EXPECT_TRUE(d.notify);
  EXPECT_EQ(d.wake_at, 7200.0);
  NotificationAttributes threshold;  // only past 100 detections
  threshold.gt = 100;
  EXPECT_FALSE(DecideNotify(threshold, int64_t{50}, 0, int64_t{99}, 1).notify);
  EXPECT_TRUE(DecideNotify(threshold, int64_t{99}, 0, int64_t{101}, 1).notify);
}

}  // namespace
}  // namespace lwcl::lwm2m
