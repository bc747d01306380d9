#include "device/drift.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
#include <system_error>

#include "device/motion_simulator.h"

namespace lwcl::device {
namespace {

std::optional<DriftKind> KindFromName(std::string_view name) {
  if (name == "bias") return DriftKind::kBias;
  if (name == "gain") return DriftKind::kGain;
  if (name == "rotate") return DriftKind::kRotate;
  if (name == "noise") return DriftKind::kNoise;
  if (name == "rate") return DriftKind::kRate;
  if (name == "pattern") return DriftKind::kPattern;
  return std::nullopt;
}

std::string_view ParamsOf(DriftKind kind) {
  switch (kind) {
    case DriftKind::kBias: return "x, y, z (g)";
    case DriftKind::kGain: return "x, y, z or all (factor)";
    case DriftKind::kRotate: return "x, y, z (degrees)";
    case DriftKind::kNoise: return "sigma (g)";
    case DriftKind::kRate: return "factor or hz";
    case DriftKind::kPattern: return "name, share";
  }
  return "";
}

bool ParamAllowed(DriftKind kind, std::string_view name) {
  const bool axis = name == "x" || name == "y" || name == "z";
  switch (kind) {
    case DriftKind::kBias:
    case DriftKind::kRotate: return axis;
    case DriftKind::kGain: return axis || name == "all";
    case DriftKind::kNoise: return name == "sigma";
    case DriftKind::kRate: return name == "factor" || name == "hz";
    case DriftKind::kPattern: return name == "name" || name == "share";
  }
  return false;
}

// A finite decimal number filling all of `text`.
std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool IsWord(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// Which parameters one injector has been given so far: a bit per name in
// kParamNames (to refuse repeats) and the facts its completeness check needs.
struct ParamsSeen {
  unsigned bits = 0;
  bool axis = false;
  bool sigma = false;
  bool rate = false;
  bool name = false;
};

constexpr std::string_view kParamNames[] = {"x",      "y",  "z",    "all",  "sigma",
                                            "factor", "hz", "name", "share"};

int AxisOf(std::string_view n) { return n == "x" ? 0 : n == "y" ? 1 : n == "z" ? 2 : -1; }

// "<start>" or "<start>-<end>" in seconds, after the '@'.
std::string ParseWhen(std::string_view when, DriftInjector* out) {
  const size_t dash = when.find('-', 1);  // a leading '-' is a (refused) sign
  const std::optional<double> start =
      ParseNumber(dash == std::string_view::npos ? when : when.substr(0, dash));
  if (!start) return "start time '" + std::string(when) + "' is not a number of seconds";
  if (*start < 0.0 || *start > 1.0e7) return "start time must be 0..1e7 seconds";
  out->start_s = *start;
  out->end_s = *start;
  if (dash != std::string_view::npos) {
    const std::optional<double> end = ParseNumber(when.substr(dash + 1));
    if (!end) return "ramp end '" + std::string(when.substr(dash + 1)) + "' is not a number";
    if (!(*end > *start) || *end > 1.0e7) return "ramp end must be after its start (and <= 1e7)";
    out->end_s = *end;
  }
  return {};
}

// One numeric name=value of an injector of `kind`; `bad_param` is the
// message for a name this kind does not take.
std::string ApplyNumber(DriftKind kind, std::string_view name, double v, ParamsSeen& seen,
                        const std::string& bad_param, DriftInjector* out) {
  const float f = static_cast<float>(v);
  switch (kind) {
    case DriftKind::kBias:
      if (AxisOf(name) < 0) return bad_param;
      if (std::fabs(v) > 16.0) return "bias must be within +-16 g";
      out->xyz[static_cast<size_t>(AxisOf(name))] = f;
      seen.axis = true;
      break;
    case DriftKind::kGain:
      if (AxisOf(name) < 0 && name != "all") return bad_param;
      if (!(v > 0.0) || v > 100.0) return "gain must be in (0, 100]";
      if (name == "all") {
        if (seen.bits & 0x7u) return "gain: give 'all' or per-axis factors, not both";
        out->xyz = {f, f, f};
      } else {
        if (seen.bits & 0x8u) return "gain: give 'all' or per-axis factors, not both";
        out->xyz[static_cast<size_t>(AxisOf(name))] = f;
      }
      seen.axis = true;
      break;
    case DriftKind::kRotate:
      if (AxisOf(name) < 0) return bad_param;
      if (std::fabs(v) > 360.0) return "rotation must be within +-360 degrees";
      out->xyz[static_cast<size_t>(AxisOf(name))] = f;
      seen.axis = true;
      break;
    case DriftKind::kNoise:
      if (name != "sigma") return bad_param;
      if (v < 0.0 || v > 10.0) return "noise sigma must be 0..10 g";
      out->value = f;
      seen.sigma = true;
      break;
    case DriftKind::kRate:
      if (name == "factor") {
        if (v < 0.1 || v > 10.0) return "rate factor must be 0.1..10";
        out->value = f;
      } else if (name == "hz") {
        if (v < 0.1 || v > 100000.0) return "rate hz must be 0.1..100000";
        out->rate_hz = f;
      } else {
        return bad_param;
      }
      if (seen.rate) return "rate: give factor or hz, not both";
      seen.rate = true;
      break;
    case DriftKind::kPattern:
      if (name != "share") return bad_param;
      if (v < 0.0 || v > 1.0) return "pattern share must be 0..1";
      out->value = f;
      break;
  }
  return {};
}

// One name=value parameter of an injector of `kind` (named `kind_name`).
std::string ApplyParam(DriftKind kind, std::string_view kind_name, std::string_view param,
                       ParamsSeen& seen, DriftInjector* out) {
  const size_t eq = param.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == param.size()) {
    return "parameter '" + std::string(param) + "' is not name=value";
  }
  const std::string_view name = param.substr(0, eq);
  const std::string_view value_text = param.substr(eq + 1);
  const std::string bad_param = "unknown parameter '" + std::string(name) + "' (" +
                                std::string(kind_name) + " takes " + std::string(ParamsOf(kind)) +
                                ")";
  unsigned bit = 0;
  for (unsigned i = 0; i < std::size(kParamNames); ++i) {
    if (kParamNames[i] == name) bit = 1u << i;
  }
  if (bit == 0 || !ParamAllowed(kind, name)) return bad_param;
  if (seen.bits & bit) return "parameter '" + std::string(name) + "' given twice";
  seen.bits |= bit;

  if (kind == DriftKind::kPattern && name == "name") {
    if (!IsWord(value_text)) return "pattern name '" + std::string(value_text) + "' is not a lower-case word";
    if (!IsKnownPattern(value_text)) {
      return "unknown pattern '" + std::string(value_text) +
             "' (known: " + std::string(kKnownPatternList) + ")";
    }
    out->pattern = std::string(value_text);
    seen.name = true;
    return {};
  }
  const std::optional<double> v = ParseNumber(value_text);
  if (!v) return "value of '" + std::string(name) + "' ('" + std::string(value_text) + "') is not a number";
  return ApplyNumber(kind, name, *v, seen, bad_param, out);
}

// What each kind cannot do without.
std::string CheckComplete(DriftKind kind, std::string_view kind_name, const ParamsSeen& seen) {
  switch (kind) {
    case DriftKind::kBias:
    case DriftKind::kGain:
    case DriftKind::kRotate:
      if (!seen.axis) return std::string(kind_name) + " needs at least one of " + std::string(ParamsOf(kind));
      break;
    case DriftKind::kNoise:
      if (!seen.sigma) return "noise needs sigma=<g>";
      break;
    case DriftKind::kRate:
      if (!seen.rate) return "rate needs factor=<F> or hz=<H>";
      break;
    case DriftKind::kPattern:
      if (!seen.name) return "pattern needs name=<pattern>";
      break;
  }
  return {};
}

// Parses one injector; returns an error message or empty.
std::string ParseInjector(std::string_view text, DriftInjector* out) {
  const size_t at = text.rfind('@');
  if (at == std::string_view::npos) return "no start time: expected '@<seconds>' at the end";
  const std::string_view head = text.substr(0, at);
  if (std::string error = ParseWhen(text.substr(at + 1), out); !error.empty()) return error;

  const size_t colon = head.find(':');
  const std::string_view kind_name = head.substr(0, colon);
  const std::optional<DriftKind> kind = KindFromName(kind_name);
  if (!kind) {
    return "unknown injector '" + std::string(kind_name) +
           "' (expected bias, gain, rotate, noise, rate or pattern)";
  }
  out->kind = *kind;
  if (*kind == DriftKind::kGain) out->xyz = {1.0f, 1.0f, 1.0f};
  if (*kind == DriftKind::kPattern) out->value = 0.25f;

  std::string_view rest = colon == std::string_view::npos ? std::string_view() : head.substr(colon + 1);
  if (colon != std::string_view::npos && rest.empty()) return "empty parameter after ':'";
  ParamsSeen seen;
  while (!rest.empty()) {
    const size_t next = rest.find(':');
    const std::string_view param = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (next != std::string_view::npos && rest.empty()) return "empty parameter after ':'";
    if (std::string error = ApplyParam(*kind, kind_name, param, seen, out); !error.empty()) {
      return error;
    }
  }
  return CheckComplete(*kind, kind_name, seen);
}

// Row-major 3x3 product a * b.
std::array<float, 9> Multiply(const std::array<float, 9>& a, const std::array<float, 9>& b) {
  std::array<float, 9> r{};
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = 0; j < 3; ++j) {
      float s = 0.0f;
      for (size_t k = 0; k < 3; ++k) s += a[i * 3 + k] * b[k * 3 + j];
      r[i * 3 + j] = s;
    }
  }
  return r;
}

// Rotation about x, then y, then z, by the given degrees.
std::array<float, 9> RotationXyz(const std::array<float, 3>& degrees) {
  constexpr float kRad = std::numbers::pi_v<float> / 180.0f;
  const float cx = std::cos(degrees[0] * kRad), sx = std::sin(degrees[0] * kRad);
  const float cy = std::cos(degrees[1] * kRad), sy = std::sin(degrees[1] * kRad);
  const float cz = std::cos(degrees[2] * kRad), sz = std::sin(degrees[2] * kRad);
  const std::array<float, 9> rx = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
  const std::array<float, 9> ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
  const std::array<float, 9> rz = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
  return Multiply(rz, Multiply(ry, rx));
}

// 0 before start, 1 after end, linear between.
float RampFraction(const DriftInjector& inj, double t) {
  if (t < inj.start_s) return 0.0f;
  if (t >= inj.end_s) return 1.0f;
  return static_cast<float>((t - inj.start_s) / (inj.end_s - inj.start_s));
}

}  // namespace

std::string_view DriftKindName(DriftKind kind) {
  switch (kind) {
    case DriftKind::kBias: return "bias";
    case DriftKind::kGain: return "gain";
    case DriftKind::kRotate: return "rotate";
    case DriftKind::kNoise: return "noise";
    case DriftKind::kRate: return "rate";
    case DriftKind::kPattern: return "pattern";
  }
  return "?";
}

bool ParseDriftSpec(std::string_view spec, DriftSchedule* out, std::string* error) {
  DriftSchedule parsed;
  size_t patterns = 0;
  if (spec.empty()) {
    if (error) *error = "empty drift spec (expected e.g. bias:x=0.2@60)";
    return false;
  }
  size_t index = 0;
  while (true) {
    ++index;
    const size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    if (item.empty()) {
      if (error) *error = "drift spec: injector " + std::to_string(index) + " is empty (stray ',')";
      return false;
    }
    DriftInjector inj;
    const std::string message = ParseInjector(item, &inj);
    if (!message.empty()) {
      if (error) {
        *error = "drift spec: injector " + std::to_string(index) + " '" + std::string(item) +
                 "': " + message;
      }
      return false;
    }
    if (inj.kind == DriftKind::kPattern && ++patterns > kMaxDriftPatterns) {
      if (error) *error = "drift spec: at most " + std::to_string(kMaxDriftPatterns) + " pattern injectors";
      return false;
    }
    parsed.injectors.push_back(std::move(inj));
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  if (out) *out = std::move(parsed);
  return true;
}

DriftState EvaluateDrift(const DriftSchedule& schedule, double time_s, float declared_rate_hz) {
  DriftState s;
  float noise_var = 0.0f;
  for (const DriftInjector& inj : schedule.injectors) {
    const float w = RampFraction(inj, time_s);
    if (w <= 0.0f) continue;
    switch (inj.kind) {
      case DriftKind::kBias:
        for (size_t a = 0; a < 3; ++a) s.bias[a] += w * inj.xyz[a];
        break;
      case DriftKind::kGain:
        for (size_t a = 0; a < 3; ++a) s.gain[a] *= 1.0f + w * (inj.xyz[a] - 1.0f);
        break;
      case DriftKind::kRotate:
        s.rotation = Multiply(RotationXyz({w * inj.xyz[0], w * inj.xyz[1], w * inj.xyz[2]}), s.rotation);
        break;
      case DriftKind::kNoise:
        noise_var += (w * inj.value) * (w * inj.value);
        break;
      case DriftKind::kRate: {
        const float factor = inj.rate_hz > 0.0f && declared_rate_hz > 0.0f
                                 ? inj.rate_hz / declared_rate_hz
                                 : inj.value;
        s.rate_factor *= 1.0f + w * (factor - 1.0f);
        break;
      }
      case DriftKind::kPattern:
        if (s.pattern_count < kMaxDriftPatterns) {
          s.patterns[s.pattern_count] = inj.pattern;
          s.pattern_shares[s.pattern_count] = w * inj.value;
          ++s.pattern_count;
        }
        break;
    }
  }
  for (float& g : s.gain) g = std::clamp(g, kDriftFactorMin, kDriftFactorMax);
  s.rate_factor = std::clamp(s.rate_factor, kDriftFactorMin, kDriftFactorMax);
  s.noise_g = std::sqrt(noise_var);
  return s;
}

Sample ApplyDrift(const DriftState& state, const Sample& reading) {
  Sample out{};
  for (size_t i = 0; i < 3; ++i) {
    const float r = state.rotation[i * 3] * reading[0] + state.rotation[i * 3 + 1] * reading[1] +
                    state.rotation[i * 3 + 2] * reading[2];
    out[i] = r * state.gain[i] + state.bias[i];
  }
  return out;
}

}  // namespace lwcl::device
