#include "client/firmware_downloader.h"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/dm_request.h"
#include "client/firmware_update_object.h"
#include "blob_server.h"
#include "lwm2m/content_format.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

// Pumps the server and the downloader until the download reports, bounded
// by a count of rounds (each waits at most a few ms in the server's poll).
std::optional<DownloadOutcome> RunDownload(BlobServer* server, FirmwareDownloader* dl, std::string_view uri,
                                           FwResult* started = nullptr) {
  std::optional<DownloadOutcome> got;
  const FwResult r = dl->Start(uri, [&](DownloadOutcome o) { got = std::move(o); });
  if (started != nullptr) *started = r;
  if (r != FwResult::kInitial) return std::nullopt;
  for (int i = 0; i < 4000 && !got; ++i) {
    if (server != nullptr) {
      server->Pump(2);
    } else {
      usleep(2000);
    }
    dl->Pump();
  }
  return got;
}

TEST(CoapUriTest, ParsesHostPortPathAndQuery) {
  DownloadUri u;
  ASSERT_EQ(ParseDownloadUri("coap://127.0.0.1:5690/fw/image%201?v=2&x", &u), FwResult::kInitial);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 5690);
  EXPECT_EQ(u.path, (std::vector<std::string>{"fw", "image 1"}));
  EXPECT_EQ(u.query, (std::vector<std::string>{"v=2", "x"}));
  ASSERT_EQ(ParseDownloadUri("COAP://updates.example/", &u), FwResult::kInitial);
  EXPECT_EQ(u.host, "updates.example");
  EXPECT_EQ(u.port, 5683);
  EXPECT_TRUE(u.path.empty());
  ASSERT_EQ(ParseDownloadUri("coap://[::1]:7000/a", &u), FwResult::kInitial);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 7000);
}

TEST(CoapUriTest, RejectsMalformedAndOtherSchemes) {
  DownloadUri u;
  for (const char* bad : {"", "fw.bin", "coap:/x", "://h/x", "coap://", "coap://:5683/x", "coap://h:0/x",
                          "coap://h:99999/x", "coap://h:12a/x", "coap://h/x#frag", "coap://u@h/x", "coap://h/%zz",
                          "coap://h/a b", "coap://[zz]/x", "1coap://h/x"}) {
    EXPECT_EQ(ParseDownloadUri(bad, &u), FwResult::kInvalidUri) << bad;
  }
  ASSERT_EQ(ParseDownloadUri("coaps://h/x", &u), FwResult::kInitial);
  EXPECT_TRUE(u.secure);
  EXPECT_EQ(u.port, 5684);
  ASSERT_EQ(ParseDownloadUri("coaps://h:7000/x", &u), FwResult::kInitial);
  EXPECT_EQ(u.port, 7000);
  for (const char* other : {"coap+tcp://h/x", "http://h/fw.bin", "https://h:443/fw.bin"}) {
    EXPECT_EQ(ParseDownloadUri(other, &u), FwResult::kUnsupportedProtocol) << other;
  }
}

TEST(FirmwareDownloaderTest, DownloadsTwentyKilobytesBlockWise) {
  BlobServer server(MakeBlob(20 * 1024));
  ASSERT_NE(server.port(), 0);
  FirmwareDownloader dl;
  const std::string uri = "coap://127.0.0.1:" + std::to_string(server.port()) + "/fw/image";
  std::optional<DownloadOutcome> got = RunDownload(&server, &dl, uri);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result, FwResult::kInitial);
  EXPECT_EQ(got->coap_code, 69);  // 2.05
  EXPECT_EQ(got->data, server.blob());
  // 20 KB cannot fit one datagram (libcoap's PDU limit is 1152 bytes), so
  // this went block-wise; the server's libcoap answers blocks after the
  // first from its own copy, without calling the handler again.
  EXPECT_EQ(server.requests(), 1);
  EXPECT_FALSE(dl.busy());
}

TEST(FirmwareDownloaderTest, ResolvesHostNames) {
  BlobServer server(MakeBlob(3000));
  FirmwareDownloader dl;
  std::optional<DownloadOutcome> got =
      RunDownload(&server, &dl, "coap://localhost:" + std::to_string(server.port()) + "/fw/image");
  // localhost may resolve to ::1 first on some hosts, where the server is not.
  if (got && got->result == FwResult::kConnectionLost) GTEST_SKIP() << "localhost did not resolve to 127.0.0.1";
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result, FwResult::kInitial);
  EXPECT_EQ(got->data, server.blob());
}

TEST(FirmwareDownloaderTest, NotFoundIsConnectionLost) {
  BlobServer server(MakeBlob(100));
  FirmwareDownloader dl;
  std::optional<DownloadOutcome> got =
      RunDownload(&server, &dl, "coap://127.0.0.1:" + std::to_string(server.port()) + "/no/such");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result, FwResult::kConnectionLost);
  EXPECT_EQ(got->coap_code, 132);  // 4.04
  EXPECT_TRUE(got->data.empty());
}

TEST(FirmwareDownloaderTest, TooLargeIsNotEnoughFlash) {
  BlobServer server(MakeBlob(20 * 1024));
  DownloadOptions opts;
  opts.max_size = 10 * 1024;
  FirmwareDownloader dl(opts);
  std::optional<DownloadOutcome> got =
      RunDownload(&server, &dl, "coap://127.0.0.1:" + std::to_string(server.port()) + "/fw/image");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result, FwResult::kNotEnoughFlash);
  EXPECT_TRUE(got->data.empty());
}

TEST(FirmwareDownloaderTest, ClosedPortIsConnectionLost) {
  // A port nobody listens on: take a free one and close it again.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const uint16_t port = ntohs(a.sin_port);
  close(fd);

  DownloadOptions opts;
  opts.ack_timeout_ms = 1000;
  opts.max_retransmit = 1;
  FirmwareDownloader dl(opts);
  std::optional<DownloadOutcome> got = RunDownload(nullptr, &dl, "coap://127.0.0.1:" + std::to_string(port) + "/fw");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result, FwResult::kConnectionLost);
}

TEST(FirmwareDownloaderTest, BadUrisFailAtStartWithoutCallback) {
  FirmwareDownloader dl;
  bool called = false;
  auto cb = [&](DownloadOutcome) { called = true; };
  EXPECT_EQ(dl.Start("not a uri", cb), FwResult::kInvalidUri);
  EXPECT_EQ(dl.Start("coaps://127.0.0.1/fw", cb), FwResult::kUnsupportedProtocol) << "coaps without a PSK";
  EXPECT_EQ(dl.Start("http://127.0.0.1/fw", cb), FwResult::kUnsupportedProtocol);
  EXPECT_EQ(dl.Start("coap://no-such-host.invalid/fw", cb), FwResult::kInvalidUri);
  dl.Pump();
  EXPECT_FALSE(called);
  EXPECT_FALSE(dl.busy());
}

TEST(FirmwareDownloaderTest, CancelSilencesTheCallbackAndRestartWorks) {
  BlobServer server(MakeBlob(5000));
  FirmwareDownloader dl;
  const std::string uri = "coap://127.0.0.1:" + std::to_string(server.port()) + "/fw/image";
  bool first_called = false;
  ASSERT_EQ(dl.Start(uri, [&](DownloadOutcome) { first_called = true; }), FwResult::kInitial);
  EXPECT_TRUE(dl.busy());
  dl.Cancel();
  EXPECT_FALSE(dl.busy());
  std::optional<DownloadOutcome> got = RunDownload(&server, &dl, uri);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data, server.blob());
  EXPECT_FALSE(first_called);
}


// ---- End to end: pull through the /5 object ----

DmResponse WriteUri(Registry& reg, const std::string& uri) {
  DmRequest r;
  r.method = CoapMethod::kPut;
  r.uri_path = {"5", "0", "1"};
  r.content_format = static_cast<uint16_t>(lwm2m::ContentFormat::kPlainText);
  r.payload.assign(uri.begin(), uri.end());
  return HandleDmRequest(reg, r);
}

bool PumpUntilIdle(BlobServer* server, FirmwareUpdateObject* fw) {
  for (int i = 0; i < 4000 && fw->state() == FwState::kDownloading; ++i) {
    server->Pump(2);
    fw->Poll();
  }
  return fw->state() != FwState::kDownloading;
}

TEST(FirmwarePullTest, WriteUriDownloadExecuteSucceeds) {
  BlobServer server(MakeBlob(20 * 1024));
  std::vector<uint8_t> verified;
  std::vector<uint8_t> applied;
  FirmwareHandler h;
  h.verify = [&](std::span<const uint8_t> img) -> uint8_t {
    verified.assign(img.begin(), img.end());
    return 0;
  };
  h.apply = [&](std::span<const uint8_t> img) -> uint8_t {
    applied.assign(img.begin(), img.end());
    return 1;
  };
  FirmwareUpdateObject fw(std::move(h));
  Registry reg;
  reg.Add(&fw);
  std::vector<lwm2m::Path> changed;
  reg.SetChangeListener([&](const lwm2m::Path& p) { changed.push_back(p); });

  const std::string uri = "coap://127.0.0.1:" + std::to_string(server.port()) + "/fw/image";
  EXPECT_EQ(WriteUri(reg, uri).code, CoapCode::kChanged);
  EXPECT_EQ(fw.state(), FwState::kDownloading);
  ASSERT_TRUE(PumpUntilIdle(&server, &fw));
  EXPECT_EQ(fw.state(), FwState::kDownloaded);
  EXPECT_EQ(fw.result(), FwResult::kInitial);
  EXPECT_EQ(verified, server.blob());
  EXPECT_EQ(fw.package_uri(), uri);

  DmRequest exec;
  exec.method = CoapMethod::kPost;
  exec.uri_path = {"5", "0", "2"};
  EXPECT_EQ(HandleDmRequest(reg, exec).code, CoapCode::kChanged);
  fw.Poll();
  EXPECT_EQ(applied, server.blob());
  EXPECT_EQ(fw.state(), FwState::kIdle);
  EXPECT_EQ(fw.result(), FwResult::kSuccess);
  // Observers heard State (Idle -> Downloading -> Downloaded -> Updating -> Idle) and the result.
  EXPECT_GE(std::count(changed.begin(), changed.end(), lwm2m::Path::Resource(5, 0, 3)), 4);
  EXPECT_GE(std::count(changed.begin(), changed.end(), lwm2m::Path::Resource(5, 0, 5)), 1);
}

TEST(FirmwarePullTest, MissingImageIsConnectionLost) {
  BlobServer server(MakeBlob(100));
  FirmwareUpdateObject fw(FirmwareHandler{});
  Registry reg;
  reg.Add(&fw);
  EXPECT_EQ(WriteUri(reg, "coap://127.0.0.1:" + std::to_string(server.port()) + "/fw/none").code,
            CoapCode::kChanged);
  ASSERT_TRUE(PumpUntilIdle(&server, &fw));
  EXPECT_EQ(fw.state(), FwState::kIdle);
  EXPECT_EQ(fw.result(), FwResult::kConnectionLost);
}

TEST(FirmwarePullTest, TooLargeImageIsNotEnoughFlash) {
  BlobServer server(MakeBlob(20 * 1024));
  FirmwareHandler h;
  h.max_size = 4096;
  FirmwareUpdateObject fw(std::move(h));
  Registry reg;
  reg.Add(&fw);
  WriteUri(reg, "coap://127.0.0.1:" + std::to_string(server.port()) + "/fw/image");
  ASSERT_TRUE(PumpUntilIdle(&server, &fw));
  EXPECT_EQ(fw.state(), FwState::kIdle);
  EXPECT_EQ(fw.result(), FwResult::kNotEnoughFlash);
}

}  // namespace
}  // namespace lwcl::client
