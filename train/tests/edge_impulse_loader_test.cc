// Edge Impulse acquisition files (JSON and CBOR), info.labels, categories and
// unlabelled clips, on small documents built in the test (never dataset files).
#include "train/edge_impulse_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "train/dataset_loader.h"
#include "train/split.h"
#include "train/units.h"

namespace lwcl::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json Acquisition(size_t rows, double phase = 0.0, bool with_gyro = true) {
  json sensors = {{{"name", "accX"}, {"units", "m/s2"}},
                  {{"name", "accY"}, {"units", "m/s2"}},
                  {{"name", "accZ"}, {"units", "m/s2"}}};
  if (with_gyro) {
    sensors.push_back({{"name", "gyrX"}, {"units", "N/A"}});
    sensors.push_back({{"name", "gyrY"}, {"units", "N/A"}});
    sensors.push_back({{"name", "gyrZ"}, {"units", "N/A"}});
  }
  json values = json::array();
  for (size_t i = 0; i < rows; ++i) {
    const double v = phase + static_cast<double>(i);
    json row = {v, 9.80665, -2.0 * 9.80665};
    if (with_gyro) {
      row.push_back(0.5);
      row.push_back(-0.25);
      row.push_back(v);
    }
    values.push_back(row);
  }
  return {{"protected", {{"ver", "v1"}, {"alg", "none"}}},
          {"signature", "0"},
          {"payload",
           {{"device_type", "TEST"}, {"interval_ms", 20.0}, {"sensors", sensors},
            {"values", values}}}};
}

using test_support::TempDir;

void WriteText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

void WriteCbor(const fs::path& p, const json& doc) {
  fs::create_directories(p.parent_path());
  const std::vector<uint8_t> bytes = json::to_cbor(doc);
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

json LabelEntry(const std::string& path, const std::string& category, const std::string& label) {
  return {{"path", path},
          {"name", path},
          {"category", category},
          {"label", {{"type", "label"}, {"label", label}}}};
}

TEST(EdgeImpulseLoaderTest, ParsesPayloadConvertingAccelerometerToG) {
  const Recording r = ParseEdgeImpulseAcquisition(Acquisition(4), "a.json");
  EXPECT_FLOAT_EQ(r.sample_rate_hz, 50.0f);
  EXPECT_EQ(r.axes, (std::vector<std::string>{"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ"}));
  EXPECT_EQ(r.axis_units, (std::vector<std::string>{"g", "g", "g", "N/A", "N/A", "N/A"}));
  ASSERT_EQ(r.SampleCount(), 4u);
  EXPECT_NEAR(r.samples[1], 1.0f, 1e-6f);   // accY: 9.80665 m/s2 = 1 g
  EXPECT_NEAR(r.samples[2], -2.0f, 1e-6f);  // accZ
  EXPECT_FLOAT_EQ(r.samples[3], 0.5f);      // gyroscope kept as is
  EXPECT_NEAR(r.samples[6 * 3 + 0], 3.0f / kStandardGravity, 1e-6f);
}

TEST(EdgeImpulseLoaderTest, CborFileReadsLikeJson) {
  TempDir dir;
  WriteCbor(dir.path() / "walk.1.cbor", Acquisition(5));
  WriteText(dir.path() / "walk.1.json", Acquisition(5).dump());
  const Recording c = LoadEdgeImpulseFile(dir.path() / "walk.1.cbor");
  const Recording j = LoadEdgeImpulseFile(dir.path() / "walk.1.json");
  EXPECT_EQ(c.axes, j.axes);
  EXPECT_EQ(c.samples, j.samples);
  EXPECT_FLOAT_EQ(c.sample_rate_hz, j.sample_rate_hz);
}

TEST(EdgeImpulseLoaderTest, MissingSensorsAndRaggedRowsNameTheFile) {
  json doc = Acquisition(3);
  doc["payload"].erase("sensors");
  try {
    ParseEdgeImpulseAcquisition(doc, "dir/bad.json");
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("dir/bad.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sensors"), std::string::npos) << e.what();
  }
  json ragged = Acquisition(3);
  ragged["payload"]["values"][2].erase(5);
  try {
    ParseEdgeImpulseAcquisition(ragged, "dir/ragged.json");
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("dir/ragged.json: payload.values[2] has 5 values"),
              std::string::npos)
        << e.what();
  }
  json no_interval = Acquisition(3);
  no_interval["payload"]["interval_ms"] = 0;
  EXPECT_THROW(ParseEdgeImpulseAcquisition(no_interval, "x.json"), DatasetError);
}

TEST(EdgeImpulseLoaderTest, InfoLabelsMapFilesToLabelsAndCategories) {
  TempDir dir;
  const fs::path train = dir.path() / "training";
  const fs::path test = dir.path() / "testing";
  json train_files = json::array();
  for (const char* label : {"idle", "shake"}) {
    for (int i = 0; i < 3; ++i) {
      // File names deliberately disagree with labels: info.labels wins.
      const std::string name = "sample" + std::string(label) + std::to_string(i) + ".json";
      WriteText(train / name, Acquisition(60, i).dump());
      train_files.push_back(LabelEntry(name, "training", label));
    }
  }
  WriteText(train / "info.labels", json({{"version", 1}, {"files", train_files}}).dump());
  WriteCbor(test / "t1.cbor", Acquisition(60));
  WriteText(test / "clip.json", Acquisition(20).dump());
  const json test_files = {LabelEntry("t1.cbor", "testing", "shake"),
                           LabelEntry("clip.json", "testing", "testing")};
  WriteText(test / "info.labels", json({{"version", 1}, {"files", test_files}}).dump());

  ASSERT_TRUE(IsEdgeImpulseExport(dir.path()));
  EXPECT_EQ(DetectDatasetFormat(dir.path()), DatasetFormat::kEdgeImpulse);
  const Dataset d = LoadDataset(dir.path(), {});
  EXPECT_EQ(d.labels, (std::vector<std::string>{"idle", "shake"}));
  ASSERT_EQ(d.recordings.size(), 8u);
  // The 'testing' label is no class: that clip is unlabelled, kept, not scored.
  const std::vector<size_t> unlabelled = d.UnlabelledRecordings();
  ASSERT_EQ(unlabelled.size(), 1u);
  EXPECT_EQ(d.recordings[unlabelled[0]].label, "testing");
  EXPECT_NE(d.recordings[unlabelled[0]].source.find("clip.json"), std::string::npos);

  // The categories are the split: test = testing, validation from training.
  const RecordingSplit split = SplitDataset(d, {}, /*use_categories=*/true);
  EXPECT_TRUE(split.by_category);
  ASSERT_EQ(split.test.size(), 1u);
  EXPECT_NE(d.recordings[split.test[0]].source.find("t1.cbor"), std::string::npos);
  EXPECT_EQ(split.train.size() + split.validation.size(), 6u);
  EXPECT_EQ(split.validation.size(), 2u);  // one per class, by recording
  EXPECT_EQ(split.unlabelled, unlabelled);
  for (size_t r : split.train) EXPECT_EQ(d.recordings[r].category, "training");
  for (size_t r : split.validation) EXPECT_EQ(d.recordings[r].category, "training");
}

TEST(EdgeImpulseLoaderTest, WithoutInfoLabelsTheFileNameIsTheLabel) {
  TempDir dir;
  WriteText(dir.path() / "training" / "Idle.json.abc.json", Acquisition(10).dump());
  WriteText(dir.path() / "training" / "Lift.json.def.json", Acquisition(10).dump());
  WriteCbor(dir.path() / "testing" / "Lift.ghi.cbor", Acquisition(10));
  const Dataset d = LoadDataset(dir.path(), {});
  EXPECT_EQ(d.labels, (std::vector<std::string>{"Idle", "Lift"}));
  ASSERT_EQ(d.recordings.size(), 3u);
  EXPECT_EQ(d.recordings[2].category, "testing");
  EXPECT_EQ(d.recordings[2].label, "Lift");
  EXPECT_EQ(LabelFromEdgeImpulseFileName("Maritime.json.5vn1.ingestion.json"), "Maritime");
}

TEST(EdgeImpulseLoaderTest, UnknownLabelAndBadInfoLabelsAreErrorsNamingTheFile) {
  TempDir dir;
  WriteText(dir.path() / "training" / "a.json", Acquisition(10).dump());
  WriteText(dir.path() / "training" / "b.json", Acquisition(10).dump());
  const json files = {LabelEntry("a.json", "training", "idle"),
                      LabelEntry("b.json", "training", "jump")};
  WriteText(dir.path() / "training" / "info.labels", json({{"files", files}}).dump());
  DatasetLoadOptions options;
  options.labels = {"idle", "walk"};
  try {
    LoadDataset(dir.path(), options);
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("b.json"), std::string::npos) << what;
    EXPECT_NE(what.find("'jump'"), std::string::npos) << what;
  }

  // info.labels naming a file that is not there.
  const json missing = {LabelEntry("a.json", "training", "idle"),
                        LabelEntry("gone.json", "training", "idle")};
  WriteText(dir.path() / "training" / "info.labels", json({{"files", missing}}).dump());
  try {
    LoadDataset(dir.path(), {});
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("gone.json"), std::string::npos) << e.what();
  }

  // A multi-label entry is not silently taken as one label.
  json multi = LabelEntry("a.json", "training", "idle");
  multi["label"] = {{"type", "multi-label"}};
  EXPECT_THROW(ParseInfoLabels(json({{"files", {multi}}}), "info.labels"), DatasetError);
}

TEST(EdgeImpulseLoaderTest, CorruptFileIsAnErrorNamingIt) {
  TempDir dir;
  WriteText(dir.path() / "training" / "Idle.1.json", "{\"payload\": [1, 2");
  try {
    LoadDataset(dir.path(), {});
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("Idle.1.json: not valid JSON"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace lwcl::train
