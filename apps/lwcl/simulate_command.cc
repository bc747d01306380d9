// `lwcl simulate`: writes a labelled dataset made by the motion simulator
// (device/motion_simulator.h), optionally under drift (device/drift.h), in
// the layout `lwcl train` reads as CSV class folders:
//
//   DIR/<pattern>/<pattern>_<NN>_<rate>Hz_g.csv   header x,y,z; values in g
//
// One continuous simulated run is cut into recordings at the pattern
// segments; the cross-fades between segments are left out, so every file
// holds one gesture only. Drift times are seconds of that run.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "device/drift.h"
#include "device/motion_simulator.h"

namespace lwcl::apps {
namespace {

namespace fs = std::filesystem;

struct SimulateFlags {
  std::string out;
  float seconds_per_pattern = 10.0f;
  int recordings = 8;
  std::vector<std::string> patterns = {"idle", "updown", "wave", "circle", "shake"};
  uint32_t seed = 1;
  float rate_hz = 26.0f;
  std::string drift;
  float noise_g = device::MotionSimulatorOptions{}.noise_g;
  float resolution_g = device::MotionSimulatorOptions{}.resolution_g;
  bool force = false;
  bool clips = false;  // short gesture clips: every segment 0.5-2 s, hard cuts
};

// "26" for whole rates, "62.5" otherwise: the loader reads the _<N>Hz_ token.
std::string RateToken(float rate_hz) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rate_hz);
  if (ec != std::errc()) throw std::runtime_error("cannot format the rate");
  return std::string(buf, end);
}

// A folder of ours from an earlier run: only CSV files in it.
bool IsSimulatedClassFolder(const fs::path& dir) {
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".csv") return false;
  }
  return true;
}

void PrepareOutput(const fs::path& out, bool force) {
  if (fs::exists(out) && !fs::is_directory(out)) {
    throw std::runtime_error(out.string() + " exists and is not a folder");
  }
  if (fs::exists(out) && !fs::is_empty(out)) {
    if (!force) {
      throw std::runtime_error(out.string() +
                               " is not empty: choose a new folder, or pass --force to replace "
                               "the simulated recordings in it");
    }
    std::vector<fs::path> ours;
    for (const fs::directory_entry& e : fs::directory_iterator(out)) {
      if (!e.is_directory() || !IsSimulatedClassFolder(e.path())) {
        throw std::runtime_error("--force replaces only class folders of CSV files, but " +
                                 out.string() + " holds " + e.path().filename().string() +
                                 ": refusing to delete it");
      }
      ours.push_back(e.path());
    }
    for (const fs::path& p : ours) fs::remove_all(p);
  }
  fs::create_directories(out);
}

void WriteCsv(const fs::path& file, const std::vector<device::Sample>& samples) {
  std::ofstream f(file, std::ios::binary);
  if (!f) throw std::runtime_error(file.string() + ": cannot write");
  f << "x,y,z\n";
  char buf[64];
  for (const device::Sample& s : samples) {
    for (size_t a = 0; a < 3; ++a) {
      // Shortest text that reads back to the same float.
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, s[a]);
      if (ec != std::errc()) throw std::runtime_error("cannot format a sample");
      f.write(buf, end - buf);
      f.put(a < 2 ? ',' : '\n');
    }
  }
  if (!f) throw std::runtime_error(file.string() + ": write failed");
}

void RunSimulate(const SimulateFlags& given) {
  SimulateFlags flags = given;
  flags.patterns.clear();  // once each, in the order given
  for (const std::string& p : given.patterns) {
    if (std::find(flags.patterns.begin(), flags.patterns.end(), p) == flags.patterns.end()) {
      flags.patterns.push_back(p);
    }
  }
  device::MotionSimulatorOptions options;
  options.rate_hz = flags.rate_hz;
  options.patterns = flags.patterns;
  options.seed = flags.seed;
  options.noise_g = flags.noise_g;
  options.resolution_g = flags.resolution_g;
  options.min_segment_s = flags.clips ? 0.5f : 0.75f * flags.seconds_per_pattern;
  options.max_segment_s = flags.clips ? 2.0f : 1.25f * flags.seconds_per_pattern;
  options.crossfade_s = flags.clips ? 0.0f : 0.5f;
  if (!flags.drift.empty()) {
    std::string error;
    if (!device::ParseDriftSpec(flags.drift, &options.drift, &error)) {
      throw CLI::ValidationError("--drift", error);
    }
  }
  const std::string problem = device::ValidateMotionSimulatorOptions(options);
  if (!problem.empty()) throw CLI::ValidationError("simulate", problem);

  const fs::path out(flags.out);
  PrepareOutput(out, flags.force);
  device::MotionSimulator sim(options);
  const std::string rate = RateToken(flags.rate_hz);
  const size_t wanted = static_cast<size_t>(flags.recordings);
  // A drift pattern with a large share could starve the listed ones: stop
  // after a generous number of segments whatever happens.
  const size_t max_recordings = 20 * wanted * flags.patterns.size() + 20;

  std::map<std::string, size_t> written;  // label -> files
  size_t total = 0;
  size_t complete = 0;  // listed patterns with `wanted` files
  std::vector<device::Sample> buffer;
  std::string label;
  const auto flush = [&] {
    if (buffer.empty()) return;
    const size_t n = ++written[label];
    if (n == wanted) {
      for (const std::string& p : flags.patterns) complete += p == label ? 1 : 0;
    }
    const fs::path dir = out / label;
    fs::create_directories(dir);
    char name[32];
    std::snprintf(name, sizeof name, "%02zu", n);
    WriteCsv(dir / (label + "_" + name + "_" + rate + "Hz_g.csv"), buffer);
    buffer.clear();
    ++total;
  };
  device::Sample s{};
  uint64_t segment = 0;
  while (complete < flags.patterns.size() && total < max_recordings) {
    sim.Next(&s);
    if (sim.in_transition()) {
      flush();
      continue;
    }
    // A hard cut (no cross-fade): a new segment is a new recording.
    if (!buffer.empty() && (sim.truth() != label || sim.segment_index() != segment)) flush();
    segment = sim.segment_index();
    label = std::string(sim.truth());
    buffer.push_back(s);
  }
  if (complete < flags.patterns.size()) {
    spdlog::warn("stopped after {} recordings: the drift's patterns took most segments", total);
  }
  std::string summary;
  for (const auto& [l, n] : written) summary += (summary.empty() ? "" : ", ") + l + " " + std::to_string(n);
  std::cout << "wrote " << total << " recordings (" << summary << ") of "
            << (flags.clips ? std::string("0.5-2") : "about " + std::to_string(flags.seconds_per_pattern))
            << " s at " << rate << " Hz to " << out.string()
            << (flags.drift.empty() ? "" : " with drift " + flags.drift) << "\n"
            << "simulated " << static_cast<long>(sim.time_s()) << " s; train with: lwcl train "
            << out.string() << "\n";
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app) {
  auto flags = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Write a labelled dataset of simulated hand gestures (a Thingy:91-like\n"
      "accelerometer: gravity on a tilted device, hand tremor, sensor noise, 12-bit\n"
      "+-2 g quantisation), one CSV class folder per pattern, that `lwcl train` reads.\n"
      "Patterns: idle, updown, wave, circle, shake (the default model's), figure8,\n"
      "tap (unseen ones, for drift experiments) and the mirrored strokes left, right,\n"
      "up, down (one movement each, for short gesture clips: --clips writes every\n"
      "repetition as its own 0.5-2 s recording). Every repetition varies amplitude,\n"
      "frequency, phase and how the device is held; the same --seed gives the same files.\n\n"
      "--drift SPEC injects drift on the run's clock (seconds), comma-separated:\n"
      "  kind[:param=value]...@start[-end]   (with -end: a linear ramp)\n"
      "  bias:x=G:y=G:z=G   gain:x=F|all=F   rotate:x=DEG:y=DEG:z=DEG   noise:sigma=G\n"
      "  rate:factor=F|hz=H (the sensor really samples at another rate than declared)\n"
      "  pattern:name=P[:share=S] (an unseen pattern joins the sequence)\n\n"
      "Examples:\n"
      "  lwcl simulate --out sim && lwcl train sim --out motion.lwpkg\n"
      "  lwcl simulate --out sim2 --patterns idle,wave,shake --seconds-per-pattern 6 --seed 7\n"
      "  lwcl simulate --out drifted --drift bias:x=0.2@60,rotate:z=30@120-180\n"
      "  lwcl simulate --out novel --drift pattern:name=figure8:share=0.3@0 --rate 62.5\n"
      "  lwcl simulate --out gestures --clips --patterns left,right,up,down --recordings 30");
  cmd->add_option("-o,--out", flags->out, "Folder to write the dataset to (new or empty)")
      ->required();
  cmd->add_option("--seconds-per-pattern", flags->seconds_per_pattern,
                  "Mean length of one recording (one pattern segment, +-25%), >= 4 s")
      ->capture_default_str()
      ->check(CLI::Range(4.0f, 3600.0f));
  cmd->add_option("--recordings", flags->recordings, "Recordings per pattern")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--patterns", flags->patterns, "Patterns to simulate (comma-separated)")
      ->delimiter(',')
      ->capture_default_str()
      ->check([](const std::string& p) {
        return device::IsKnownPattern(p)
                   ? std::string()
                   : "unknown pattern '" + p +
                         "' (known: " + std::string(device::kKnownPatternList) + ")";
      });
  cmd->add_option("--seed", flags->seed, "Seed of the simulation")->capture_default_str();
  cmd->add_option("--rate", flags->rate_hz, "Sample rate in Hz (the default model's: 26)")
      ->capture_default_str()
      ->check(CLI::Range(10.0f, 10000.0f));
  cmd->add_option("--drift", flags->drift, "Drift schedule, e.g. bias:x=0.2@60,rotate:z=30@120");
  cmd->add_option("--noise", flags->noise_g, "Sensor white noise, rms in g")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 10.0f));
  cmd->add_option("--resolution", flags->resolution_g,
                  "Quantisation step in g (0 = none; default 12-bit over +-2 g)")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 1.0f));
  cmd->add_flag("--clips", flags->clips,
                "Short gesture clips: every repetition its own recording of 0.5-2 s, no "
                "cross-fade (--seconds-per-pattern is then ignored)");
  cmd->add_flag("--force", flags->force,
                "Replace the class folders of CSV files already in --out");
  cmd->callback([flags] {
    try {
      RunSimulate(*flags);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace lwcl::apps
