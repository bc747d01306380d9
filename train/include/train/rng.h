// Rng: the one random source of host training, reproducible bit for bit.
//
// std::mt19937's output sequence is fixed by the standard, but the standard
// distributions (uniform_int, normal, shuffle) are not, so results would
// differ between standard libraries. Everything random in training goes
// through these few helpers instead, which derive values from the raw engine
// output with fixed arithmetic: same seed, same split, same weights.
#ifndef LWCL_TRAIN_RNG_H_
#define LWCL_TRAIN_RNG_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace lwcl::train {

class Rng {
 public:
  explicit Rng(uint32_t seed) : engine_(seed) {}

  uint32_t Next() { return static_cast<uint32_t>(engine_()); }
  // Uniform in [0, 1), 24 bits of resolution.
  float Uniform01() { return static_cast<float>(Next() >> 8) * (1.0f / 16777216.0f); }
  // Uniform in [lo, hi).
  float Uniform(float lo, float hi) { return lo + (hi - lo) * Uniform01(); }
  // Uniform integer in [0, n); n > 0. Multiply-shift: fixed, tiny bias.
  size_t Below(size_t n) {
    return static_cast<size_t>((static_cast<uint64_t>(Next()) * static_cast<uint64_t>(n)) >> 32);
  }
  // Fisher-Yates shuffle.
  template <typename T>
  void Shuffle(std::span<T> items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Below(i)]);
  }

 private:
  std::mt19937 engine_;
};

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_RNG_H_
