// Fuzzes the client's request handling above CoAP: a DM request and a
// Bootstrap-Server request built from the input (method, path, content
// format, accept, query, payload) against a registry with the standard
// objects. Nothing may crash, and every answer is a CoAP response code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "client/bootstrap_dm.h"
#include "client/dm_request.h"
#include "client/security_object.h"
#include "client/standard_objects.h"

namespace cl = lwcl::client;

namespace {

constexpr uint16_t kFormats[] = {0, 40, 42, 60, 110, 112, 11542, 11543, 11544, 9999};
const char* const kPaths[][4] = {
    {"", "", "", ""}, {"0", "", "", ""}, {"1", "0", "", ""}, {"1", "0", "1", ""}, {"3", "0", "", ""},
    {"3", "0", "11", "0"}, {"3", "0", "4", ""}, {"1", "", "", ""}, {"bs", "", "", ""}, {"3", "x", "", ""},
};

void Check(const cl::DmResponse& r) {
  if ((static_cast<unsigned>(r.code) >> 5) < 2 || (static_cast<unsigned>(r.code) >> 5) > 5) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  cl::DmRequest req;
  req.method = static_cast<cl::CoapMethod>(1 + data[0] % 7);
  for (const char* seg : kPaths[data[1] % 10]) {
    if (*seg) req.uri_path.push_back(seg);
  }
  if (data[2] & 0x10) req.content_format = kFormats[data[2] % 10];
  if (data[3] & 0x10) req.accept = kFormats[data[3] % 10];
  if (data[3] & 0x20) req.uri_query = {"pmin=1", "pmax=" + std::to_string(data[3] & 0x0f)};
  req.payload.assign(data + 4, data + size);

  cl::Registry dm;
  dm.Add(cl::MakeDeviceObject(cl::DeviceInfo{}));
  dm.Add(cl::MakeServerObject(cl::ServerInfo{}));
  dm.Add(cl::MakeSecurityObject());
  Check(cl::HandleDmRequest(dm, req));

  cl::Registry bs;
  bs.Add(cl::MakeDeviceObject(cl::DeviceInfo{}));
  bs.Add(cl::MakeServerObject(cl::ServerInfo{}));
  bs.Add(cl::MakeSecurityObject());
  bool finished = false;
  Check(cl::HandleBootstrapRequest(bs, req, &finished));
  return 0;
}
