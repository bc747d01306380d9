// `lwcl fleet`: N virtual devices (device::Fleet) in one process on a few
// threads, each with its own endpoint name (prefix + index), simulator seed
// (seed + index) and gesture schedule, registered with one server, until
// Ctrl-C/SIGTERM (then every device de-registers) or --duration. One status
// line every 10 s on stdout: devices registered and detections per second.
// With a coaps:// server, device i uses identity prefix+i and the key
// DerivePskKey(--psk-key-base, i) (the base bytes, then i as 4 bytes
// big-endian), so the server can be provisioned by the same rule.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "device_flags.h"
#include "device/drift.h"
#include "device/fleet.h"
#include "device/motion_simulator.h"
#include "file_bytes.h"

namespace lwcl::apps {
namespace {

constexpr const char* kDefaultModel = "build/demo/motion.lwpkg";

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct FleetSettings {
  size_t devices = 0;
  std::string server = "coap://127.0.0.1:5683";
  std::string prefix = "lwcl-dev-";
  size_t threads = 2;
  std::string model;
  uint32_t seed = 1;
  std::string psk_key_base;  // hex
  std::string fleet_key;     // file
  std::string slots;         // directory
  std::string patterns = "idle,updown,wave,circle,shake";
  std::string drift;       // drift schedule for the drifting devices
  size_t drift_every = 1;  // every K-th device (index % K == 0) drifts
  int learning_mode = 0;   // /33651/0/8 at start, every device
  int64_t lifetime_s = 300;
  double spread_s = -1;  // -1: devices / 50 s
  double duration_s = 0;
  double status_every_s = 10;
};

std::vector<std::string> SplitPatterns(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c != ',') {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

void RunFleet(const FleetSettings& s) {
  if (s.devices == 0) throw std::runtime_error("--devices must be at least 1");
  if (s.threads == 0) throw std::runtime_error("--threads must be at least 1");
  device::FleetOptions o;
  o.devices = s.devices;
  o.threads = s.threads;
  o.prefix = s.prefix;
  o.seed = s.seed;
  o.server = ParseServerFlag(s.server);
  o.lifetime_s = s.lifetime_s;
  if (!s.fleet_key.empty()) o.fleet_key = ReadFleetKeyFlag(s.fleet_key);
  o.slots_dir = s.slots;
  o.start_spread_s = s.spread_s >= 0 ? s.spread_s : static_cast<double>(s.devices) / 50.0;
  if (o.server.dtls) {
    if (s.psk_key_base.empty()) throw std::runtime_error("coaps:// needs --psk-key-base HEX");
    const std::vector<uint8_t> base = ParseHexFlag(s.psk_key_base, "--psk-key-base");
    o.psk_key = [base](size_t i) { return device::DerivePskKey(base, i); };
  } else if (!s.psk_key_base.empty()) {
    throw std::runtime_error("--psk-key-base needs a coaps:// --server");
  }
  // Flag errors before the (slower) model checks.
  device::DriftSchedule drift;
  std::string error;
  if (!s.drift.empty() && !device::ParseDriftSpec(s.drift, &drift, &error)) {
    throw std::runtime_error("--drift: " + error);
  }
  if (s.drift_every == 0) throw std::runtime_error("--drift-every must be at least 1");
  if (s.learning_mode < 0 || s.learning_mode > 2) {
    throw std::runtime_error("--learning-mode must be 0 (off), 1 (re-normalisation) or 2 (fine-tuning)");
  }
  o.app.learning_mode = s.learning_mode;
  std::string model_path = s.model;
  if (model_path.empty()) {
    if (!std::filesystem::exists(kDefaultModel)) {
      throw std::runtime_error(std::string("no model: pass --model FILE.lwpkg (none given, and ") + kDefaultModel +
                               " does not exist; `make demo` or `lwcl train ... --out " + kDefaultModel +
                               "` makes it)");
    }
    model_path = kDefaultModel;
  }
  o.model = ReadFileBytes(model_path);
  device::PatternDetector probe;
  if (!probe.LoadModel(o.model, &error)) throw std::runtime_error(model_path + ": " + error);
  const float rate = probe.package().dsp.sample_rate_hz;

  device::MotionSimulatorOptions sim;
  sim.rate_hz = rate;
  sim.patterns = SplitPatterns(s.patterns);
  if (std::string why = device::ValidateMotionSimulatorOptions(sim); !why.empty()) {
    throw std::runtime_error("--patterns: " + why);
  }
  o.make_source = [sim, drift, every = s.drift_every](size_t index, uint64_t seed) {
    device::MotionSimulatorOptions mine = sim;
    mine.seed = static_cast<uint32_t>(seed);
    if (index % every == 0) mine.drift = drift;
    return std::make_unique<device::MotionSimulator>(mine);
  };

  device::Fleet fleet(o);
  if (!fleet.Start(&error)) throw std::runtime_error(error);
  std::printf("lwcl fleet: %zu devices %s0..%s%zu on %zu threads, server %s, model %s\n", s.devices, s.prefix.c_str(),
              s.prefix.c_str(), s.devices - 1, s.threads, s.server.c_str(), model_path.c_str());
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  double next_status = s.status_every_s;
  uint64_t last_detections = 0;
  double last_time = 0;
  while (!g_stop && (s.duration_s <= 0 || elapsed() < s.duration_s)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const double now = elapsed();
    if (now >= next_status) {
      const device::FleetStatus st = fleet.status();
      const double rate_per_s = static_cast<double>(st.detections - last_detections) / (now - last_time);
      std::printf("fleet: %zu/%zu registered, %.1f detections/s (%llu total)\n", st.registered, st.devices,
                  rate_per_s, static_cast<unsigned long long>(st.detections));
      std::fflush(stdout);
      last_detections = st.detections;
      last_time = now;
      next_status += s.status_every_s;
    }
  }
  fleet.Stop(10.0);
  std::printf("fleet: %zu/%zu de-registered, %llu detections in %.0f s\n", fleet.deregistered(), s.devices,
              static_cast<unsigned long long>(fleet.status().detections), elapsed());
  std::fflush(stdout);
}

}  // namespace

void RegisterFleetCommand(CLI::App& app) {
  auto settings = std::make_shared<FleetSettings>();
  CLI::App* cmd = app.add_subcommand(
      "fleet",
      "Run N virtual devices in one process against one LwM2M server, until Ctrl-C (all de-register).\n"
      "Device i is named PREFIX+i, simulates its own gestures (seed SEED+i) and runs the model.\n\n"
      "Examples:\n"
      "  lwcl fleet --devices 50\n"
      "  lwcl fleet --devices 200 --threads 2 --server coap://127.0.0.1:5683 --model motion.lwpkg\n"
      "  lwcl fleet --devices 100 --drift rotate:z=30@120 --drift-every 10   # a tenth of them drift\n"
      "  lwcl fleet --devices 20 --drift gain:all=0.2@60 --learning-mode 1  # they re-calibrate by themselves\n"
      "  lwcl fleet --devices 20 --server coaps://127.0.0.1:5684 --psk-key-base 00112233\n"
      "    (device i's PSK identity is PREFIX+i, its key the base bytes then i as 4 bytes big-endian)\n"
      "  lwcl fleet --devices 100 --fleet-key fleet.pub   # every device takes signed models over /9");
  cmd->add_option("--devices", settings->devices, "How many devices")->required();
  cmd->add_option("--server", settings->server, "LwM2M server: coap://IPv4:PORT or coaps://IPv4:PORT")
      ->capture_default_str();
  cmd->add_option("--prefix", settings->prefix, "Endpoint name prefix")->capture_default_str();
  cmd->add_option("--threads", settings->threads, "Threads running the devices")->capture_default_str();
  cmd->add_option("--model", settings->model, std::string("Model package (default: ") + kDefaultModel + ")");
  cmd->add_option("--seed", settings->seed, "Base seed (device i uses seed + i)")->capture_default_str();
  cmd->add_option("--fleet-key", settings->fleet_key, "Ed25519 public key (PEM or hex) /9 packages must be signed with");
  cmd->add_option("--slots", settings->slots, "Directory keeping each device's model slots (DIR/ENDPOINT) across runs");
  cmd->add_option("--psk-key-base", settings->psk_key_base, "With coaps://: base of every device's PSK key, hex");
  cmd->add_option("--patterns", settings->patterns, "Gestures the devices cycle through")->capture_default_str();
  cmd->add_option("--drift", settings->drift, "Drift injectors on a schedule, e.g. rotate:z=30@60 (see lwcl device)");
  cmd->add_option("--drift-every", settings->drift_every, "Only every K-th device drifts (device index % K == 0)")
      ->capture_default_str();
  cmd->add_option("--learning-mode", settings->learning_mode, "/33651/0/8 at start: 0 off, 1 re-normalisation, 2 fine-tuning")
      ->capture_default_str();
  cmd->add_option("--lifetime", settings->lifetime_s, "Registration lifetime, seconds")->capture_default_str();
  cmd->add_option("--spread", settings->spread_s, "Seconds over which the devices start (default devices/50)");
  cmd->add_option("--duration", settings->duration_s, "Stop after this many seconds; 0: run until Ctrl-C")
      ->capture_default_str();
  cmd->add_option("--status-every", settings->status_every_s, "Seconds between status lines")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([settings] { RunFleet(*settings); });
}

}  // namespace lwcl::apps
