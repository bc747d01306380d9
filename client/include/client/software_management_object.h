// SoftwareManagementObject: the Software Management object /9, one instance
// per slot (LwCL's devices have two model slots, A = /9/0 and B = /9/1). Each
// instance is an UpdatePipeline (update_pipeline.h) whose phase and events
// software_update.h turns into OMA's Update State, Update Result and
// Activation State; the application's UpdateHandler per slot does the
// checking, installing and activating.
//
//   SoftwareManagementObject sw({slot_a_handler, slot_b_handler});
//   registry.Add(&sw);
//   client.AddTask([&] { sw.Poll(); });   // pulls, deferred install/activate
//
// Push: a Write of 2 Package (libcoap reassembles a Block1 PUT into one
// body) is verified at once -> DELIVERED (result 3), or INITIAL with 50..54.
// Pull: a Write of 3 Package URI fetches it block-wise (Block2) from Poll.
// Execute 4 Install, 6 Uninstall, 10 Activate, 11 Deactivate answer 2.04
// when the state allows them (software_update.h); Install and Activate act
// from the next Poll (after the answer went out), the other two at once.
// Which slot runs is the application's business: when activating one slot
// stops another, it reports that with pipeline(other).Stopped().
// 7 Update State, 9 Update Result, 12 Activation State and 16 Status Reason
// (why the last step failed, or was rolled back) are marked changed on every
// change, so observers hear every transition.
//
// Resources (lwm2m/objects/9.xml): 0 PkgName, 1 PkgVersion (R, the package
// in this slot), 2 Package (W), 3 Package URI (W), 4 Install (E),
// 6 Uninstall (E), 7 Update State (R), 9 Update Result (R), 10 Activate (E),
// 11 Deactivate (E), 12 Activation State (R), 16 Status Reason (R).
#ifndef LWCL_CLIENT_SOFTWARE_MANAGEMENT_OBJECT_H_
#define LWCL_CLIENT_SOFTWARE_MANAGEMENT_OBJECT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/object.h"
#include "client/software_update.h"
#include "client/update_pipeline.h"

namespace lwcl::client {

class SoftwareManagementObject : public Object {
 public:
  static constexpr uint16_t kObjectId = 9;
  static constexpr size_t kMaxUriLength = 255;  // 9.xml: 0..255 bytes

  // One instance per handler, numbered from 0.
  explicit SoftwareManagementObject(std::vector<UpdateHandler> slots, DownloadOptions download = {});

  size_t slots() const { return slots_.size(); }
  UpdatePipeline& pipeline(uint16_t iid) { return slots_.at(iid)->pipeline; }
  SwState state(uint16_t iid) const { return SwStateOf(slots_.at(iid)->pipeline.phase()); }
  SwResult result(uint16_t iid) const { return slots_.at(iid)->result; }
  bool active(uint16_t iid) const { return SwActive(slots_.at(iid)->pipeline.phase()); }
  const std::string& status_reason(uint16_t iid) const { return slots_.at(iid)->reason; }
  // What 0 PkgName / 1 PkgVersion show (e.g. set by verify, or on restore).
  void SetPackageInfo(uint16_t iid, std::string name, std::string version);
  // Restores a slot after a restart (phase, result and reason as they were).
  void Restore(uint16_t iid, UpdatePhase phase, SwResult result, std::string reason = {});
  // Observes every slot's steps (after the object updated its resources).
  void SetEventListener(std::function<void(uint16_t iid, const UpdateEvent&)> listener) {
    on_event_ = std::move(listener);
  }

  void Poll();
  bool busy() const;

  std::vector<uint16_t> Instances() const override;
  std::vector<uint16_t> PresentResources(uint16_t iid) const override;
  lwm2m::CoapCode Read(uint16_t iid, uint16_t rid, std::vector<lwm2m::Record>* out) override;
  lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record) override;
  lwm2m::CoapCode Execute(uint16_t iid, uint16_t rid, std::string_view args) override;

 private:
  struct Slot {
    Slot(UpdateHandler h, DownloadOptions d) : pipeline(std::move(h), d) {}
    UpdatePipeline pipeline;
    SwResult result = SwResult::kInitial;
    std::string reason;
    std::string name;
    std::string version;
  };

  void OnEvent(uint16_t iid, const UpdateEvent& e);
  lwm2m::CoapCode WritePackage(uint16_t iid, const std::vector<uint8_t>& data);
  lwm2m::CoapCode WriteUri(uint16_t iid, const std::string& uri);
  void Changed(uint16_t iid, uint16_t rid) const;

  std::vector<std::unique_ptr<Slot>> slots_;
  std::function<void(uint16_t, const UpdateEvent&)> on_event_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_SOFTWARE_MANAGEMENT_OBJECT_H_
