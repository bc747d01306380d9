#include "client/standard_objects.h"

#include <gtest/gtest.h>

#include "client/dm_request.h"

namespace lwcl::client {
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

}  // namespace
}  // namespace lwcl::client
