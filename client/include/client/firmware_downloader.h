// FirmwareDownloader: fetches an image for the pull mode of Firmware Update
// (/5/0/1 Package URI) and Software Management (/9/x/3) — one CoAP GET over
// UDP (coap://) or DTLS-PSK (coaps://, with the credentials in
// DownloadOptions: a device's own), block-wise (Block2) by libcoap, in a
// libcoap context of its own so it never disturbs the client's sessions.
//
// It promises: nothing blocks but host-name resolution in Start (numeric
// addresses never block); all I/O happens in Pump (coap_io_process with
// COAP_IO_NO_WAIT), which the client calls from its Step through a task
// hook; the callback runs exactly once per started download, from Pump,
// never from Start or Cancel, and may start another download. Outcomes map
// onto Firmware Update results: a URI that does not parse or whose host does
// not resolve -> 7; a scheme other than coap and coaps (http, ...), or
// coaps without PSK credentials -> 9; a DTLS handshake that fails -> 4; an
// error response (4.04, 5.00, ...), an RST, retransmissions exhausted or the
// overall deadline -> 4; a body above max_size -> 2. libcoap types stay out
// of this header.
#ifndef LWCL_CLIENT_FIRMWARE_DOWNLOADER_H_
#define LWCL_CLIENT_FIRMWARE_DOWNLOADER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/firmware_update.h"

namespace lwcl::client {

// A coap:// or coaps:// URI taken apart: host (name, IPv4, or IPv6 without
// brackets), port (5683, or 5684 for coaps, when absent), percent-decoded
// path segments and query items.
struct DownloadUri {
  std::string host;
  uint16_t port = 5683;
  bool secure = false;  // coaps://
  std::vector<std::string> path;
  std::vector<std::string> query;
};

// Parses `text`; returns kInitial and fills `out` for a usable coap:// or
// coaps:// URI, kUnsupportedProtocol for another scheme (coap+tcp, http,
// https, ...), kInvalidUri for anything malformed (no scheme, no host, bad port,
// bad percent-escape, fragment).
FwResult ParseDownloadUri(std::string_view text, DownloadUri* out);

struct DownloadOptions {
  size_t max_size = 1024 * 1024;      // larger images fail with result 2
  uint32_t ack_timeout_ms = 2000;     // CoAP ACK_TIMEOUT (RFC 7252: 2 s)
  uint8_t max_retransmit = 4;         // CoAP MAX_RETRANSMIT (RFC 7252: 4)
  uint32_t overall_timeout_ms = 300000;  // whole transfer, all blocks
  // DTLS-PSK credentials for coaps:// (empty key: coaps is unsupported, 9).
  std::vector<uint8_t> psk_identity;
  std::vector<uint8_t> psk_key;
};

struct DownloadOutcome {
  FwResult result = FwResult::kInitial;  // kInitial: `data` holds the image
  std::vector<uint8_t> data;
  uint8_t coap_code = 0;  // the final response code (class << 5 | detail), 0 when none came
};

class FirmwareDownloader {
 public:
  using Callback = std::function<void(DownloadOutcome)>;

  explicit FirmwareDownloader(DownloadOptions options = {});
  ~FirmwareDownloader();
  FirmwareDownloader(const FirmwareDownloader&) = delete;
  FirmwareDownloader& operator=(const FirmwareDownloader&) = delete;

  // Cancels any download in progress (its callback never runs) and starts
  // fetching `uri`. Returns kInitial when the request is on its way; else
  // the failure (7, 9, or 4 when no socket could be opened) and `done` is
  // never called.
  FwResult Start(std::string_view uri, Callback done);
  // Runs pending I/O without waiting; reports a finished download.
  void Pump();
  // Drops the download in progress; its callback never runs.
  void Cancel();
  bool busy() const;
  const DownloadOptions& options() const { return options_; }

  // The libcoap side, defined in the .cc (named here so its C callbacks can).
  struct Impl;

 private:
  DownloadOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_FIRMWARE_DOWNLOADER_H_
