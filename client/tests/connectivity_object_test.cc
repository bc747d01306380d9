#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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

}  // namespace
}  // namespace lwcl::client
