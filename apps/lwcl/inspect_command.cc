// `lwcl inspect PACKAGE`: what a model package holds, and whether a device
// would accept it: labels, input spec, DSP settings, layers, sizes, the arena
// it needs, its digest and its signature status.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "file_bytes.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "train/package_signer.h"

namespace lwcl::apps {
namespace {

std::string Str(tinyml::Span<const char> s) { return std::string(s.data, s.size); }

std::string Hex(tinyml::Span<const uint8_t> bytes) {
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

const char* FilterName(tinyml::FilterType f) {
  switch (f) {
    case tinyml::FilterType::kLowPass: return "low-pass";
    case tinyml::FilterType::kHighPass: return "high-pass";
    case tinyml::FilterType::kNone: break;
  }
  return "none";
}

struct InspectOptions {
  std::string package;
  std::string public_key;
  bool json = false;
};

nlohmann::json Describe(const tinyml::PackageView& p, size_t file_bytes,
                        const std::string& signature_status) {
  nlohmann::json j;
  j["name"] = Str(p.name);
  j["version"] = Str(p.version);
  j["format_version"] = p.format_version;
  j["delta"] = p.is_delta;
  if (p.is_delta) j["base_digest"] = Hex(p.base_digest);
  std::vector<std::string> labels;
  for (size_t i = 0; i < p.label_count; ++i) labels.push_back(Str(p.labels[i]));
  j["labels"] = labels;
  const auto& d = p.dsp;
  j["input"] = {{"axes", d.axes},
                {"rate_hz", d.sample_rate_hz},
                {"window_samples", d.window_samples},
                {"stride_samples", p.stride_samples},
                {"scale", d.scale}};
  j["dsp"] = {{"decimation", d.decimation},   {"filter", FilterName(d.filter)},
              {"cutoff_hz", d.filter_cutoff_hz}, {"order", d.filter_order},
              {"fft_length", d.fft_length},   {"overlap", d.overlap},
              {"log", d.log_spectrum},        {"features", p.feature_count}};
  size_t weights = 0;
  nlohmann::json layers = nlohmann::json::array();
  for (size_t i = 0; i < p.layer_count; ++i) {
    if (!(p.layer_mask & (1u << i))) continue;
    const auto& l = p.layers[i];
    weights += l.weights.size;
    layers.push_back({{"index", i}, {"in", l.in}, {"out", l.out}, {"relu", l.relu}});
  }
  j["layers"] = layers;
  j["sizes"] = {{"package_bytes", file_bytes},
                {"weight_bytes", weights},
                {"arena_bytes", tinyml::RequiredArenaBytes(p)}};
  j["digest"] = Hex(p.digest);
  j["signature"] = signature_status;
  return j;
}

void PrintText(const nlohmann::json& j) {
  std::printf("model      %s %s (package format %d%s)\n", j["name"].get<std::string>().c_str(),
              j["version"].get<std::string>().c_str(), j["format_version"].get<int>(),
              j["delta"].get<bool>() ? ", delta" : "");
  std::string labels;
  for (const auto& l : j["labels"]) labels += (labels.empty() ? "" : ", ") + l.get<std::string>();
  std::printf("labels     %s\n", labels.c_str());
  const auto& in = j["input"];
  std::printf("input      %d axes at %.3g Hz, window %d samples, stride %d, scale %g\n",
              in["axes"].get<int>(), in["rate_hz"].get<double>(),
              in["window_samples"].get<int>(), in["stride_samples"].get<int>(),
              in["scale"].get<double>());
  const auto& d = j["dsp"];
  std::printf("dsp        filter %s, fft %d, overlap %s, log %s -> %d features\n",
              d["filter"].get<std::string>().c_str(), d["fft_length"].get<int>(),
              d["overlap"].get<bool>() ? "on" : "off", d["log"].get<bool>() ? "on" : "off",
              d["features"].get<int>());
  for (const auto& l : j["layers"]) {
    std::printf("layer %d    dense %d -> %d%s, int8\n", l["index"].get<int>(), l["in"].get<int>(),
                l["out"].get<int>(), l["relu"].get<bool>() ? " + relu" : "");
  }
  const auto& s = j["sizes"];
  std::printf("sizes      package %zu B, weights %zu B, arena %zu B\n",
              s["package_bytes"].get<size_t>(), s["weight_bytes"].get<size_t>(),
              s["arena_bytes"].get<size_t>());
  std::printf("digest     sha256:%s\n", j["digest"].get<std::string>().c_str());
  std::printf("signature  %s\n", j["signature"].get<std::string>().c_str());
}

int Run(const InspectOptions& o) {
  const std::vector<uint8_t> bytes = ReadFileBytes(o.package);
  tinyml::PackageView view;
  const tinyml::Status st = tinyml::ReadPackage({bytes.data(), bytes.size()}, &view);
  if (st != tinyml::Status::kOk) {
    spdlog::error("{}: refused: {}", o.package, tinyml::StatusName(st));
    return 1;
  }
  std::string signature = view.signature.empty() ? "unsigned" : "present (not verified: give --pubkey)";
  int rc = 0;
  if (!o.public_key.empty()) {
    const auto key = train::PublicKeyFromPem(ReadFileText(o.public_key));
    const tinyml::Status vs = train::VerifyPackageSignature(bytes, key);
    signature = vs == tinyml::Status::kOk ? "valid (Ed25519)" : tinyml::StatusName(vs);
    if (vs != tinyml::Status::kOk) rc = 1;
  }
  const nlohmann::json j = Describe(view, bytes.size(), signature);
  if (o.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    PrintText(j);
  }
  return rc;
}

}  // namespace

void RegisterInspectCommand(CLI::App& app) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "Show what a model package holds and whether a device would accept it.\n\n"
      "Examples:\n"
      "  lwcl inspect motion.lwpkg\n"
      "  lwcl inspect motion.lwpkg --pubkey fleet.pub --json\n"
      "Exits 1 when the package is refused or its signature does not verify.");
  cmd->add_option("package", opts->package, "Model package file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--pubkey", opts->public_key, "Ed25519 public key (PEM) to verify the signature with")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  cmd->callback([opts] {
    const int rc = Run(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace lwcl::apps
