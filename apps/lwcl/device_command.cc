// `lwcl device`: one virtual device (device::VirtualDevice) that registers
// with an LwM2M server and runs the pattern detector on simulated motion or
// on a replayed recording, in real time, until Ctrl-C/SIGTERM (then it
// de-registers) or --duration. Settings come from defaults, then an optional
// JSON config file, then flags (a flag beats the file). Without --model it
// runs build/demo/motion.lwpkg (what `make demo` trains), and fails with a
// clear message when that is missing.
//
// stdout: one line when registered and one per detection start, so a person
// (or a script) sees what the server will see.
#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "device_flags.h"
#include "device/drift.h"
#include "device/motion_simulator.h"
#include "device/replay_source.h"
#include "device/virtual_device.h"
#include "file_bytes.h"
#include "train/csv_loader.h"
#include "train/dataset_loader.h"
#include "train/dataset_preparation.h"
#include "train/document_file.h"
#include "train/edge_impulse_loader.h"
#include "train/recording_format.h"

namespace lwcl::apps {
namespace {

constexpr const char* kDefaultModel = "build/demo/motion.lwpkg";

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct DeviceSettings {
  std::string config;
  std::string endpoint;
  std::string server = "coap://127.0.0.1:5683";
  std::string psk_identity;
  std::string psk_key;  // hex
  std::string model;
  std::string source = "sim";
  std::string patterns = "idle,updown,wave,circle,shake";
  std::string drift;
  uint32_t seed = 1;
  std::string state;
  std::string fleet_key;  // file
  std::string slots;      // directory
  int64_t lifetime_s = 300;
  float threshold = 0.6f;
  int learning_mode = 0;  // /33651/0/8 at start
  double duration_s = 0;  // 0: until a signal
};


std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void ApplyConfigFile(const std::string& path, DeviceSettings* s, const CLI::App& cmd) {
  const nlohmann::json j = nlohmann::json::parse(ReadFileText(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(path + ": not a JSON object");
  auto take = [&](const char* key, const char* flag, auto* field) {
    if (!j.contains(key) || cmd.count(flag) > 0) return;
    try {
      *field = j[key].get<std::decay_t<decltype(*field)>>();
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(path + ": \"" + key + "\" has the wrong type");
    }
  };
  take("endpoint", "--endpoint", &s->endpoint);
  take("server", "--server", &s->server);
  take("psk_identity", "--psk-identity", &s->psk_identity);
  take("psk_key", "--psk-key", &s->psk_key);
  take("model", "--model", &s->model);
  take("source", "--source", &s->source);
  if (j.contains("patterns") && j["patterns"].is_array() && cmd.count("--patterns") == 0) {
    std::string joined;
    for (const auto& p : j["patterns"]) {
      if (!p.is_string()) throw std::runtime_error(path + ": \"patterns\" must hold strings");
      joined += (joined.empty() ? "" : ",") + p.get<std::string>();
    }
    s->patterns = joined;
  } else {
    take("patterns", "--patterns", &s->patterns);
  }
  take("drift", "--drift", &s->drift);
  take("seed", "--seed", &s->seed);
  take("state", "--state", &s->state);
  take("fleet_key", "--fleet-key", &s->fleet_key);
  take("slots", "--slots", &s->slots);
  take("lifetime", "--lifetime", &s->lifetime_s);
  take("threshold", "--threshold", &s->threshold);
  take("learning_mode", "--learning-mode", &s->learning_mode);
  take("duration", "--duration", &s->duration_s);
  static const char* kKnown[] = {"endpoint", "server", "psk_identity", "psk_key", "model",     "source",  "patterns",
                                 "drift",    "seed",   "state",        "lifetime", "threshold", "duration",
                                 "fleet_key", "slots", "learning_mode"};
  for (const auto& [key, v] : j.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      throw std::runtime_error(path + ": unknown setting \"" + key + "\"");
    }
  }
}

std::vector<uint8_t> LoadModelBytes(std::string* path) {
  if (path->empty()) {
    if (!std::filesystem::exists(kDefaultModel)) {
      throw std::runtime_error(std::string("no model: pass --model FILE.lwpkg (none given, and ") + kDefaultModel +
                               " does not exist; `make demo` or `lwcl train ... --out " + kDefaultModel +
                               "` makes it)");
    }
    *path = kDefaultModel;
  }
  return ReadFileBytes(*path);
}

// One recording file (CSV, LwCL recording, Edge Impulse JSON/CBOR) or a
// dataset folder (every recording, in order), accelerometer axes only.
std::vector<train::Recording> LoadReplay(const std::string& path, float model_rate) {
  const std::filesystem::path p(path);
  if (!std::filesystem::exists(p)) throw std::runtime_error("--source replay:" + path + ": no such file or folder");
  std::vector<train::Recording> recs;
  if (std::filesystem::is_directory(p)) {
    train::Dataset d = train::LoadDataset(p, {});
    recs = std::move(d.recordings);
  } else {
    const std::string ext = p.extension().string();
    if (ext == ".json" || ext == ".cbor") {
      const nlohmann::json doc = train::ReadDocumentFile(p);
      recs.push_back(train::IsLwclRecording(doc) ? train::RecordingFromJson(doc, path)
                                                  : train::ParseEdgeImpulseAcquisition(doc, path));
    } else {
      train::CsvLoadOptions csv;
      if (!train::RateFromFileName(p.filename().string())) csv.sample_rate_hz = model_rate;
      recs.push_back(train::LoadCsvRecording(p, csv));
    }
  }
  for (train::Recording& r : recs) {
    r = train::SelectAxes(r, train::DefaultAxes(r));
    if (r.axes.size() != 3) throw std::runtime_error(r.source + ": needs 3 accelerometer axes");
    if (std::abs(r.sample_rate_hz - model_rate) > 0.01f * model_rate) {
      spdlog::info("{}: resampling {} Hz to the model's {} Hz", r.source, r.sample_rate_hz, model_rate);
      r = train::Resample(r, model_rate);
    }
  }
  return recs;
}

std::unique_ptr<device::SensorSource> MakeSource(const DeviceSettings& s, float model_rate) {
  if (s.source == "sim") {
    device::MotionSimulatorOptions o;
    o.rate_hz = model_rate;
    o.patterns = SplitList(s.patterns);
    o.seed = s.seed;
    if (!s.drift.empty()) {
      std::string error;
      if (!device::ParseDriftSpec(s.drift, &o.drift, &error)) throw std::runtime_error("--drift: " + error);
    }
    if (std::string why = device::ValidateMotionSimulatorOptions(o); !why.empty()) {
      throw std::runtime_error("--patterns/--drift: " + why);
    }
    return std::make_unique<device::MotionSimulator>(o);
  }
  if (s.source.rfind("replay:", 0) == 0) {
    if (!s.drift.empty()) spdlog::warn("--drift applies to the simulator only; ignored for a replay");
    std::vector<device::Sample> samples;
    std::vector<std::string> labels;
    for (const train::Recording& r : LoadReplay(s.source.substr(7), model_rate)) {
      const std::vector<device::Sample> part = device::SamplesFromInterleaved(r.samples, 3);
      samples.insert(samples.end(), part.begin(), part.end());
      labels.insert(labels.end(), part.size(), r.label);
    }
    if (samples.empty()) throw std::runtime_error("--source " + s.source + ": no samples");
    return std::make_unique<device::ReplaySource>(std::move(samples), model_rate, labels, /*loop=*/true);
  }
  throw std::runtime_error("--source " + s.source + ": expected sim or replay:FILE");
}

void RunDevice(DeviceSettings s, const CLI::App& cmd) {
  if (!s.config.empty()) ApplyConfigFile(s.config, &s, cmd);
  if (s.endpoint.empty()) throw std::runtime_error("--endpoint NAME is required (or \"endpoint\" in --config)");
  if (s.threshold <= 0.0f || s.threshold > 1.0f) throw std::runtime_error("--threshold must be in (0, 1]");
  if (s.lifetime_s < 30) throw std::runtime_error("--lifetime must be at least 30 s");
  if (s.learning_mode < 0 || s.learning_mode > 2) {
    throw std::runtime_error("--learning-mode must be 0 (off), 1 (re-normalisation) or 2 (fine-tuning)");
  }

  device::VirtualDeviceOptions o;
  o.endpoint = s.endpoint;
  o.server = ParseServerFlag(s.server);
  if (o.server.dtls) {
    if (s.psk_key.empty()) throw std::runtime_error("coaps:// needs --psk-key HEX (and --psk-identity, default the endpoint)");
    const std::string identity = s.psk_identity.empty() ? s.endpoint : s.psk_identity;
    o.server.psk_identity.assign(identity.begin(), identity.end());
    o.server.psk_key = ParseHexFlag(s.psk_key, "--psk-key");
  } else if (!s.psk_key.empty() || !s.psk_identity.empty()) {
    throw std::runtime_error("--psk-identity/--psk-key need a coaps:// --server");
  }
  o.lifetime_s = s.lifetime_s;
  o.state_file = s.state;
  if (!s.fleet_key.empty()) o.slots.fleet_key = ReadFleetKeyFlag(s.fleet_key);
  o.slots.state_dir = s.slots;
  o.app.detector.threshold = s.threshold;
  o.app.learning_mode = s.learning_mode;

  std::string model_path = s.model;
  const std::vector<uint8_t> model = LoadModelBytes(&model_path);
  // Read the package once to learn its rate before building the source.
  device::PatternDetector probe;
  std::string error;
  if (!probe.LoadModel(model, &error)) throw std::runtime_error(model_path + ": " + error);
  const float rate = probe.package().dsp.sample_rate_hz;

  device::VirtualDevice dev(o, MakeSource(s, rate));
  if (!dev.LoadModel(model, &error)) throw std::runtime_error(model_path + ": " + error);
  if (!dev.Start(&error)) throw std::runtime_error(error);
  const auto& labels = dev.app().detector().labels();
  std::string label_list;
  for (const std::string& l : labels) label_list += (label_list.empty() ? "" : ",") + l;
  std::printf("lwcl device %s: model %s %s (%s) at %.0f Hz, source %s, server %s\n", s.endpoint.c_str(),
              dev.app().detector().model_name().c_str(), dev.app().detector().model_version().c_str(),
              label_list.c_str(), static_cast<double>(rate), s.source.c_str(), s.server.c_str());
  std::fflush(stdout);

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const auto t0 = std::chrono::steady_clock::now();
  bool was_registered = false;
  std::optional<size_t> was_active;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  while (!g_stop && (s.duration_s <= 0 || elapsed() < s.duration_s)) {
    dev.Step(10);
    if (dev.registered() != was_registered) {
      was_registered = dev.registered();
      std::printf("%s %s\n", was_registered ? "registered" : "not registered", s.endpoint.c_str());
      std::fflush(stdout);
    }
    const std::optional<size_t> active = dev.app().detector().active();
    if (active != was_active) {
      if (active) {
        std::printf("detected %s (count %llu, truth %s)\n", labels[*active].c_str(),
                    static_cast<unsigned long long>(dev.app().detector().count(*active)),
                    std::string(dev.source().truth()).c_str());
        std::fflush(stdout);
      }
      was_active = active;
    }
    if (dev.source_ended()) break;
  }
  dev.Deregister();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!dev.deregistered() && std::chrono::steady_clock::now() < deadline) dev.Step(20);
  std::printf("%s %s: %llu detections in %.0f s\n", dev.deregistered() ? "de-registered" : "gave up de-registering",
              s.endpoint.c_str(), static_cast<unsigned long long>(dev.app().detector().total_detections()), elapsed());
  std::fflush(stdout);
}

}  // namespace

void RegisterDeviceCommand(CLI::App& app) {
  auto settings = std::make_shared<DeviceSettings>();
  CLI::App* cmd = app.add_subcommand(
      "device",
      "Run one virtual device: simulated (or replayed) motion, the pattern detector, and an LwM2M client\n"
      "registered with the server, until Ctrl-C (it de-registers) or --duration.\n\n"
      "Objects: /33650 Pattern Detector (one instance per label), /3311 LED, /3313 accelerometer,\n"
      "/33651 ML inference, /3 Device, /1 Server. The server picks how often it hears about detections:\n"
      "observe /33650 with pmin=0 for every detection, or write pmin=N&pmax=N for a counter every N s.\n\n"
      "Examples:\n"
      "  lwcl device --endpoint dev-1\n"
      "  lwcl device --endpoint dev-1 --model motion.lwpkg --patterns idle,wave,shake --seed 3\n"
      "  lwcl device --endpoint dev-1 --server coaps://127.0.0.1:5684 --psk-identity dev-1 --psk-key 00112233\n"
      "  lwcl device --endpoint dev-1 --source replay:recordings/wave_26Hz_g.csv\n"
      "  lwcl device --endpoint dev-1 --drift bias:x=0.2@60,rotate:z=30@120-180 --duration 300\n"
      "  lwcl device --endpoint dev-1 --fleet-key fleet.pub --slots state/dev-1   # takes models over /9\n"
      "Model delivery: /9 Software Management, slot A = /9/0, slot B = /9/1. Without --fleet-key every\n"
      "package is refused; with --slots the slots and the running model survive restarts.\n"
      "Config file keys: endpoint, server, psk_identity, psk_key, model, source, patterns, drift, seed,\n"
      "state, fleet_key, slots, lifetime, threshold, learning_mode, duration.");
  cmd->add_option("--endpoint", settings->endpoint, "Endpoint name the device registers with");
  cmd->add_option("--server", settings->server, "LwM2M server: coap://IPv4:PORT or coaps://IPv4:PORT")
      ->capture_default_str();
  cmd->add_option("--psk-identity", settings->psk_identity, "DTLS PSK identity (default: the endpoint name)");
  cmd->add_option("--psk-key", settings->psk_key, "DTLS PSK key, hex");
  cmd->add_option("--model", settings->model, std::string("Model package (default: ") + kDefaultModel + ")");
  cmd->add_option("--fleet-key", settings->fleet_key, "Ed25519 public key (PEM or hex) /9 packages must be signed with");
  cmd->add_option("--slots", settings->slots, "Directory keeping the model slots across restarts");
  cmd->add_option("--source", settings->source, "sim (motion simulator) or replay:FILE (a recording or dataset folder, looped)")
      ->capture_default_str();
  cmd->add_option("--patterns", settings->patterns, "Gestures the simulator cycles through, comma-separated")
      ->capture_default_str();
  cmd->add_option("--drift", settings->drift, "Drift injectors for the simulator, e.g. bias:x=0.2@60");
  cmd->add_option("--seed", settings->seed, "Simulator seed")->capture_default_str();
  cmd->add_option("--state", settings->state, "State file: keeps /0, /1 and attributes across runs");
  cmd->add_option("--config", settings->config, "JSON config file (flags override it)")->check(CLI::ExistingFile);
  cmd->add_option("--lifetime", settings->lifetime_s, "Registration lifetime, seconds")->capture_default_str();
  cmd->add_option("--learning-mode", settings->learning_mode,
                  "/33651/0/8 at start: 0 off, 1 re-normalisation (re-calibrates a sensor whose gain drifted), "
                  "2 head fine-tuning on labelled samples (Adapt Now)")
      ->capture_default_str();
  cmd->add_option("--threshold", settings->threshold, "Minimum confidence of a detection's windows")
      ->capture_default_str();
  cmd->add_option("--duration", settings->duration_s, "Stop (and de-register) after this many seconds; 0: run until Ctrl-C")
      ->capture_default_str();
  cmd->callback([settings, cmd] { RunDevice(*settings, *cmd); });
}

}  // namespace lwcl::apps
