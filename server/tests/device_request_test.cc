#include "server/device_request.h"

#include "lwm2m/senml.h"

#include <gtest/gtest.h>

namespace lwcl::server {
namespace {

using lwm2m::Path;

CoapRequest Build(const DeviceRequest& r) {
  CoapRequest out;
  auto err = BuildCoapRequest(r, &out);
  EXPECT_FALSE(err) << *err;
  return out;
}

std::string BuildError(const DeviceRequest& r) {
  CoapRequest out;
  auto err = BuildCoapRequest(r, &out);
  return err ? *err : "";
}

TEST(DeviceRequestTest, ReadDiscoverObserve) {
  DeviceRequest r{.op = Operation::kRead, .paths = {Path::Instance(3, 0)}};
  r.accept = lwm2m::ContentFormat::kSenmlJson;
  CoapRequest c = Build(r);
  EXPECT_EQ(c.method, 1);
  EXPECT_EQ(c.uri_path, (std::vector<std::string>{"3", "0"}));
  EXPECT_EQ(c.accept, 110);
  EXPECT_FALSE(c.observe);
  r.op = Operation::kDiscover;
  EXPECT_EQ(Build(r).accept, 40);
  r.op = Operation::kObserve;
  EXPECT_EQ(Build(r).observe, 0u);
}

TEST(DeviceRequestTest, WritesEncodeTheRecords) {
  DeviceRequest r{.op = Operation::kWrite, .paths = {Path::Resource(1, 0, 1)}};
  r.records = {{Path::Resource(1, 0, 1), int64_t{300}, std::nullopt}};
  r.format = lwm2m::ContentFormat::kPlainText;
  CoapRequest c = Build(r);
  EXPECT_EQ(c.method, 3);
  EXPECT_EQ(c.content_format, 0);
  EXPECT_EQ(std::string(c.payload.begin(), c.payload.end()), "300");
  r.op = Operation::kWritePartial;
  r.paths = {Path::Instance(1, 0)};
  r.format = lwm2m::ContentFormat::kSenmlCbor;
  c = Build(r);
  EXPECT_EQ(c.method, 2);
  EXPECT_EQ(c.content_format, 112);
  std::vector<lwm2m::Record> back;
  ASSERT_FALSE(lwm2m::Decode(lwm2m::ContentFormat::kSenmlCbor, c.payload, Path::Instance(1, 0), nullptr, &back));
  EXPECT_EQ(back.size(), 1u);
}

TEST(DeviceRequestTest, ExecuteCreateDeleteAttributes) {
  DeviceRequest r{.op = Operation::kExecute, .paths = {Path::Resource(3, 0, 4)}, .arguments = "0='x'"};
  CoapRequest c = Build(r);
  EXPECT_EQ(c.method, 2);
  EXPECT_EQ(std::string(c.payload.begin(), c.payload.end()), "0='x'");
  r = {.op = Operation::kDelete, .paths = {Path::Instance(33650, 2)}};
  EXPECT_EQ(Build(r).method, 4);
  r = {.op = Operation::kWriteAttributes, .paths = {Path::Resource(33650, 0, 2001)}, .attributes = {"pmin=5", "pmax=60"}};
  c = Build(r);
  EXPECT_EQ(c.method, 3);
  EXPECT_EQ(c.uri_query, (std::vector<std::string>{"pmin=5", "pmax=60"}));
  EXPECT_TRUE(c.payload.empty());
}

TEST(DeviceRequestTest, CompositesGoToTheRoot) {
  DeviceRequest r{.op = Operation::kReadComposite, .paths = {Path::Resource(3, 0, 0), Path::Instance(1, 0)}};
  CoapRequest c = Build(r);
  EXPECT_EQ(c.method, 5);
  EXPECT_TRUE(c.uri_path.empty());
  EXPECT_EQ(c.content_format, 112);
  std::vector<Path> paths;
  ASSERT_FALSE(lwm2m::DecodeSenmlCborPaths(c.payload, &paths));
  EXPECT_EQ(paths, r.paths);
  r.op = Operation::kObserveComposite;
  EXPECT_EQ(Build(r).observe, 0u);
  DeviceRequest w{.op = Operation::kWriteComposite};
  w.records = {{Path::Resource(1, 0, 1), int64_t{60}, std::nullopt}, {Path::Resource(3, 0, 13), int64_t{7}, std::nullopt}};
  c = Build(w);
  EXPECT_EQ(c.method, 7);
  EXPECT_TRUE(c.uri_path.empty());
}

TEST(DeviceRequestTest, RefusesMalformedRequestsWithTheReason) {
  EXPECT_NE(BuildError({.op = Operation::kRead}), "");
  EXPECT_NE(BuildError({.op = Operation::kExecute, .paths = {Path::Instance(3, 0)}}), "");
  EXPECT_NE(BuildError({.op = Operation::kCreate, .paths = {Path::Instance(3, 0)}}), "");
  EXPECT_NE(BuildError({.op = Operation::kDelete, .paths = {Path::Object(3)}}), "");
  EXPECT_NE(BuildError({.op = Operation::kWrite, .paths = {Path::Resource(1, 0, 1)}}), "");  // no values
  DeviceRequest outside{.op = Operation::kWrite, .paths = {Path::Resource(1, 0, 1)}};
  outside.records = {{Path::Resource(1, 0, 2), int64_t{1}, std::nullopt}};
  EXPECT_NE(BuildError(outside).find("not under"), std::string::npos);
  EXPECT_NE(BuildError({.op = Operation::kWriteAttributes, .paths = {Path::Object(3)}}), "");
  EXPECT_NE(BuildError({.op = Operation::kReadComposite}), "");
}

TEST(DeviceRequestTest, OperationNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(Operation::kObserveComposite); ++i) {
    const auto op = static_cast<Operation>(i);
    EXPECT_EQ(OperationFromName(OperationName(op)), op);
  }
  EXPECT_FALSE(OperationFromName("bogus"));
}

TEST(DeviceRequestTest, DecodesResponsesAndKeepsBadPayloads) {
  DeviceRequest r{.op = Operation::kDiscover, .paths = {Path::Instance(3, 0)}};
  DeviceResponse resp;
  resp.code = lwm2m::CoapCode::kContent;
  resp.content_format = 40;
  const std::string links = "</3/0>,</3/0/1>";
  resp.payload.assign(links.begin(), links.end());
  DecodeDeviceResponse(r, nullptr, &resp);
  EXPECT_EQ(resp.links.size(), 2u);
  EXPECT_TRUE(resp.error.empty());

  DeviceRequest read{.op = Operation::kRead, .paths = {Path::Instance(3, 0)}};
  DeviceResponse bad;
  bad.code = lwm2m::CoapCode::kContent;
  bad.content_format = 112;
  bad.payload = {0xff, 0x00};
  DecodeDeviceResponse(read, nullptr, &bad);
  EXPECT_FALSE(bad.error.empty());
  EXPECT_EQ(bad.payload.size(), 2u);
  EXPECT_TRUE(bad.records.empty());
}

}  // namespace
}  // namespace lwcl::server
