#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "client/accelerometer_object.h"
#include "client/connectivity_object.h"
#include "client/dm_request.h"
#include "client/registry.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

std::vector<Record> ReadPath(Registry& reg, Path p) {
  std::vector<Record> out;
  EXPECT_EQ(reg.Read(p, &out), CoapCode::kContent) << p.ToString();
  return out;
}

ConnectivityInfo Lte() {
  ConnectivityInfo c;
  c.network_bearer = 6;  // LTE-FDD
  c.available_bearers = {6, 7};
  c.radio_signal_strength = -87;
  c.link_quality = 20;
  c.ip_addresses = {"10.0.0.7", "fe80::7"};
  c.apn = {"iot.example"};
  c.cell_id = 0x1A2B3C;
  c.smnc = 1;
  c.smcc = 262;
  return c;
}

TEST(ConnectivityObjectTest, ReadsWhatTheAppFilledIn) {
  ConnectivityObject conn(Lte());
  Registry reg;
  reg.Add(&conn);
  EXPECT_EQ(reg.ObjectListText(), "</4/0>");
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 0))[0].value, Value(int64_t{6}));
  const auto bearers = ReadPath(reg, Path::Resource(4, 0, 1));
  ASSERT_EQ(bearers.size(), 2u);
  EXPECT_EQ(bearers[1].value, Value(int64_t{7}));
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 2))[0].value, Value(int64_t{-87}));
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 3))[0].value, Value(int64_t{20}));
  const auto ips = ReadPath(reg, Path::Resource(4, 0, 4));
  ASSERT_EQ(ips.size(), 2u);
  EXPECT_EQ(ips[0].value, Value(std::string("10.0.0.7")));
  EXPECT_EQ(ReadPath(reg, Path::ResourceInstance(4, 0, 7, 0))[0].value, Value(std::string("iot.example")));
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 8))[0].value, Value(int64_t{0x1A2B3C}));
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 9))[0].value, Value(int64_t{1}));
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 10))[0].value, Value(int64_t{262}));
  std::vector<Record> out;
  EXPECT_EQ(reg.Read(Path::Resource(4, 0, 5), &out), CoapCode::kNotFound);  // no router addresses given
  // All read-only.
  const Record w[] = {{Path::Resource(4, 0, 2), int64_t{0}, std::nullopt}};
  EXPECT_EQ(reg.Write(Path::Resource(4, 0, 2), w, true), CoapCode::kMethodNotAllowed);
  // The whole instance reads, as SenML CBOR by default.
  DmRequest get;
  get.uri_path = {"4", "0"};
  EXPECT_EQ(HandleDmRequest(reg, get).code, CoapCode::kContent);
}

TEST(ConnectivityObjectTest, UpdateMarksOnlyWhatMoved) {
  ConnectivityObject conn(Lte());
  Registry reg;
  reg.Add(&conn);
  std::vector<Path> changed;
  reg.SetChangeListener([&](const Path& p) { changed.push_back(p); });
  ConnectivityInfo c = Lte();
  c.radio_signal_strength = -95;
  conn.Update(c);
  EXPECT_EQ(changed, std::vector<Path>{Path::Resource(4, 0, 2)});

  changed.clear();
  c.ip_addresses = {"10.0.0.8"};
  conn.Update(c);
  EXPECT_NE(std::find(changed.begin(), changed.end(), Path::Resource(4, 0, 4)), changed.end());
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 4)).size(), 1u);
  EXPECT_EQ(std::find(changed.begin(), changed.end(), Path::Resource(4, 0, 2)), changed.end());
}

TEST(ConnectivityObjectTest, OptionalValuesComeAndGo) {
  ConnectivityObject conn(Lte());
  Registry reg;
  reg.Add(&conn);
  std::vector<Path> changed;
  reg.SetChangeListener([&](const Path& p) { changed.push_back(p); });
  ConnectivityInfo c = Lte();
  c.cell_id.reset();
  c.apn.clear();
  conn.Update(c);
  std::vector<Record> out;
  EXPECT_EQ(reg.Read(Path::Resource(4, 0, 8), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg.Read(Path::Resource(4, 0, 7), &out), CoapCode::kNotFound);
  EXPECT_NE(std::find(changed.begin(), changed.end(), Path::Resource(4, 0, 8)), changed.end());
  // Reading the instance leaves them out.
  out.clear();
  EXPECT_EQ(reg.Read(Path::Instance(4, 0), &out), CoapCode::kContent);
  for (const Record& r : out) {
    EXPECT_NE(r.path.resource(), 8);
    EXPECT_NE(r.path.resource(), 7);
  }
  // Back with the same value as before: present again, and announced.
  changed.clear();
  conn.Update(Lte());
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 8))[0].value, Value(int64_t{0x1A2B3C}));
  EXPECT_NE(std::find(changed.begin(), changed.end(), Path::Resource(4, 0, 8)), changed.end());
  EXPECT_EQ(ReadPath(reg, Path::Resource(4, 0, 7)).size(), 1u);
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
}  // namespace lwcl::client
