#include "tinyml/kernels/quantization.h"

#include <cmath>

namespace lwcl::tinyml {
namespace {

constexpr int64_t kInt32Max = 2147483647;
constexpr int64_t kInt32Min = -kInt32Max - 1;

int32_t SaturateToInt32(int64_t v) {
  if (v > kInt32Max) return static_cast<int32_t>(kInt32Max);
  if (v < kInt32Min) return static_cast<int32_t>(kInt32Min);
  return static_cast<int32_t>(v);
}

// High 32 bits of 2*a*b, rounded to nearest (ties away from zero), as in
// gemmlowp's SaturatingRoundingDoublingHighMul. The only overflow case,
// INT32_MIN * INT32_MIN, saturates.
int32_t RoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == static_cast<int32_t>(kInt32Min)) return static_cast<int32_t>(kInt32Max);
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  // Division (not shift) truncates toward zero, which is what gemmlowp does.
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero (gemmlowp's
// RoundingDivideByPOT). Computed in 64 bits so exponent 31 is well defined.
int32_t RoundingDivideByPowerOfTwo(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  const int64_t mask = (int64_t{1} << exponent) - 1;
  const int64_t v = x;
  const int64_t remainder = v & mask;
  const int64_t threshold = (mask >> 1) + (v < 0 ? 1 : 0);
  return static_cast<int32_t>((v >> exponent) + (remainder > threshold ? 1 : 0));
}

}  // namespace

int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted = SaturateToInt32(static_cast<int64_t>(x) * (int64_t{1} << left));
  return RoundingDivideByPowerOfTwo(RoundingDoublingHighMul(shifted, multiplier), right);
}

int8_t QuantizeToInt8(float value, float scale, int32_t zero_point) {
  float scaled = value / scale;
  if (scaled != scaled) scaled = 0.0f;  // NaN
  // Clamp in float first so the conversion to int can never overflow.
  float q = std::round(scaled) + static_cast<float>(zero_point);
  if (q < -128.0f) q = -128.0f;
  if (q > 127.0f) q = 127.0f;
  return static_cast<int8_t>(q);
}

}  // namespace lwcl::tinyml

namespace lwcl::tinyml {

Status QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (!std::isfinite(real) || real < 0.0 || real >= 1073741824.0) return Status::kInvalidArgument;
  *multiplier = 0;
  *shift = 0;
  if (real == 0.0) return Status::kOk;
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent
  int64_t q = std::llround(fraction * 2147483648.0);
  if (q == (int64_t{1} << 31)) {  // rounding reached 1.0
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) return Status::kOk;  // below what a Q31 shift can express: 0
  *multiplier = static_cast<int32_t>(q);
  *shift = exponent;
  return Status::kOk;
}

}  // namespace lwcl::tinyml
