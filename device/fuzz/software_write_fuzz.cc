// libFuzzer target for the /9 write path on a device: a sequence of DM
// requests a server (or any CoAP peer) can send to Software Management —
// Package writes with arbitrary bodies into either slot, Package URI writes,
// Install / Uninstall / Activate / Deactivate with arbitrary arguments, and
// reads — against ModelSlots (package_check.h: ReadPackage, the fleet
// signature, delta merging). Whatever arrives: no crash, every answer a CoAP
// code, Update State and Result within OMA's ranges, at most one slot
// active, and the device always runs a model unless the peer deactivated
// every slot.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "client/dm_request.h"
#include "client/registry.h"
#include "device/model_slots.h"
#include "device/pattern_detector_app.h"
#include "int8_test_models.h"
#include "lwm2m/content_format.h"
#include "test_dsp.h"

namespace {

using namespace lwcl;

const std::vector<uint8_t>& Factory() {
  static const std::vector<uint8_t> p = [] {
    const testing::Int8TestModel m = testing::RandomInt8Model(3, testing::MotionDsp(), {8}, 3);
    return testing::Int8TestModel::Write(m.View());
  }();
  return p;
}

client::DmResponse Send(client::Registry& reg, client::CoapMethod method, std::vector<std::string> path,
                        std::vector<uint8_t> body, lwm2m::ContentFormat format) {
  client::DmRequest r;
  r.method = method;
  r.uri_path = std::move(path);
  r.content_format = static_cast<uint16_t>(format);
  r.payload = std::move(body);
  return client::HandleDmRequest(reg, r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  device::PatternDetectorApp app;
  client::Registry reg;
  device::SlotOptions o;
  o.fleet_key = device::FleetKey{};  // an all-zero key: nothing verifies, every check still runs
  device::ModelSlots slots(app, o);
  app.Attach(reg);
  slots.Attach(reg);
  std::string error;
  if (!slots.Boot(Factory(), &error)) std::abort();

  // Each step: an op byte, a length byte, then that many bytes of body.
  size_t at = 0;
  while (at + 2 <= size) {
    const uint8_t op = data[at];
    const size_t n = std::min<size_t>(data[at + 1] * 8u, size - at - 2);
    const std::vector<uint8_t> body(data + at + 2, data + at + 2 + n);
    at += 2 + n;
    const std::string iid = (op & 1) ? "1" : "0";
    switch ((op >> 1) % 6) {
      case 0:
        Send(reg, client::CoapMethod::kPut, {"9", iid, "2"}, body, lwm2m::ContentFormat::kOpaque);
        break;
      case 1: {
        // Only URIs that never leave the machine: the parser sees the text, a
        // download (if any) goes to a closed loopback port and is cancelled.
        std::vector<uint8_t> uri = body;
        if (!uri.empty() && uri[0] == 'c') uri.assign({'x'});
        Send(reg, client::CoapMethod::kPut, {"9", iid, "3"}, uri, lwm2m::ContentFormat::kPlainText);
        break;
      }
      case 2:
      case 3: {
        static const char* kExec[] = {"4", "6", "10", "11"};
        Send(reg, client::CoapMethod::kPost, {"9", iid, kExec[(op >> 4) & 3]}, body, lwm2m::ContentFormat::kPlainText);
        break;
      }
      case 4:
        Send(reg, client::CoapMethod::kGet, {"9"}, {}, lwm2m::ContentFormat::kPlainText);
        break;
      default:
        slots.Poll();
        break;
    }
    int active = 0;
    for (uint16_t i = 0; i < 2; ++i) {
      const auto state = static_cast<int>(slots.object().state(i));
      const auto result = static_cast<int>(slots.object().result(i));
      if (state < 0 || state > 4) std::abort();
      if (result > 3 && (result < 50 || result > 59)) std::abort();
      if (slots.object().active(i)) ++active;
    }
    if (active > 1) std::abort();
    if (slots.active() && !app.detector().loaded()) std::abort();
    if (slots.active().has_value() != (active == 1)) std::abort();
  }
  return 0;
}
