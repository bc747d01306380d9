#include "train/html_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "train/feature_extraction.h"
#include "train/rng.h"

namespace lwcl::train {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Two classes whose names and file paths need escaping: still (gravity and
// noise) and a 2 Hz sway, 6 recordings each at 26 Hz in g.
Dataset HostileNames() {
  Dataset d;
  d.labels = {"<still>", "sway & 'go' \"now\""};
  Rng rng(5);
  for (size_t c = 0; c < d.labels.size(); ++c) {
    for (int k = 0; k < 6; ++k) {
      Recording r;
      r.source = "data/<" + std::to_string(c) + ">&rec" + std::to_string(k) + ".csv";
      r.label = d.labels[c];
      r.sample_rate_hz = 26.0f;
      r.axes = {"x", "y", "z"};
      const float amp = c == 0 ? 0.0f : 0.4f;
      for (int i = 0; i < 160; ++i) {
        const float t = static_cast<float>(i) / 26.0f;
        for (int a = 0; a < 3; ++a) {
          const float wave = amp * std::sin(2.0f * 3.14159265f * 2.0f * t + static_cast<float>(a));
          r.samples.push_back((a == 2 ? 1.0f : 0.0f) + wave + rng.Uniform(-0.03f, 0.03f));
        }
      }
      d.recordings.push_back(std::move(r));
    }
  }
  return d;
}

class HtmlReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dataset_ = new Dataset(HostileNames());
    options_ = new TrainingOptions();
    options_->mlp.max_epochs = 15;
    options_->mlp.patience = 5;
    run_ = new TrainingRun(RunTraining(*dataset_, *options_));
    html_ = new std::string(TrainingReportHtml(*dataset_, *options_, *run_));
  }
  static void TearDownTestSuite() {
    delete html_;
    delete run_;
    delete options_;
    delete dataset_;
  }
  static Dataset* dataset_;
  static TrainingOptions* options_;
  static TrainingRun* run_;
  static std::string* html_;
};

Dataset* HtmlReportTest::dataset_ = nullptr;
TrainingOptions* HtmlReportTest::options_ = nullptr;
TrainingRun* HtmlReportTest::run_ = nullptr;
std::string* HtmlReportTest::html_ = nullptr;

TEST_F(HtmlReportTest, RunKeepsHistoryAndTrainingFeatures) {
  EXPECT_EQ(run_->history.size(), static_cast<size_t>(run_->epochs_run));
  ASSERT_FALSE(run_->history.empty());
  EXPECT_EQ(run_->history.front().epoch, 1);
  EXPECT_EQ(run_->train_features.rows(), run_->train.windows.size());
  EXPECT_EQ(run_->train_features.labels, run_->train.truth);
}

TEST_F(HtmlReportTest, IsOneSelfContainedPage) {
  const std::string& h = *html_;
  EXPECT_EQ(h.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(Count(h, "<html"), 1u);
  EXPECT_NE(h.find("</html>"), std::string::npos);
  const std::string lower = Lower(h);
  EXPECT_EQ(lower.find("http"), std::string::npos) << "no external references";
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("<link"), std::string::npos);
  EXPECT_EQ(lower.find("@import"), std::string::npos);
  EXPECT_EQ(lower.find("url("), std::string::npos);
}

TEST_F(HtmlReportTest, OneSvgPerChart) {
  const std::string& h = *html_;
  // Two learning curves, then one box plot per shown feature.
  const size_t features = std::min(run_->train_features.dim, kHtmlReportMaxFeatures);
  EXPECT_EQ(Count(h, "<svg"), 2u + features);
  EXPECT_EQ(Count(h, "</svg>"), Count(h, "<svg"));
  EXPECT_GE(Count(h, "<polyline"), 3u);  // train loss, validation loss, accuracy
}

TEST_F(HtmlReportTest, EscapesEveryLabelAndPath) {
  const std::string& h = *html_;
  for (const std::string& label : dataset_->labels) {
    EXPECT_NE(h.find(HtmlEscape(label)), std::string::npos) << label;
  }
  EXPECT_EQ(h.find("<still>"), std::string::npos);
  EXPECT_EQ(h.find("'go'"), std::string::npos);
  EXPECT_EQ(h.find("\"now\""), std::string::npos);
  EXPECT_EQ(h.find(">&rec"), std::string::npos);
  for (size_t r : run_->test.recordings) {
    EXPECT_NE(h.find(HtmlEscape(dataset_->recordings[r].source)), std::string::npos);
  }
}

TEST_F(HtmlReportTest, ShowsBothConfusionMatricesWithTheirCounts) {
  const std::string& h = *html_;
  const size_t classes = dataset_->labels.size();
  EXPECT_EQ(Count(h, "<td class=\"cell\""), 2 * classes * classes);
  for (const ConfusionMatrix* m :
       {&run_->test.int8_metrics.confusion, &run_->test.float_metrics.confusion}) {
    ASSERT_EQ(m->classes, classes);
    for (uint32_t n : m->counts) {
      EXPECT_NE(h.find("<b>" + std::to_string(n) + "</b>"), std::string::npos) << n;
    }
  }
}

TEST(HtmlEscapeTest, ReplacesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(SpectralFeatureNamesTest, NamesEveryFeatureOfTheDefaultBlock) {
  const tinyml::SpectralConfig config = DefaultMotionConfig();
  const std::vector<std::string> names = SpectralFeatureNames(config, {"x", "y", "z"});
  ASSERT_EQ(names.size(), 39u);
  EXPECT_EQ(names[0], "x rms");
  EXPECT_EQ(names[4], "x spectral kurtosis");
  EXPECT_EQ(names[5], "x 1.62 Hz");  // bin 1 of 16 at 26 Hz = 1.625 Hz
  EXPECT_EQ(names[12], "x 13 Hz");   // bin 8 = Nyquist
  EXPECT_EQ(names[13], "y rms");
  EXPECT_EQ(SpectralFeatureNames(config, {})[13], "axis1 rms");
  tinyml::SpectralConfig bad = config;
  bad.fft_length = 15;
  EXPECT_TRUE(SpectralFeatureNames(bad, {}).empty());
}

}  // namespace
}  // namespace lwcl::train
