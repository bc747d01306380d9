#include "train/raw_nearest_neighbour.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace lwcl::train {
namespace {

// "left" and "right": one swing on x, mirrored, over gravity on z; 20
// samples each, amplitude varying per recording. Spectral features see the
// same power in both; raw samples do not.
Dataset Mirrored(size_t per_class) {
  Dataset d;
  d.labels = {"left", "right"};
  for (size_t c = 0; c < 2; ++c) {
    for (size_t k = 0; k < per_class; ++k) {
      Recording r;
      r.label = d.labels[c];
      r.source = r.label + std::to_string(k);
      r.axes = {"x", "y", "z"};
      const float sign = c == 0 ? -1.0f : 1.0f;
      const float amp = 0.5f + 0.1f * static_cast<float>(k);
      for (int i = 0; i < 20; ++i) {
        const float swing = sign * amp * std::sin(6.2831853f * static_cast<float>(i) / 19.0f);
        r.samples.insert(r.samples.end(), {swing, 0.0f, 1.0f});
      }
      d.recordings.push_back(r);
    }
  }
  return d;
}

TEST(RawNearestNeighbourTest, TellsMirroredMotionsApartPerWindowAndPerRecording) {
  const Dataset d = Mirrored(4);
  // Recordings 0, 1 (left) and 4, 5 (right) are the reference; the rest the test.
  const WindowRef reference[] = {{0, 0}, {1, 0}, {4, 0}, {5, 0}};
  const int reference_labels[] = {0, 0, 1, 1};
  const size_t test_recordings[] = {2, 3, 6, 7};
  const WindowRef test[] = {{2, 0}, {3, 0}, {6, 0}, {7, 0}};
  const int test_labels[] = {0, 0, 1, 1};
  const NearestNeighbourResult r =
      RawNearestNeighbour(d, reference, reference_labels, test_recordings, test, test_labels, 20, 2);
  EXPECT_EQ(r.reference_windows, 4u);
  EXPECT_EQ(r.predicted, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_DOUBLE_EQ(r.window_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r.per_recording.float_accuracy, 1.0);
}

TEST(RawNearestNeighbourTest, AReferenceAboveTheLimitIsAnEvenSubsetOfIt) {
  const Dataset d = Mirrored(4);
  const WindowRef reference[] = {{0, 0}, {1, 0}, {4, 0}, {5, 0}};
  const int reference_labels[] = {0, 0, 1, 1};
  const size_t test_recordings[] = {3};
  const WindowRef test[] = {{3, 0}};
  const int test_labels[] = {0};
  NearestNeighbourOptions o;
  o.max_reference = 2;  // windows 0 and 2: one of each class
  const NearestNeighbourResult r =
      RawNearestNeighbour(d, reference, reference_labels, test_recordings, test, test_labels, 20, 2, o);
  EXPECT_EQ(r.reference_windows, 2u);
  EXPECT_EQ(r.predicted, (std::vector<int>{0}));
}

TEST(RawNearestNeighbourTest, RefusesAnEmptyReferenceAndMismatchedLabels) {
  const Dataset d = Mirrored(1);
  const WindowRef one[] = {{0, 0}};
  const int label[] = {0};
  const size_t recordings[] = {1};
  EXPECT_THROW(RawNearestNeighbour(d, {}, {}, recordings, one, label, 20, 2), std::invalid_argument);
  EXPECT_THROW(RawNearestNeighbour(d, one, {}, recordings, one, label, 20, 2), std::invalid_argument);
  NearestNeighbourOptions o;
  o.points = 1;
  EXPECT_THROW(RawNearestNeighbour(d, one, label, recordings, one, label, 20, 2, o), std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::train
