#include "device/motion_simulator.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>

namespace lwcl::device {
namespace {

constexpr float kTwoPi = 2.0f * std::numbers::pi_v<float>;

// Every gesture the simulator knows; indices are the Segment::pattern values.
enum PatternId : int {
  kIdle, kUpdown, kWave, kCircle, kShake, kFigure8, kTap, kLeft, kRight, kUp, kDown, kPatternCount
};
constexpr std::array<std::string_view, kPatternCount> kNames = {
    "idle", "updown", "wave", "circle", "shake", "figure8", "tap", "left", "right", "up", "down"};

// The strokes: one movement of the hand along a direction and back to rest,
// mirrored in pairs (left/right along device x, up/down along gravity).
bool IsStroke(int pattern) { return pattern >= kLeft && pattern <= kDown; }
std::array<float, 3> StrokeDirection(int pattern) {
  switch (pattern) {
    case kLeft: return {-1.0f, 0.0f, 0.0f};
    case kRight: return {1.0f, 0.0f, 0.0f};
    case kUp: return {0.0f, 0.0f, 1.0f};
    default: return {0.0f, 0.0f, -1.0f};
  }
}

// Nominal amplitude (g) and frequency (Hz) of each gesture. Chosen from what
// a hand does: moving +-10 cm at 1.5 Hz is ~0.9 g peak, shaking a phone is
// 5-10 Hz at over 1 g.
struct Nominal {
  float amplitude;
  float frequency;
};
constexpr std::array<Nominal, kPatternCount> kNominal = {{
    {0.0f, 0.0f},  // idle
    {0.6f, 1.5f},  // updown
    {0.7f, 2.0f},  // wave
    {0.6f, 1.4f},  // circle
    {1.1f, 7.5f},  // shake
    {0.5f, 1.0f},  // figure8
    {1.0f, 0.0f},  // tap
    // Strokes: amplitude and frequency are set per repetition from a
    // travel and a duration (StartSegment).
    {0.0f, 0.0f}, {0.0f, 0.0f}, {0.0f, 0.0f}, {0.0f, 0.0f},
}};

int PatternIndex(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// Specific force in the device frame for world-frame motion `a` (g), with
// the device tilted by `rx` about x then `ry` about y: R^T (a + up).
std::array<float, 3> ToDevice(const std::array<float, 3>& a, float rx, float ry) {
  const float wx = a[0], wy = a[1], wz = a[2] + 1.0f;
  // R = Ry * Rx; R^T = Rx^T * Ry^T.
  const float cy = std::cos(ry), sy = std::sin(ry);
  const float ux = cy * wx - sy * wz;
  const float uz = sy * wx + cy * wz;
  const float cx = std::cos(rx), sx = std::sin(rx);
  return {ux, cx * wy + sx * uz, -sx * wy + cx * uz};
}

}  // namespace

bool IsKnownPattern(std::string_view name) { return PatternIndex(name) >= 0; }

std::string ValidateMotionSimulatorOptions(const MotionSimulatorOptions& o) {
  if (!(o.rate_hz >= 1.0f && o.rate_hz <= 10000.0f)) return "rate must be 1..10000 Hz";
  for (const std::string& p : o.patterns) {
    if (!IsKnownPattern(p)) {
      return "unknown pattern '" + p + "' (known: " + std::string(kKnownPatternList) + ")";
    }
  }
  if (!(o.min_segment_s > 0.0f) || !(o.max_segment_s >= o.min_segment_s) || o.max_segment_s > 1.0e6f) {
    return "segment durations must satisfy 0 < min <= max <= 1e6 s";
  }
  if (!(o.crossfade_s >= 0.0f) || !(o.crossfade_s < o.min_segment_s)) {
    return "the cross-fade must be shorter than the shortest segment";
  }
  if (!(o.variation >= 0.0f && o.variation <= 0.9f)) return "variation must be 0..0.9";
  if (!(o.tremor_g >= 0.0f && o.tremor_g <= 1.0f)) return "tremor must be 0..1 g";
  if (!(o.noise_g >= 0.0f && o.noise_g <= 10.0f)) return "noise must be 0..10 g";
  if (!(o.range_g > 0.0f && o.range_g <= 1000.0f)) return "range must be in (0, 1000] g";
  if (!(o.resolution_g >= 0.0f && o.resolution_g < o.range_g)) {
    return "resolution must be 0 (none) or below the range";
  }
  size_t patterns = 0;
  for (const DriftInjector& inj : o.drift.injectors) {
    if (inj.kind != DriftKind::kPattern) continue;
    if (!IsKnownPattern(inj.pattern)) return "drift: unknown pattern '" + inj.pattern + "'";
    if (++patterns > kMaxDriftPatterns) return "drift: too many pattern injectors";
  }
  return {};
}

MotionSimulator::MotionSimulator(MotionSimulatorOptions options)
    : options_(std::move(options)), rng_(options_.seed) {
  const std::string problem = ValidateMotionSimulatorOptions(options_);
  if (!problem.empty()) throw std::invalid_argument(problem);
  for (const std::string& p : options_.patterns) round_.push_back(PatternIndex(p));
  if (round_.empty()) round_.push_back(kIdle);
  round_pos_ = round_.size();  // the first pick shuffles
  tremor_freq_ = std::min(8.0f + 4.0f * uniform_(rng_), 0.4f * options_.rate_hz);
  tremor_phase_ = kTwoPi * uniform_(rng_);
  StartSegment(&current_, 0.0);
}

int MotionSimulator::PickPattern(double start_s) {
  // A drift-injected pattern takes its share first.
  if (!options_.drift.empty()) {
    const DriftState drift = EvaluateDrift(options_.drift, start_s, options_.rate_hz);
    for (size_t i = 0; i < drift.pattern_count; ++i) {
      if (uniform_(rng_) < drift.pattern_shares[i]) return PatternIndex(drift.patterns[i]);
    }
  }
  if (round_pos_ >= round_.size()) {
    const int last = segment_index_ == 0 ? -1 : round_.back();
    std::shuffle(round_.begin(), round_.end(), rng_);
    // No gesture twice in a row across a round boundary (when avoidable).
    if (round_.size() > 1 && round_.front() == last) std::swap(round_.front(), round_.back());
    round_pos_ = 0;
  }
  return round_[round_pos_++];
}

void MotionSimulator::StartSegment(Segment* seg, double start_s) {
  Segment s;
  s.pattern = PickPattern(start_s);
  const float v = options_.variation;
  const auto vary = [&] { return 1.0f + v * (2.0f * uniform_(rng_) - 1.0f); };
  s.start_s = start_s;
  s.end_s = start_s + static_cast<double>(options_.min_segment_s +
                                          (options_.max_segment_s - options_.min_segment_s) *
                                              uniform_(rng_));
  const Nominal& nominal = kNominal[static_cast<size_t>(s.pattern)];
  s.amplitude = nominal.amplitude * vary();
  // Keep every gesture below the Nyquist rate of the declared rate.
  s.frequency = std::min(nominal.frequency * vary(), 0.4f * options_.rate_hz);
  s.phase = kTwoPi * uniform_(rng_);
  // How the hand holds the device this time: within ~10 degrees of flat.
  s.tilt_x = 0.17f * gauss_(rng_);
  s.tilt_y = 0.17f * gauss_(rng_);
  s.next_tap_s = 0.1f + 0.4f * uniform_(rng_);
  if (IsStroke(s.pattern)) {
    // One stroke of 0.4-0.8 s (never longer than the segment), somewhere in
    // it, over 15-35 cm: acceleration A sin(2 pi t / T) travels A T^2 / 2 pi.
    const auto length = static_cast<float>(s.end_s - s.start_s);
    const float duration = std::min(length, 0.4f + 0.4f * uniform_(rng_));
    const float travel_m = 0.15f + 0.2f * uniform_(rng_);
    s.frequency = std::min(1.0f / duration, 0.4f * options_.rate_hz);
    s.amplitude = kTwoPi * travel_m * s.frequency * s.frequency / 9.81f;
    s.phase = 0.0f;
    s.stroke_start_s = (length - duration) * uniform_(rng_);
  }
  *seg = s;
  ++segment_index_;
}

std::array<float, 3> MotionSimulator::Step(Segment* s, float dt) {
  // Slow random wander (time constant ~2 s) of amplitude and frequency:
  // no two cycles of a human gesture are the same.
  const float keep = std::exp(-dt / 2.0f);
  const float fresh = std::sqrt(1.0f - keep * keep);
  s->wander_amp = keep * s->wander_amp + fresh * gauss_(rng_);
  s->wander_freq = keep * s->wander_freq + fresh * gauss_(rng_);
  const float amp = s->amplitude * (1.0f + 0.12f * s->wander_amp);
  const float freq = s->frequency * (1.0f + 0.06f * s->wander_freq);
  s->phase = std::fmod(s->phase + kTwoPi * freq * dt, kTwoPi * 64.0f);
  const float ph = s->phase;
  const float nyquist_guard = 0.45f * options_.rate_hz;

  std::array<float, 3> a = {0.0f, 0.0f, 0.0f};
  float roll = 0.0f;  // extra tilt about y (wave's wrist roll)
  switch (s->pattern) {
    case kIdle:
      break;
    case kUpdown:
      a = {0.05f * amp * std::sin(ph + 0.5f), 0.0f, amp * std::sin(ph)};
      break;
    case kWave:
      a = {amp * std::sin(ph), 0.08f * amp * std::sin(ph + 1.0f),
           2.0f * freq < nyquist_guard ? 0.15f * amp * std::sin(2.0f * ph) : 0.0f};
      roll = 0.35f * std::cos(ph);
      break;
    case kCircle:
      a = {amp * std::cos(ph), amp * std::sin(ph), 0.0f};
      break;
    case kShake: {
      const float harmonic = 2.0f * freq < nyquist_guard ? 0.3f * amp * std::sin(2.0f * ph + 1.0f) : 0.0f;
      a = {amp * std::sin(ph) + harmonic, 0.35f * amp * std::sin(ph + 0.7f),
           0.2f * amp * std::sin(ph + 2.1f)};
      break;
    }
    case kFigure8:
      a = {amp * std::sin(ph),
           2.0f * freq < nyquist_guard ? amp * std::sin(2.0f * ph) : 0.0f, 0.0f};
      break;
    case kTap: {
      const float t = static_cast<float>(time_s_ - s->start_s);
      if (t >= s->next_tap_s) {
        s->tap_age_s = t - s->next_tap_s;
        s->next_tap_s += 0.4f + 0.4f * uniform_(rng_);
      } else {
        s->tap_age_s += dt;
      }
      a = {0.0f, 0.0f, -amp * std::exp(-s->tap_age_s / 0.04f)};
      break;
    }
    default:
      if (IsStroke(s->pattern)) {
        // Exactly one cycle, at the drawn frequency (no wander: it must end at rest).
        const float t = static_cast<float>(time_s_ - s->start_s) - s->stroke_start_s;
        const float cycle = kTwoPi * s->frequency * t;
        const float push = t >= 0.0f && cycle < kTwoPi ? s->amplitude * std::sin(cycle) : 0.0f;
        const std::array<float, 3> d = StrokeDirection(s->pattern);
        a = {push * d[0], push * d[1], push * d[2]};
      }
      break;
  }
  return ToDevice(a, s->tilt_x, s->tilt_y + roll);
}

bool MotionSimulator::Next(Sample* out) {
  const DriftState drift = EvaluateDrift(options_.drift, time_s_, options_.rate_hz);
  const float dt = 1.0f / (options_.rate_hz * drift.rate_factor);

  // Cross-fade window centred on the end of the current segment.
  const double half = 0.5 * static_cast<double>(options_.crossfade_s);
  if (!have_next_ && time_s_ >= current_.end_s - half) {
    StartSegment(&next_, current_.end_s);
    have_next_ = true;
  }
  if (have_next_ && time_s_ >= current_.end_s + half) {
    current_ = next_;
    have_next_ = false;
  }

  std::array<float, 3> g = Step(&current_, dt);
  in_transition_ = false;
  truth_is_next_ = false;
  if (have_next_) {
    const std::array<float, 3> n = Step(&next_, dt);
    const float w = half > 0.0
                        ? static_cast<float>((time_s_ - (current_.end_s - half)) / (2.0 * half))
                        : 1.0f;
    for (size_t i = 0; i < 3; ++i) g[i] = (1.0f - w) * g[i] + w * n[i];
    in_transition_ = true;
    truth_is_next_ = w >= 0.5f;
  }

  // Physiological tremor: a narrow-band ~8-12 Hz wobble with a slowly
  // varying envelope, strongest across the hand (x).
  if (options_.tremor_g > 0.0f) {
    const float keep = std::exp(-dt / 1.0f);
    tremor_env_ = keep * tremor_env_ + std::sqrt(1.0f - keep * keep) * gauss_(rng_);
    tremor_phase_ = std::fmod(tremor_phase_ + kTwoPi * tremor_freq_ * dt + 0.05f * gauss_(rng_),
                              kTwoPi);
    const float t = options_.tremor_g * std::numbers::sqrt2_v<float> *
                    std::max(0.0f, 1.0f + 0.3f * tremor_env_);
    g[0] += t * std::sin(tremor_phase_);
    g[1] += 0.8f * t * std::sin(tremor_phase_ + 1.3f);
    g[2] += 0.5f * t * std::sin(tremor_phase_ + 2.2f);
  }

  Sample s = ApplyDrift(drift, {g[0], g[1], g[2]});
  const float sigma = std::sqrt(options_.noise_g * options_.noise_g + drift.noise_g * drift.noise_g);
  const float range = options_.range_g;
  const float step = options_.resolution_g;
  for (float& v : s) {
    if (sigma > 0.0f) v += sigma * gauss_(rng_);
    v = std::clamp(v, -range, range);
    if (step > 0.0f) v = std::round(v / step) * step;
  }
  *out = s;
  time_s_ += static_cast<double>(dt);
  return true;
}

std::string_view MotionSimulator::truth() const {
  const Segment& seg = truth_is_next_ ? next_ : current_;
  return kNames[static_cast<size_t>(seg.pattern)];
}

}  // namespace lwcl::device
