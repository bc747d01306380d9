#include "train/csv_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.h"
#include "train/dataset_loader.h"

namespace lwcl::train {
namespace {

namespace fs = std::filesystem;

using test_support::TempDir;

std::string ErrorOf(const std::string& text, const std::string& source,
                    CsvLoadOptions options = {}) {
  try {
    ParseCsvRecording(text, source, options);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "";
}

TEST(CsvLoaderTest, ParsesStHarRowsInMilliGWithRateFromFileName) {
  const Recording r = ParseCsvRecording("  156,  -589, -1294\n  161,  -588, -1273\r\n\n",
                                        "walking_01_26Hz_4g_mg.csv", {});
  EXPECT_FLOAT_EQ(r.sample_rate_hz, 26.0f);
  ASSERT_EQ(r.axes, (std::vector<std::string>{"x", "y", "z"}));
  ASSERT_EQ(r.SampleCount(), 2u);
  EXPECT_FLOAT_EQ(r.samples[0], 0.156f);
  EXPECT_FLOAT_EQ(r.samples[2], -1.294f);
  EXPECT_FLOAT_EQ(r.samples[4], -0.588f);
}

TEST(CsvLoaderTest, OptionsOverrideFileNameTokens) {
  CsvLoadOptions options;
  options.sample_rate_hz = 50.0f;
  options.units = Units::kG;
  const Recording r = ParseCsvRecording("1,2,3\n", "a_26Hz_mg.csv", options);
  EXPECT_FLOAT_EQ(r.sample_rate_hz, 50.0f);
  EXPECT_FLOAT_EQ(r.samples[1], 2.0f);
}

TEST(CsvLoaderTest, HeaderWithTimestampGivesAxesAndRate) {
  CsvLoadOptions options;
  options.units = Units::kMetersPerSecond2;
  const Recording r = ParseCsvRecording(
      "timestamp,accX,accY,accZ\n0,9.80665,0,0\n10,0,9.80665,0\n20,0,0,-9.80665\n", "ei.csv",
      options);
  EXPECT_EQ(r.axes, (std::vector<std::string>{"accX", "accY", "accZ"}));
  ASSERT_EQ(r.SampleCount(), 3u);
  EXPECT_NEAR(r.sample_rate_hz, 100.0f, 1e-3f);
  EXPECT_NEAR(r.samples[0], 1.0f, 1e-6f);
  EXPECT_NEAR(r.samples[4], 1.0f, 1e-6f);
  EXPECT_NEAR(r.samples[8], -1.0f, 1e-6f);
}

TEST(CsvLoaderTest, WrongColumnCountNamesFileAndLine) {
  const std::string error = ErrorOf("1,2,3\n4,5,6\n7,8\n", "dir/run_26Hz_mg.csv");
  EXPECT_NE(error.find("dir/run_26Hz_mg.csv:3:"), std::string::npos) << error;
  EXPECT_NE(error.find("expected 3 columns, found 2"), std::string::npos) << error;
}

TEST(CsvLoaderTest, NonNumericValueNamesFileLineAndColumn) {
  const std::string error = ErrorOf("1,2,3\n4,abc,6\n", "x_26Hz_mg.csv");
  EXPECT_NE(error.find("x_26Hz_mg.csv:2:"), std::string::npos) << error;
  EXPECT_NE(error.find("column 2 ('abc')"), std::string::npos) << error;
}

TEST(CsvLoaderTest, NonNumericFirstLineIsAnErrorWhenHeaderIsAbsent) {
  CsvLoadOptions options;
  options.header = CsvHeader::kAbsent;
  const std::string error = ErrorOf("a,b,c\n1,2,3\n", "x_26Hz_mg.csv", options);
  EXPECT_NE(error.find("x_26Hz_mg.csv:1:"), std::string::npos) << error;
}

TEST(CsvLoaderTest, UnknownUnitsOrRateAreErrorsNotGuesses) {
  EXPECT_NE(ErrorOf("1,2,3\n", "plain_26Hz.csv").find("units unknown"), std::string::npos);
  CsvLoadOptions options;
  options.units = Units::kG;
  EXPECT_NE(ErrorOf("1,2,3\n", "plain.csv", options).find("sample rate unknown"),
            std::string::npos);
  EXPECT_NE(ErrorOf("\n\n", "empty_26Hz_mg.csv").find("no samples"), std::string::npos);
}

TEST(CsvLoaderTest, FileNameTokens) {
  EXPECT_EQ(RateFromFileName("walking_01_26Hz_4g_mg.csv"), 26.0f);
  EXPECT_EQ(RateFromFileName("a_62.5hz.csv"), 62.5f);
  EXPECT_FALSE(RateFromFileName("walking_01.csv").has_value());
  EXPECT_EQ(UnitsFromFileName("walking_01_26Hz_4g_mg.csv"), Units::kMilliG);
  EXPECT_EQ(UnitsFromFileName("x_g.csv"), Units::kG);
  EXPECT_FALSE(UnitsFromFileName("x_4g.csv").has_value());
  EXPECT_EQ(ParseUnits("m/s^2"), Units::kMetersPerSecond2);
  EXPECT_FALSE(ParseUnits("furlongs").has_value());
}

TEST(CsvLoaderTest, LoadsClassFoldersInSortedOrder) {
  TempDir dir;
  dir.Write("walk/b_26Hz_mg.csv", "1,2,3\n4,5,6\n");
  dir.Write("walk/a_26Hz_mg.csv", "1,2,3\n");
  dir.Write("idle/x_26Hz_mg.csv", "0,0,1000\n");
  dir.Write("README.md", "not data");
  dir.Write("idle/notes.txt", "ignored");
  const Dataset d = LoadDataset(dir.path(), {});
  EXPECT_EQ(d.labels, (std::vector<std::string>{"idle", "walk"}));
  ASSERT_EQ(d.recordings.size(), 3u);
  EXPECT_EQ(d.recordings[0].label, "idle");
  EXPECT_EQ(fs::path(d.recordings[1].source).filename(), "a_26Hz_mg.csv");
  EXPECT_EQ(d.recordings[2].SampleCount(), 2u);
  EXPECT_EQ(d.RecordingsPerClass(), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(d.LabelIndex("walk"), 1);
  EXPECT_EQ(d.LabelIndex("run"), -1);
}

TEST(CsvLoaderTest, EmptyClassFolderIsAnError) {
  TempDir dir;
  dir.Write("walk/a_26Hz_mg.csv", "1,2,3\n");
  fs::create_directories(dir.path() / "run");
  try {
    LoadCsvDataset(dir.path(), {});
    FAIL() << "expected DatasetError";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("class 'run' has no CSV files"), std::string::npos)
        << e.what();
  }
}

TEST(CsvLoaderTest, MalformedFileInDatasetReportsItsPathAndLine) {
  TempDir dir;
  dir.Write("walk/a_26Hz_mg.csv", "1,2,3\n1,2,3\n1,2,x\n");
  try {
    LoadCsvDataset(dir.path(), {});
    FAIL() << "expected DatasetError";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("a_26Hz_mg.csv:3:"), std::string::npos) << e.what();
  }
}

TEST(CsvLoaderTest, MissingDirectoryAndMixedAxisCountsAreErrors) {
  TempDir dir;
  EXPECT_THROW(LoadCsvDataset(dir.path() / "nope", {}), DatasetError);
  EXPECT_THROW(LoadCsvDataset(dir.path(), {}), DatasetError);  // no class folders
  dir.Write("a/1_26Hz_mg.csv", "1,2,3\n");
  dir.Write("b/1_26Hz_mg.csv", "1,2\n");
  EXPECT_THROW(LoadCsvDataset(dir.path(), {}), DatasetError);
}

}  // namespace
}  // namespace lwcl::train
