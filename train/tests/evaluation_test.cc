#include "train/evaluation.h"

#include <gtest/gtest.h>

namespace lwcl::train {
namespace {

TEST(EvaluationTest, MetricsOfAKnownConfusionMatrix) {
  // rows = truth, columns = prediction:
  //        a  b  c
  //   a  [ 5  1  0 ]
  //   b  [ 2  3  1 ]
  //   c  [ 0  0  4 ]
  ConfusionMatrix m(3);
  m.counts = {5, 1, 0, 2, 3, 1, 0, 0, 4};
  const Metrics x = ComputeMetrics(m);
  EXPECT_DOUBLE_EQ(x.accuracy, 12.0 / 16.0);
  EXPECT_DOUBLE_EQ(x.per_class[0].precision, 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(x.per_class[0].recall, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(x.per_class[1].precision, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(x.per_class[1].recall, 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(x.per_class[2].precision, 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(x.per_class[2].recall, 1.0);
  EXPECT_EQ(x.per_class[1].support, 6u);
  const double f1a = 2.0 * (5.0 / 7.0) * (5.0 / 6.0) / (5.0 / 7.0 + 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(x.per_class[0].f1, f1a);
  const double f1b = 2.0 * 0.75 * 0.5 / 1.25;
  const double f1c = 2.0 * 0.8 / 1.8;
  EXPECT_NEAR(x.macro_f1, (f1a + f1b + f1c) / 3.0, 1e-12);
}

TEST(EvaluationTest, ConfuseCountsTrueRowsAndPredictedColumns) {
  const std::vector<int> truth = {0, 0, 1, 2, 2};
  const std::vector<int> pred = {0, 1, 1, 2, 0};
  const ConfusionMatrix m = Confuse(truth, pred, 3);
  EXPECT_EQ(m.at(0, 0), 1u);
  EXPECT_EQ(m.at(0, 1), 1u);
  EXPECT_EQ(m.at(2, 0), 1u);
  EXPECT_EQ(m.at(0, 2), 0u);
  EXPECT_EQ(m.Total(), 5u);
  const std::vector<int> bad = {3, 0, 0, 0, 0};
  EXPECT_THROW(Confuse(truth, bad, 3), std::invalid_argument);
}

TEST(EvaluationTest, NeverPredictedAndAbsentClassesScoreZeroNotNan) {
  ConfusionMatrix m(3);
  m.counts = {4, 0, 0, 2, 0, 0, 0, 0, 0};  // b never predicted, c never occurs
  const Metrics x = ComputeMetrics(m);
  EXPECT_DOUBLE_EQ(x.per_class[1].precision, 0.0);
  EXPECT_DOUBLE_EQ(x.per_class[1].f1, 0.0);
  EXPECT_DOUBLE_EQ(x.per_class[2].recall, 0.0);
  EXPECT_EQ(x.per_class[2].support, 0u);
  // Macro F1 averages only the classes that occur.
  EXPECT_NEAR(x.macro_f1, (2.0 * (4.0 / 6.0) / (1.0 + 4.0 / 6.0)) / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(ComputeMetrics(ConfusionMatrix(2)).accuracy, 0.0);
}

TEST(EvaluationTest, Agreement) {
  const std::vector<int> a = {0, 1, 2, 2};
  const std::vector<int> b = {0, 1, 1, 2};
  EXPECT_DOUBLE_EQ(Agreement(a, b), 0.75);
  EXPECT_DOUBLE_EQ(Agreement({}, {}), 1.0);
  EXPECT_THROW(Agreement(a, std::vector<int>{0}), std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::train
