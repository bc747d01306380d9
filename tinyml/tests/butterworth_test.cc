// Butterworth design and SOS filtering against scipy (golden values generated
// by golden/make_butterworth_golden.py; scipy is not needed to run this).
#include "tinyml/dsp/butterworth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "golden/butterworth_golden.h"

namespace lwcl::tinyml {
namespace {

TEST(ButterworthTest, DesignMatchesScipySos) {
  for (const golden::ButterCase& g : golden::kButterCases) {
    ButterworthSos sos;
    ASSERT_EQ(DesignButterworth(g.high ? FilterType::kHighPass : FilterType::kLowPass, static_cast<uint8_t>(g.order),
                                static_cast<float>(g.cutoff_hz), static_cast<float>(g.fs_hz), &sos),
              Status::kOk);
    ASSERT_EQ(sos.count, g.order / 2);
    for (int s = 0; s < sos.count; ++s) {
      const double* row = g.sos + 6 * s;
      const Biquad& q = sos.sections[s];
      const double b[3] = {q.b0, q.b1, q.b2};
      for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(b[i], row[i], 2e-5 * std::fabs(row[i]) + 1e-12)
            << "order " << g.order << " fc " << g.cutoff_hz << " section " << s << " b" << i;
      }
      EXPECT_DOUBLE_EQ(row[3], 1.0);
      EXPECT_NEAR(q.a1, row[4], 2e-6) << "order " << g.order << " section " << s;
      EXPECT_NEAR(q.a2, row[5], 2e-6) << "order " << g.order << " section " << s;
    }
  }
}

TEST(ButterworthTest, FilterMatchesScipySosfilt) {
  for (const golden::ButterCase& g : golden::kButterCases) {
    ButterworthSos sos;
    ASSERT_EQ(DesignButterworth(g.high ? FilterType::kHighPass : FilterType::kLowPass, static_cast<uint8_t>(g.order),
                                static_cast<float>(g.cutoff_hz), static_cast<float>(g.fs_hz), &sos),
              Status::kOk);
    std::vector<float> x(g.input, g.input + g.n);
    SosFilterZeroState(sos, Span<float>(x.data(), x.size()));
    double peak = 0;
    for (size_t i = 0; i < g.n; ++i) peak = std::max(peak, std::fabs(g.output[i]));
    for (size_t i = 0; i < g.n; ++i) {
      EXPECT_NEAR(x[i], g.output[i], 2e-4 * peak) << "order " << g.order << " fc " << g.cutoff_hz << " sample " << i;
    }
  }
}

// Overall gain of the cascade at z = 1 (DC) or z = -1 (Nyquist).
double GainAt(const ButterworthSos& sos, double z) {
  double g = 1;
  for (int s = 0; s < sos.count; ++s) {
    const Biquad& q = sos.sections[s];
    const double b0 = q.b0, b1 = q.b1, b2 = q.b2, a1 = q.a1, a2 = q.a2;
    g *= (b0 + b1 * z + b2 * z * z) / (1 + a1 * z + a2 * z * z);
  }
  return g;
}

TEST(ButterworthTest, PassbandGainIsOneAndStopbandGainIsZero) {
  for (uint8_t order = 2; order <= 8; order += 2) {
    ButterworthSos lp, hp;
    ASSERT_EQ(DesignButterworth(FilterType::kLowPass, order, 4.0f, 26.0f, &lp), Status::kOk);
    ASSERT_EQ(DesignButterworth(FilterType::kHighPass, order, 4.0f, 26.0f, &hp), Status::kOk);
    EXPECT_NEAR(GainAt(lp, 1.0), 1.0, 1e-4);
    EXPECT_NEAR(GainAt(lp, -1.0), 0.0, 1e-6);
    EXPECT_NEAR(GainAt(hp, -1.0), 1.0, 1e-4);
    EXPECT_NEAR(GainAt(hp, 1.0), 0.0, 1e-6);
  }
}

TEST(ButterworthTest, RejectsInvalidDesigns) {
  ButterworthSos sos;
  EXPECT_EQ(DesignButterworth(FilterType::kNone, 4, 3.0f, 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kLowPass, 3, 3.0f, 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kLowPass, 0, 3.0f, 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kLowPass, 10, 3.0f, 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kLowPass, 4, 13.0f, 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kHighPass, 4, 0.0f, 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kHighPass, 4, 1.0f, 0.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(DesignButterworth(FilterType::kHighPass, 4, std::nanf(""), 26.0f, &sos), Status::kInvalidArgument);
  EXPECT_EQ(sos.count, 0);
  EXPECT_EQ(DesignButterworth(FilterType::kHighPass, 4, 1.0f, 26.0f, nullptr), Status::kInvalidArgument);
}

TEST(ButterworthTest, StateCarriesAcrossCalls) {
  ButterworthSos sos;
  ASSERT_EQ(DesignButterworth(FilterType::kLowPass, 6, 5.0f, 50.0f, &sos), Status::kOk);
  const golden::ButterCase& g = golden::kButterCases[0];
  std::vector<float> whole(g.input, g.input + g.n);
  std::vector<float> parts = whole;
  SosFilterZeroState(sos, Span<float>(whole.data(), whole.size()));
  float state[8] = {};
  const Span<const Biquad> sections(sos.sections, sos.count);
  SosFilter(sections, Span<float>(state), Span<float>(parts.data(), 40));
  SosFilter(sections, Span<float>(state), Span<float>(parts.data() + 40, parts.size() - 40));
  for (size_t i = 0; i < whole.size(); ++i) EXPECT_FLOAT_EQ(parts[i], whole[i]) << i;
}

}  // namespace
}  // namespace lwcl::tinyml
