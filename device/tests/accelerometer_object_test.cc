// The IPSO Accelerometer /3313: axes, units and range as the server reads
// them, and changes marked per axis.
#include "device/accelerometer_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "client/dm_request.h"
#include "client/registry.h"

namespace lwcl::device {
namespace {

using client::DmRequest;
using client::DmResponse;
using client::HandleDmRequest;
using client::Registry;
using lwm2m::CoapCode;
using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

std::vector<Record> ReadPath(Registry& reg, Path p) {
  std::vector<Record> out;
  EXPECT_EQ(reg.Read(p, &out), CoapCode::kContent) << p.ToString();
  return out;
}

TEST(AccelerometerObjectTest, ReadsAxesUnitsAndRange) {
  AccelerometerObject acc;
  Registry reg;
  reg.Add(&acc);
  EXPECT_EQ(reg.ObjectListText(), "</3313/0>");
  acc.SetAcceleration(0.5, -9.81, 0.25);
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5702))[0].value, Value(0.5));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5703))[0].value, Value(-9.81));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5704))[0].value, Value(0.25));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5701))[0].value, Value(std::string("m/s2")));
  const double g16 = 16.0 * 9.80665;
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5603))[0].value, Value(-g16));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5604))[0].value, Value(g16));
  DmRequest get;
  get.uri_path = {"3313", "0", "5702"};
  const DmResponse r = HandleDmRequest(reg, get);
  EXPECT_EQ(std::string(r.payload.begin(), r.payload.end()), "0.5");
}

TEST(AccelerometerObjectTest, SetAccelerationMarksOnlyChangedAxes) {
  AccelerometerObject acc;
  Registry reg;
  reg.Add(&acc);
  acc.SetAcceleration(1.0, 2.0, 3.0);
  std::vector<Path> changed;
  reg.SetChangeListener([&](const Path& p) { changed.push_back(p); });
  acc.SetAcceleration(1.0, 2.5, 3.0);
  EXPECT_EQ(changed, std::vector<Path>{Path::Resource(3313, 0, 5703)});
  changed.clear();
  acc.SetAcceleration(1.0, 2.5, 3.0);
  EXPECT_TRUE(changed.empty());
  acc.SetAcceleration(0.0, 2.5, -3.0);
  EXPECT_EQ(changed, (std::vector<Path>{Path::Resource(3313, 0, 5702), Path::Resource(3313, 0, 5704)}));
}

TEST(AccelerometerObjectTest, UnitsAndRangeAreOptionalAndSensorsCanBeAdded) {
  AccelerometerInfo info;
  info.units = "g";
  info.min_range.reset();
  info.max_range = 2.0;
  AccelerometerObject acc(info);
  acc.AddSensor(1, info);
  Registry reg;
  reg.Add(&acc);
  EXPECT_EQ(reg.ObjectListText(), "</3313/0>,</3313/1>");
  std::vector<Record> out;
  EXPECT_EQ(reg.Read(Path::Resource(3313, 1, 5603), &out), CoapCode::kNotFound);
  acc.SetAcceleration(0.1, 0.2, 0.3, 1);
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 1, 5704))[0].value, Value(0.3));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 0, 5704))[0].value, Value(0.0));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3313, 1, 5701))[0].value, Value(std::string("g")));
}

}  // namespace
}  // namespace lwcl::device
