// `lwcl delta BASE NEW --out DELTA`: a head delta — NEW's replacement
// layers (by default its last one) and BASE's digest, so that a device
// running BASE receives a retrained head in a few hundred bytes instead of
// the whole package (docs/model-package.md). It refuses a NEW that is not
// BASE with those layers changed: every other layer, the labels, the DSP
// and the normalisation must be BASE's byte for byte, because the device
// keeps those from BASE and the merged model would not be NEW otherwise.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "file_bytes.h"
#include "tinyml/package/delta.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_writer.h"
#include "train/package_signer.h"

namespace lwcl::apps {
namespace {

struct DeltaOptions {
  std::string base;
  std::string next;
  std::string out;
  std::string sign_key;
  std::vector<int> layers;  // empty: the last one
};

// A package's bytes, 4-byte aligned, and its view into them.
struct Loaded {
  std::vector<uint32_t> words;
  size_t size = 0;
  tinyml::PackageView view;
};

void Load(const std::string& path, Loaded* p) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  p->size = bytes.size();
  p->words.assign((bytes.size() + 3) / 4, 0u);
  std::memcpy(p->words.data(), bytes.data(), bytes.size());
  const tinyml::Status st =
      tinyml::ReadPackage({reinterpret_cast<const uint8_t*>(p->words.data()), p->size}, &p->view);
  if (st != tinyml::Status::kOk) throw std::runtime_error(path + ": not a model package (" + tinyml::StatusName(st) + ")");
  if (p->view.is_delta) throw std::runtime_error(path + ": is a delta already; give two full packages");
}

template <typename T>
bool Same(tinyml::Span<const T> a, tinyml::Span<const T> b) {
  return a.size == b.size && (a.size == 0 || std::memcmp(a.data, b.data, a.size * sizeof(T)) == 0);
}

bool SameLayer(const tinyml::LayerView& a, const tinyml::LayerView& b) {
  return a.in == b.in && a.out == b.out && a.relu == b.relu && a.input_scale == b.input_scale &&
         a.input_zero_point == b.input_zero_point && a.output_scale == b.output_scale &&
         a.output_zero_point == b.output_zero_point && Same(a.weights, b.weights) &&
         Same(a.weight_scales, b.weight_scales) && Same(a.bias, b.bias) && Same(a.multiplier, b.multiplier) &&
         Same(a.shift, b.shift);
}

// Why NEW is not BASE with `replaced` layers changed; "" when it is.
std::string Mismatch(const tinyml::PackageView& base, const tinyml::PackageView& next, uint32_t replaced) {
  if (base.layer_count != next.layer_count) return "the two have a different number of layers";
  if (base.label_count != next.label_count) return "the label sets differ (a new label needs a full package)";
  for (size_t i = 0; i < base.label_count; ++i) {
    if (!Same(base.labels[i], next.labels[i])) return "the label sets differ (a new label needs a full package)";
  }
  if (std::memcmp(&base.dsp, &next.dsp, sizeof base.dsp) != 0 || base.stride_samples != next.stride_samples) {
    return "the DSP settings differ";
  }
  if (!Same(base.feature_mean, next.feature_mean) || !Same(base.feature_std, next.feature_std)) {
    return "the feature normalisation differs (the device keeps the base's)";
  }
  for (size_t i = 0; i < base.layer_count; ++i) {
    const tinyml::LayerView& a = base.layers[i];
    const tinyml::LayerView& b = next.layers[i];
    if (a.in != b.in || a.out != b.out) return "layer " + std::to_string(i) + " has another shape";
    if ((replaced & (1u << i)) == 0 && !SameLayer(a, b)) {
      return "layer " + std::to_string(i) + " differs, and it is not one the delta replaces";
    }
  }
  return {};
}

void Run(const DeltaOptions& o) {
  Loaded base;
  Loaded next;
  Load(o.base, &base);
  Load(o.next, &next);
  uint32_t mask = 0;
  if (o.layers.empty()) {
    mask = 1u << (next.view.layer_count - 1);
  } else {
    for (int l : o.layers) {
      if (l < 0 || static_cast<size_t>(l) >= next.view.layer_count) {
        throw CLI::ValidationError("--layers", "layer " + std::to_string(l) + " does not exist (the model has " +
                                                   std::to_string(next.view.layer_count) + ")");
      }
      mask |= 1u << l;
    }
  }
  const std::string why = Mismatch(base.view, next.view, mask);
  if (!why.empty()) throw std::runtime_error(o.next + " is not " + o.base + " with a retrained head: " + why);
  std::optional<train::Ed25519PrivateKey> key;
  if (!o.sign_key.empty()) {
    try {
      key = train::PrivateKeyFromPem(ReadFileText(o.sign_key));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(o.sign_key + ": " + e.what());
    }
  }
  tinyml::PackageView delta = next.view;
  delta.is_delta = true;
  delta.base_digest = base.view.digest;
  delta.layer_mask = mask;
  delta.golden_count = 0;
  delta.golden = {};
  std::vector<uint32_t> out(tinyml::PackageBytes(delta) / 4 + 1, 0u);
  size_t written = 0;
  const tinyml::Status st =
      tinyml::WritePackage(delta, {reinterpret_cast<uint8_t*>(out.data()), out.size() * 4}, &written);
  if (st != tinyml::Status::kOk) throw std::runtime_error(std::string("cannot write the delta: ") + tinyml::StatusName(st));
  const auto* b = reinterpret_cast<const uint8_t*>(out.data());
  std::vector<uint8_t> bytes(b, b + written);
  // What a device does with it, before anyone ships it: merge onto BASE.
  tinyml::PackageView check;
  if (tinyml::ReadPackage({bytes.data(), bytes.size()}, &check) != tinyml::Status::kOk ||
      tinyml::MergedPackageBytes(base.view, check) == 0) {
    throw std::runtime_error("the delta does not apply to its base (internal)");
  }
  if (key) bytes = train::SignPackage(bytes, *key);
  WriteFileBytes(o.out, bytes);
  std::printf("delta %s: %zu bytes (%s is %zu bytes), base sha256:%02x%02x%02x%02x..., %s\n", o.out.c_str(),
              bytes.size(), o.next.c_str(), next.size, base.view.digest[0], base.view.digest[1],
              base.view.digest[2], base.view.digest[3], key ? "signed" : "unsigned");
}

}  // namespace

void RegisterDeltaCommand(CLI::App& app) {
  auto o = std::make_shared<DeltaOptions>();
  CLI::App* cmd = app.add_subcommand(
      "delta",
      "Write a head delta: NEW's last layer (or --layers) for devices that run BASE.\n"
      "NEW must be BASE with only those layers changed (a retrained head).\n\n"
      "Examples:\n"
      "  lwcl delta motion-1.0.0.lwpkg motion-1.0.0-head2.lwpkg --out head2.lwpkg --sign-key fleet.key\n"
      "  lwcl delta base.lwpkg new.lwpkg --layers 1,2 --out d.lwpkg");
  cmd->add_option("base", o->base, "The package the devices run")->required()->check(CLI::ExistingFile);
  cmd->add_option("new", o->next, "The package with the retrained head")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", o->out, "Where to write the delta")->required();
  cmd->add_option("--sign-key", o->sign_key, "Ed25519 private key (PEM) to sign the delta with")
      ->check(CLI::ExistingFile);
  cmd->add_option("--layers", o->layers, "Layer indices the delta replaces (default: the last)")->delimiter(',');
  cmd->callback([o] {
    try {
      Run(*o);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace lwcl::apps
