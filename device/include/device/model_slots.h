// ModelSlots: the device's two model slots (A and B) behind Software
// Management /9 (/9/0 = A, /9/1 = B): a new package lands in the idle slot,
// is checked (package_check.h: digest, fleet signature, delta base), passes
// a self-test on Install, runs on Activate, and is watched for a probation
// period; if activation fails or the model is unhealthy on probation, the
// device goes back to the previous slot by itself and says why in that
// slot's Status Reason (/9/x/16) and Update Result 57.
//
// The rules:
// - anti-rollback: Install refuses (Update Result 58) a package whose
//   version is not newer than the running one (tinyml::CompareVersions),
//   unless the Install carries the argument 0='downgrade'. A delta is exempt:
//   it applies only to the running model's exact digest, so it cannot bring
//   back an older model (an older head for the same base could be replayed;
//   the server's registry is what orders heads);
// - self-test on Install: the package loads into a classifier of its own,
//   reads the same sensor (axes and sample rate) as the running model, and
//   its golden windows (tinyml::RunGoldenSelfTest, when the package carries
//   them; a merged delta carries none) classify as recorded, class and int8
//   output; and, when the device holds labelled windows (/33652 with an
//   Assigned Label) the candidate can read, it gets no more than
//   floor(`labelled_margin` x their number) fewer of them right than the
//   running model (device/labelled_check.h);
// - probation (the health signal): for the first `probation_windows`
//   classified windows after activation, the new model's mean confidence
//   must stay >= `min_confidence_ratio` x the mean confidence the previous
//   model had on this device (its own baseline); below it, the device
//   reverts to the previous slot. A device with no baseline (the old model
//   had classified nothing) passes;
// - Deactivate of the running slot hands over to the other slot when it
//   holds a model, else inference stops until a slot is activated;
// - power loss: with a state directory, a slot's package is written on
//   Install and the boot record (which slot runs, whether it is confirmed)
//   on every activation, each through a temporary file and rename, so a
//   kill at any moment leaves the old record or the new one. A device that
//   restarts while a model is on probation boots the previous model (as an
//   MCUboot "test" image that was never confirmed); a transfer cut off
//   before Install leaves nothing behind.
#ifndef LWCL_DEVICE_MODEL_SLOTS_H_
#define LWCL_DEVICE_MODEL_SLOTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/firmware_downloader.h"
#include "client/registry.h"
#include "client/software_management_object.h"
#include "device/package_check.h"
#include "device/pattern_detector_app.h"

namespace lwcl::device {

struct SlotOptions {
  std::optional<FleetKey> fleet_key;  // absent: /9 refuses every package
  std::string state_dir;              // empty: slots live in memory only
  uint64_t probation_windows = 30;
  double min_confidence_ratio = 0.75;
  double labelled_margin = 0.1;  // share of labelled windows a candidate may lose
  size_t max_package_bytes = 64 * 1024;
  // How /9/x/3 pulls (timeouts; DTLS-PSK credentials for coaps://).
  client::DownloadOptions download;
};

class ModelSlots {
 public:
  static constexpr int kSlots = 2;

  ModelSlots(PatternDetectorApp& app, SlotOptions options);
  ModelSlots(const ModelSlots&) = delete;
  ModelSlots& operator=(const ModelSlots&) = delete;

  // Starts the running model: what the state directory's boot record names
  // (falling back to the other slot, then to `factory`), else `factory` in
  // slot A. False with a message when nothing can run.
  bool Boot(std::span<const uint8_t> factory, std::string* error);
  void Attach(client::Registry& registry) { registry.Add(&object_); }
  client::SoftwareManagementObject& object() { return object_; }

  // One sample for the running model (dropped while none runs); checks
  // probation after each window.
  void Push(const Sample& sample);
  // Drives /9 (pulls, deferred install and activation).
  void Poll() { object_.Poll(); }

  std::optional<int> active() const { return active_; }
  bool on_probation() const { return probation_; }
  const std::string& boot_note() const { return boot_note_; }
  const std::vector<uint8_t>& slot_package(int slot) const { return slots_[slot]; }

 private:
  client::UpdateHandler HandlerFor(int slot);
  client::UpdateVerdict Verify(int slot, std::span<const uint8_t> bytes);
  client::UpdateVerdict Install(int slot, std::span<const uint8_t> bytes, std::string_view args);
  client::UpdateVerdict Activate(int slot);
  void Deactivate(int slot);
  void Uninstall(int slot);
  void Revert(int from, const std::string& why);
  void CheckProbation();
  bool Run(int slot, std::string* error);
  void SaveBoot() const;
  void SaveSlot(int slot) const;

  PatternDetectorApp& app_;
  SlotOptions options_;
  client::SoftwareManagementObject object_;
  std::array<std::vector<uint8_t>, kSlots> slots_;  // full packages, installed
  std::array<std::vector<uint8_t>, kSlots> staged_;  // checked, awaiting Install
  std::array<bool, kSlots> staged_delta_{};
  std::optional<int> active_;
  std::optional<int> previous_;
  bool probation_ = false;
  double baseline_confidence_ = 0.0;
  std::string boot_note_;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_MODEL_SLOTS_H_
