#include "client/standard_objects.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "client/dm_request.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::Path;
using lwm2m::Value;

std::string Text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

TEST(StandardObjectsTest, DeviceReadsAndReboots) {
  int reboots = 0;
  DeviceInfo info;
  info.serial_number = "SN-1";
  info.firmware_version = "1.2.0";
  info.on_reboot = [&] { ++reboots; };
  Registry reg;
  reg.Add(MakeDeviceObject(info));
  DmRequest get;
  get.uri_path = {"3", "0", "2"};
  EXPECT_EQ(Text(HandleDmRequest(reg, get).payload), "SN-1");
  std::vector<lwm2m::Record> out;
  EXPECT_EQ(reg.Read(Path::Resource(3, 0, 11), &out), CoapCode::kContent);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, Value(int64_t{0}));
  EXPECT_EQ(reg.Execute(Path::Resource(3, 0, 4), ""), CoapCode::kChanged);
  EXPECT_EQ(reboots, 1);
  const lwm2m::Record w[] = {{Path::Resource(3, 0, 0), std::string("x"), std::nullopt}};
  EXPECT_EQ(reg.Write(Path::Resource(3, 0, 0), w, true), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(reg.Create(Path::Object(3), {}, nullptr), CoapCode::kBadRequest);  // single instance
}

TEST(StandardObjectsTest, ServerLifetimeWritableShortIdNot) {
  ServerInfo info;
  info.short_server_id = 101;
  info.lifetime_s = 300;
  info.default_pmax = 600;
  Registry reg;
  reg.Add(MakeServerObject(info));
  EXPECT_EQ(reg.ObjectListText(), "</1/0>");
  const lwm2m::Record lt[] = {{Path::Resource(1, 0, 1), int64_t{60}, std::nullopt}};
  EXPECT_EQ(reg.Write(Path::Resource(1, 0, 1), lt, true), CoapCode::kChanged);
  const lwm2m::Record id[] = {{Path::Resource(1, 0, 0), int64_t{5}, std::nullopt}};
  EXPECT_EQ(reg.Write(Path::Resource(1, 0, 0), id, true), CoapCode::kMethodNotAllowed);
  std::vector<lwm2m::Record> out;
  EXPECT_EQ(reg.Read(Path::Instance(1, 0), &out), CoapCode::kContent);
  EXPECT_EQ(out.size(), 5u);  // 0, 1, 3, 6, 7 (no default pmin set)
}


std::vector<lwm2m::Record> ReadPath(Registry& reg, Path p) {
  std::vector<lwm2m::Record> out;
  EXPECT_EQ(reg.Read(p, &out), CoapCode::kContent) << p.ToString();
  return out;
}

TEST(StandardObjectsTest, DeviceOptionalResourcesAppearWhenGiven) {
  DeviceInfo bare;
  Registry reg;
  reg.Add(MakeDeviceObject(bare));
  std::vector<lwm2m::Record> out;
  EXPECT_EQ(reg.Read(Path::Resource(3, 0, 9), &out), CoapCode::kNotFound);
  EXPECT_EQ(reg.Read(Path::Resource(3, 0, 6), &out), CoapCode::kNotFound);

  DeviceInfo info;
  info.battery_level = 87;
  info.memory_free_kb = 120;
  info.memory_total_kb = 256;
  info.power_sources = {{1, 3700, 45}, {5, 5000, 100}};
  info.utc_offset = "+01:00";
  Registry reg2;
  auto dev = MakeDeviceObject(info);
  SimpleObject* d = dev.get();
  reg2.Add(std::move(dev));
  EXPECT_EQ(ReadPath(reg2, Path::Resource(3, 0, 9))[0].value, Value(int64_t{87}));
  EXPECT_EQ(ReadPath(reg2, Path::Resource(3, 0, 10))[0].value, Value(int64_t{120}));
  EXPECT_EQ(ReadPath(reg2, Path::Resource(3, 0, 21))[0].value, Value(int64_t{256}));
  const auto sources = ReadPath(reg2, Path::Resource(3, 0, 6));
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[1].path, Path::ResourceInstance(3, 0, 6, 1));
  EXPECT_EQ(sources[1].value, Value(int64_t{5}));
  EXPECT_EQ(ReadPath(reg2, Path::ResourceInstance(3, 0, 7, 0))[0].value, Value(int64_t{3700}));
  EXPECT_EQ(ReadPath(reg2, Path::ResourceInstance(3, 0, 8, 1))[0].value, Value(int64_t{100}));
  // The app updates battery and memory with Set; observers hear it.
  std::vector<Path> changed;
  reg2.SetChangeListener([&](const Path& p) { changed.push_back(p); });
  d->Set(0, 9, int64_t{86});
  d->Set(0, 10, int64_t{120});  // unchanged: no notification
  EXPECT_EQ(changed, std::vector<Path>{Path::Resource(3, 0, 9)});
  // UTC Offset is writable.
  const lwm2m::Record w[] = {{Path::Resource(3, 0, 14), std::string("+02:00"), std::nullopt}};
  EXPECT_EQ(reg2.Write(Path::Resource(3, 0, 14), w, true), CoapCode::kChanged);
  EXPECT_EQ(ReadPath(reg2, Path::Resource(3, 0, 14))[0].value, Value(std::string("+02:00")));
  // Battery level is read-only for the server.
  const lwm2m::Record b[] = {{Path::Resource(3, 0, 9), int64_t{5}, std::nullopt}};
  EXPECT_EQ(reg2.Write(Path::Resource(3, 0, 9), b, true), CoapCode::kMethodNotAllowed);
}

TEST(StandardObjectsTest, DeviceErrorCodesAddClearAndReset) {
  Registry reg;
  auto dev = MakeDeviceObject({});
  SimpleObject* d = dev.get();
  reg.Add(std::move(dev));
  std::vector<Path> changed;
  reg.SetChangeListener([&](const Path& p) { changed.push_back(p); });
  EXPECT_EQ(DeviceErrorCodes(*d), std::vector<int64_t>{0});

  AddDeviceErrorCode(*d, 1);  // low battery
  AddDeviceErrorCode(*d, 7);  // out of storage
  AddDeviceErrorCode(*d, 7);  // already there
  EXPECT_EQ(DeviceErrorCodes(*d), (std::vector<int64_t>{1, 7}));
  auto recs = ReadPath(reg, Path::Resource(3, 0, 11));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].path, Path::ResourceInstance(3, 0, 11, 0));
  EXPECT_EQ(recs[1].value, Value(int64_t{7}));
  EXPECT_NE(std::find(changed.begin(), changed.end(), Path::Resource(3, 0, 11)), changed.end());

  RemoveDeviceErrorCode(*d, 1);
  EXPECT_EQ(DeviceErrorCodes(*d), std::vector<int64_t>{7});
  RemoveDeviceErrorCode(*d, 7);
  EXPECT_EQ(DeviceErrorCodes(*d), std::vector<int64_t>{0});

  AddDeviceErrorCode(*d, 3);
  changed.clear();
  EXPECT_EQ(reg.Execute(Path::Resource(3, 0, 12), ""), CoapCode::kChanged);  // Reset Error Code
  EXPECT_EQ(DeviceErrorCodes(*d), std::vector<int64_t>{0});
  recs = ReadPath(reg, Path::Resource(3, 0, 11));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].value, Value(int64_t{0}));
  EXPECT_NE(std::find(changed.begin(), changed.end(), Path::Resource(3, 0, 11)), changed.end());
  // Nothing to reset: no notification.
  changed.clear();
  ClearDeviceErrorCodes(*d);
  EXPECT_TRUE(changed.empty());
}

TEST(StandardObjectsTest, DeviceFactoryReset) {
  int resets = 0;
  DeviceInfo info;
  info.on_factory_reset = [&] { ++resets; };
  Registry reg;
  reg.Add(MakeDeviceObject(info));
  EXPECT_EQ(reg.Execute(Path::Resource(3, 0, 5), ""), CoapCode::kChanged);
  EXPECT_EQ(resets, 1);
  Registry reg2;
  reg2.Add(MakeDeviceObject({}));
  EXPECT_EQ(reg2.Execute(Path::Resource(3, 0, 5), ""), CoapCode::kMethodNotAllowed);
}

TEST(StandardObjectsTest, DeviceCurrentTimeRunsOnFromAWrite) {
  int64_t now = 1000;
  DeviceInfo info;
  info.clock = [&] { return now; };
  Registry reg;
  reg.Add(MakeDeviceObject(info));
  EXPECT_EQ(ReadPath(reg, Path::Resource(3, 0, 13))[0].value, Value(lwm2m::Time{1000}));
  const lwm2m::Record w[] = {{Path::Resource(3, 0, 13), lwm2m::Time{1700000000}, std::nullopt}};
  EXPECT_EQ(reg.Write(Path::Resource(3, 0, 13), w, true), CoapCode::kChanged);
  EXPECT_EQ(ReadPath(reg, Path::Resource(3, 0, 13))[0].value, Value(lwm2m::Time{1700000000}));
  now += 60;
  EXPECT_EQ(ReadPath(reg, Path::Resource(3, 0, 13))[0].value, Value(lwm2m::Time{1700000060}));
  // Plain text carries it as an integer of seconds.
  DmRequest get;
  get.uri_path = {"3", "0", "13"};
  EXPECT_EQ(Text(HandleDmRequest(reg, get).payload), "1700000060");
}

TEST(StandardObjectsTest, DeviceCurrentTimeDefaultsToTheSystemClock) {
  Registry reg;
  reg.Add(MakeDeviceObject({}));
  const auto t = std::get<lwm2m::Time>(ReadPath(reg, Path::Resource(3, 0, 13))[0].value);
  EXPECT_GT(t.seconds, 1600000000);  // after 2020
}

TEST(StandardObjectsTest, SetMultipleResourceReplacesAndShrinks) {
  SimpleObject o(42, false, {{3, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, true}});
  o.AddInstance(0);
  Registry reg;
  reg.Add(&o);
  std::vector<Path> changed;
  reg.SetChangeListener([&](const Path& p) { changed.push_back(p); });
  SetMultipleResource(o, 0, 3, {int64_t{1}, int64_t{2}, int64_t{3}});
  SetMultipleResource(o, 0, 3, {int64_t{9}});
  auto recs = ReadPath(reg, Path::Resource(42, 0, 3));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].value, Value(int64_t{9}));
  changed.clear();
  SetMultipleResource(o, 0, 3, {int64_t{9}});
  EXPECT_TRUE(changed.empty());
}

}  // namespace
}  // namespace lwcl::client
