// LwCL's own recording format: JSON and CBOR round trips, refusals that name
// the file, and a folder of recordings read as a dataset.
#include "train/recording_format.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "train/dataset_loader.h"

namespace lwcl::train {
namespace {

namespace fs = std::filesystem;

Recording Sample(const std::string& label, float offset) {
  Recording r;
  r.label = label;
  r.category = "training";
  r.sample_rate_hz = 26.0f;
  r.axes = {"x", "y", "z", "gyrX"};
  r.axis_units = {"g", "g", "g", "dps"};
  for (int i = 0; i < 30; ++i) {
    const float t = static_cast<float>(i);
    r.samples.insert(r.samples.end(), {offset + 0.25f * t, -0.5f, 1.0f, 3.0f * t});
  }
  return r;
}

TEST(RecordingFormatTest, JsonAndCborRoundTripExactly) {
  const Recording r = Sample("walking", 0.125f);
  const RecordingMeta meta{"urn:dev:ops:1", "2025-07-10T12:00:00Z"};
  for (RecordingEncoding enc : {RecordingEncoding::kJson, RecordingEncoding::kCbor}) {
    const std::vector<uint8_t> bytes = EncodeRecording(r, enc, meta);
    const fs::path file = fs::temp_directory_path() /
                          (enc == RecordingEncoding::kCbor ? "lwcl_rt.cbor" : "lwcl_rt.json");
    WriteRecordingFile(file, r, meta);
    RecordingMeta read_meta;
    const Recording back = LoadRecordingFile(file, &read_meta);
    fs::remove(file);
    EXPECT_EQ(back.label, r.label);
    EXPECT_EQ(back.category, r.category);
    EXPECT_EQ(back.axes, r.axes);
    EXPECT_EQ(back.axis_units, r.axis_units);
    EXPECT_EQ(back.samples, r.samples);
    EXPECT_FLOAT_EQ(back.sample_rate_hz, r.sample_rate_hz);
    EXPECT_EQ(read_meta.device, meta.device);
    EXPECT_EQ(read_meta.time, meta.time);
    EXPECT_FALSE(bytes.empty());
  }
  const nlohmann::json doc = RecordingToJson(r);
  EXPECT_EQ(doc["format"], "lwcl-recording");
  EXPECT_EQ(doc["version"], 1);
}

TEST(RecordingFormatTest, AccelerometerUnitsAreReadAsG) {
  nlohmann::json doc = RecordingToJson(Sample("a", 0.0f));
  doc["axes"][0]["units"] = "mg";
  doc["values"][0][0] = 500.0;
  const Recording r = RecordingFromJson(doc, "mem");
  EXPECT_FLOAT_EQ(r.samples[0], 0.5f);
  EXPECT_EQ(r.axis_units[0], "g");
}

TEST(RecordingFormatTest, RefusalsNameTheSource) {
  const nlohmann::json good = RecordingToJson(Sample("a", 0.0f));
  const auto expect_error = [](const nlohmann::json& doc, const std::string& needle) {
    try {
      RecordingFromJson(doc, "dev/rec7.json");
      ADD_FAILURE() << "no error for " << needle;
    } catch (const DatasetError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("dev/rec7.json: ", 0), 0u) << what;
      EXPECT_NE(what.find(needle), std::string::npos) << what;
    }
  };
  nlohmann::json d = good;
  d["format"] = "other";
  expect_error(d, "not an LwCL recording");
  d = good;
  d["version"] = 2;
  expect_error(d, "version 2");
  d = good;
  d.erase("rate_hz");
  expect_error(d, "rate_hz");
  d = good;
  d.erase("axes");
  expect_error(d, "axes");
  d = good;
  d["values"][3] = {1.0, 2.0};
  expect_error(d, "values[3] has 2 values");
  d = good;
  d["values"][1][2] = "x";
  expect_error(d, "values[1][2] (z) is not a number");
}

TEST(RecordingFormatTest, FolderOfRecordingsIsADataset) {
  const fs::path dir = fs::temp_directory_path() / "lwcl_rec_folder_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "device-a");
  WriteRecordingFile(dir / "device-a" / "1.json", Sample("walking", 0.0f));
  WriteRecordingFile(dir / "device-a" / "2.cbor", Sample("idle", 1.0f));
  Recording unlabelled = Sample("", 2.0f);
  unlabelled.category.clear();
  WriteRecordingFile(dir / "3.json", unlabelled);
  EXPECT_EQ(DetectDatasetFormat(dir), DatasetFormat::kLwclRecordings);
  const Dataset d = LoadDataset(dir, {});
  fs::remove_all(dir);
  EXPECT_EQ(d.labels, (std::vector<std::string>{"idle", "walking"}));
  ASSERT_EQ(d.recordings.size(), 3u);
  EXPECT_EQ(d.UnlabelledRecordings(), (std::vector<size_t>{0}));  // 3.json sorts first
}

}  // namespace
}  // namespace lwcl::train
