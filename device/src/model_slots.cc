#include "device/model_slots.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tinyml/package/version_order.h"
#include "tinyml/runtime/golden_self_test.h"
#include "tinyml/runtime/memory_plan.h"

namespace lwcl::device {

using client::UpdateError;
using client::UpdatePhase;
using client::UpdateVerdict;

namespace {

std::string SlotName(int slot) { return slot == 0 ? "A" : "B"; }

std::vector<uint8_t> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Write-then-rename: a reader sees the old file or the new one, never half.
void WriteAtomically(const std::filesystem::path& p, std::span<const uint8_t> bytes) {
  const std::filesystem::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, p, ec);
}

bool AllowsDowngrade(std::string_view args) { return args.find("downgrade") != std::string_view::npos; }

tinyml::Span<const char> Chars(const std::string& s) { return {s.data(), s.size()}; }

}  // namespace

ModelSlots::ModelSlots(PatternDetectorApp& app, SlotOptions options)
    : app_(app), options_(std::move(options)), object_({HandlerFor(0), HandlerFor(1)}, options_.download) {}

client::UpdateHandler ModelSlots::HandlerFor(int slot) {
  client::UpdateHandler h;
  h.max_size = options_.max_package_bytes;
  h.verify = [this, slot](std::span<const uint8_t> b) { return Verify(slot, b); };
  h.install = [this, slot](std::span<const uint8_t> b, std::string_view args) { return Install(slot, b, args); };
  h.activate = [this, slot] { return Activate(slot); };
  h.deactivate = [this, slot] { Deactivate(slot); };
  h.rollback = [](const std::string&) {};  // a failed Run leaves the old model in force
  h.uninstall = [this, slot] { Uninstall(slot); };
  return h;
}

UpdateVerdict ModelSlots::Verify(int slot, std::span<const uint8_t> bytes) {
  const std::vector<uint8_t> none;
  CheckedPackage c = CheckPackage(bytes, options_.fleet_key, active_ ? slots_[*active_] : none);
  if (!c.verdict.ok()) return c.verdict;
  object_.SetPackageInfo(static_cast<uint16_t>(slot), c.name, c.version);
  staged_[slot] = std::move(c.full);
  staged_delta_[slot] = c.was_delta;
  return UpdateVerdict::Ok();
}

UpdateVerdict ModelSlots::Install(int slot, std::span<const uint8_t>, std::string_view args) {
  const std::vector<uint8_t>& candidate = staged_[slot];
  PatternDetector probe;
  std::string error;
  if (!probe.LoadModel(candidate, &error)) {
    return UpdateVerdict::Fail(UpdateError::kInstallFailed, "self-test: the model does not load: " + error);
  }
  std::vector<uint32_t> arena(tinyml::RequiredArenaBytes(probe.package()) / 4 + 1);
  tinyml::GoldenSelfTestResult golden;
  const tinyml::Status g = tinyml::RunGoldenSelfTest(
      probe.package(), {reinterpret_cast<uint8_t*>(arena.data()), arena.size() * 4}, &golden);
  if (g != tinyml::Status::kOk) {
    std::string why = "self-test: golden window " + std::to_string(golden.first_failure);
    if (!golden.class_matched) {
      why += " classified as " + probe.labels().at(golden.got_class);
    } else {
      why += g == tinyml::Status::kSelfTestFailed ? " gave another int8 output than recorded"
                                                   : std::string(" could not run (") + tinyml::StatusName(g) + ")";
    }
    return UpdateVerdict::Fail(UpdateError::kInstallFailed, why);
  }
  if (active_) {
    const tinyml::PackageView& running = app_.detector().package();
    const tinyml::PackageView& next = probe.package();
    if (next.dsp.axes != running.dsp.axes || next.dsp.sample_rate_hz != running.dsp.sample_rate_hz) {
      return UpdateVerdict::Fail(UpdateError::kInstallFailed,
                                 "self-test: the model reads " + std::to_string(next.dsp.axes) + " axes at " +
                                     std::to_string(next.dsp.sample_rate_hz) + " Hz; this sensor gives " +
                                     std::to_string(running.dsp.axes) + " at " +
                                     std::to_string(running.dsp.sample_rate_hz) + " Hz");
    }
    const LabelledScore labelled = app_.ScoreCandidate(probe);
    if (Regresses(labelled, options_.labelled_margin)) {
      return UpdateVerdict::Fail(UpdateError::kInstallFailed, "self-test: " + Describe(labelled));
    }
    const std::string now = app_.detector().model_version();
    const std::string cand = probe.model_version();
    if (!staged_delta_[slot] && tinyml::CompareVersions(Chars(cand), Chars(now)) != tinyml::VersionOrder::kNewer &&
        !AllowsDowngrade(args)) {
      return UpdateVerdict::Fail(UpdateError::kInstallFailed, "version " + cand + " is not newer than the running " +
                                                                  now + " (Install with 0='downgrade' to force it)");
    }
  }
  slots_[slot] = candidate;
  staged_[slot].clear();
  SaveSlot(slot);
  return UpdateVerdict::Ok();
}

bool ModelSlots::Run(int slot, std::string* error) {
  if (slots_[slot].empty()) {
    *error = "slot " + SlotName(slot) + " holds no model";
    return false;
  }
  return app_.LoadModel(slots_[slot], error);
}

UpdateVerdict ModelSlots::Activate(int slot) {
  if (active_ == slot) return UpdateVerdict::Ok();
  const double baseline = app_.detector().loaded() ? app_.detector().mean_confidence() : 0.0;
  std::string error;
  if (!Run(slot, &error)) return UpdateVerdict::Fail(UpdateError::kActivationFailed, "activation: " + error);
  const std::optional<int> before = active_;
  previous_ = before;
  active_ = slot;
  probation_ = before.has_value();
  baseline_confidence_ = baseline;
  SaveBoot();
  if (before) object_.pipeline(static_cast<uint16_t>(*before)).Stopped();
  return UpdateVerdict::Ok();
}

void ModelSlots::Deactivate(int slot) {
  if (active_ != slot) return;
  const int other = 1 - slot;
  std::string error;
  probation_ = false;
  if (object_.pipeline(static_cast<uint16_t>(other)).phase() == UpdatePhase::kInstalled && Run(other, &error)) {
    active_ = other;
    object_.pipeline(static_cast<uint16_t>(other)).Resumed();
  } else {
    active_.reset();  // no model runs until one is activated
  }
  previous_.reset();
  SaveBoot();
}

void ModelSlots::Uninstall(int slot) {
  slots_[slot].clear();
  staged_[slot].clear();
  if (!options_.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(options_.state_dir) / ("slot" + std::to_string(slot) + ".lwpkg"), ec);
  }
}

void ModelSlots::Push(const Sample& sample) {
  if (!active_) return;
  const uint64_t before = app_.detector().classifications();
  app_.Push(sample);
  if (probation_ && app_.detector().classifications() != before) CheckProbation();
}

void ModelSlots::CheckProbation() {
  const PatternDetector& d = app_.detector();
  if (d.classifications() < options_.probation_windows) return;
  const double floor = options_.min_confidence_ratio * baseline_confidence_;
  if (d.mean_confidence() >= floor) {
    probation_ = false;  // confirmed
    SaveBoot();
    return;
  }
  char why[160];
  std::snprintf(why, sizeof why, "probation: mean confidence %.3f over %llu windows < %.2f x %.3f (the previous model's)",
                d.mean_confidence(), static_cast<unsigned long long>(d.classifications()),
                options_.min_confidence_ratio, baseline_confidence_);
  Revert(*active_, why);
}

void ModelSlots::Revert(int from, const std::string& why) {
  probation_ = false;
  std::string error;
  if (!previous_ || !Run(*previous_, &error)) return;  // nothing to go back to: keep running
  active_ = previous_;
  previous_.reset();
  SaveBoot();
  object_.pipeline(static_cast<uint16_t>(from)).RolledBack(why);
  object_.pipeline(static_cast<uint16_t>(*active_)).Resumed();
}

void ModelSlots::SaveSlot(int slot) const {
  if (options_.state_dir.empty()) return;
  WriteAtomically(std::filesystem::path(options_.state_dir) / ("slot" + std::to_string(slot) + ".lwpkg"), slots_[slot]);
}

void ModelSlots::SaveBoot() const {
  if (options_.state_dir.empty()) return;
  std::string text = "active=" + (active_ ? std::to_string(*active_) : std::string("none")) + "\n" +
                     "confirmed=" + (probation_ ? "0" : "1") + "\n" +
                     "previous=" + (previous_ ? std::to_string(*previous_) : std::string("none")) + "\n";
  WriteAtomically(std::filesystem::path(options_.state_dir) / "boot",
                  {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

bool ModelSlots::Boot(std::span<const uint8_t> factory, std::string* error) {
  std::optional<int> want;
  bool confirmed = true;
  std::optional<int> previous;
  if (!options_.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.state_dir, ec);
    const std::filesystem::path dir(options_.state_dir);
    for (int i = 0; i < kSlots; ++i) slots_[i] = ReadFile(dir / ("slot" + std::to_string(i) + ".lwpkg"));
    const std::vector<uint8_t> record = ReadFile(dir / "boot");
    std::istringstream boot(std::string(record.begin(), record.end()));
    for (std::string line; std::getline(boot, line);) {
      if (line == "active=0" || line == "active=1") want = line.back() - '0';
      if (line == "confirmed=0") confirmed = false;
      if (line == "previous=0" || line == "previous=1") previous = line.back() - '0';
    }
  }
  std::optional<int> reverted;
  if (want && !confirmed && previous) {
    reverted = want;
    boot_note_ = "restarted while slot " + SlotName(*want) + " was on probation: back to slot " + SlotName(*previous);
    want = previous;
  }
  std::string why;
  std::optional<int> running;
  if (want && Run(*want, &why)) running = want;
  if (!running && want && Run(1 - *want, &why)) running = 1 - *want;
  if (!running) {
    if (factory.empty()) {
      *error = "no model to run: the state directory holds none and no package was given";
      return false;
    }
    slots_[0].assign(factory.begin(), factory.end());
    if (!Run(0, error)) return false;
    running = 0;
    SaveSlot(0);
  }
  active_ = running;
  previous_.reset();
  probation_ = false;
  SaveBoot();
  for (int i = 0; i < kSlots; ++i) {
    const auto iid = static_cast<uint16_t>(i);
    if (slots_[i].empty()) continue;
    if (reverted == i) {
      object_.Restore(iid, UpdatePhase::kInstalled, client::SwResult::kDeviceError, boot_note_);
    } else {
      object_.Restore(iid, i == *active_ ? UpdatePhase::kActive : UpdatePhase::kInstalled, client::SwResult::kInstalled);
    }
    PatternDetector probe;
    std::string e;
    if (probe.LoadModel(slots_[i], &e)) object_.SetPackageInfo(iid, probe.model_name(), probe.model_version());
  }
  return true;
}

}  // namespace lwcl::device
