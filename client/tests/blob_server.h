// BlobServer: a real libcoap CoAP server on 127.0.0.1 and a free port that
// serves one blob block-wise, for the client's pull-download tests (/5 and
// /9). Test-only.
#ifndef LWCL_CLIENT_TESTS_BLOB_SERVER_H_
#define LWCL_CLIENT_TESTS_BLOB_SERVER_H_

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace lwcl::client {

// The blob is at /fw/image (coap_add_data_large_response); any other path is
// libcoap's own 4.04.

inline std::vector<uint8_t> MakeBlob(size_t n) {
  std::vector<uint8_t> b(n);
  uint32_t x = 2463534242u;
  for (uint8_t& v : b) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = static_cast<uint8_t>(x);
  }
  return b;
}

class BlobServer {
 public:
  explicit BlobServer(std::vector<uint8_t> blob) : blob_(std::move(blob)) {
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    ctx_ = coap_new_context(nullptr);
    coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_address_t addr;
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    addr.addr.sin.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
    addr.size = sizeof(sockaddr_in);
    coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, COAP_PROTO_UDP);
    if (ep == nullptr) return;
    // "127.0.0.1:NNNNN": libcoap 4.3.1 has no getter for the bound port.
    const std::string_view text = coap_endpoint_str(ep);
    const size_t colon = text.rfind(':');
    if (colon != std::string_view::npos) {
      unsigned p = 0;
      for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9') break;
        p = p * 10 + static_cast<unsigned>(c - '0');
      }
      port_ = static_cast<uint16_t>(p);
    }
    coap_resource_t* r = coap_resource_init(coap_make_str_const("fw/image"), 0);
    coap_register_request_handler(r, COAP_REQUEST_GET, OnGet);
    coap_resource_set_userdata(r, this);
    coap_add_resource(ctx_, r);
  }
  ~BlobServer() {
    if (ctx_ != nullptr) coap_free_context(ctx_);
  }
  BlobServer(const BlobServer&) = delete;
  BlobServer& operator=(const BlobServer&) = delete;

  uint16_t port() const { return port_; }
  const std::vector<uint8_t>& blob() const { return blob_; }
  int requests() const { return requests_; }
  void Pump(uint32_t wait_ms) { coap_io_process(ctx_, wait_ms); }

 private:
  static void OnGet(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
                    const coap_string_t* query, coap_pdu_t* response) {
    auto* self = static_cast<BlobServer*>(coap_resource_get_userdata(resource));
    ++self->requests_;
    coap_pdu_set_code(response, COAP_RESPONSE_CODE_CONTENT);
    coap_add_data_large_response(resource, session, request, response, query, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM,
                                 -1, 0, self->blob_.size(), self->blob_.data(), nullptr, nullptr);
  }

  std::vector<uint8_t> blob_;
  coap_context_t* ctx_ = nullptr;
  uint16_t port_ = 0;
  int requests_ = 0;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_TESTS_BLOB_SERVER_H_
