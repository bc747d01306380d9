#include "tinyml/package/ed25519.h"

#include <cstring>

#include "tinyml/package/sha512.h"

namespace lwcl::tinyml {
namespace {

// ---- The field GF(p), p = 2^255 - 19 ----
//
// An element is 16 signed limbs of 16 bits (radix 2^16), little-endian.
// Limbs may leave [0, 2^16) between operations; Carry brings them back, and
// only Pack produces the canonical value in [0, p). 2^256 = 38 (mod p), which
// is how products above 2^256 fold back down.
struct Fe {
  int64_t v[16];
};

constexpr int64_t kRadix = 65536;

Fe FeFromSmall(int64_t x) {
  Fe r{};
  r.v[0] = x;
  return r;
}

// Floor division by 2^16 without shifting negative values.
int64_t CarryOut(int64_t x) { return (x >= 0 ? x : x - (kRadix - 1)) / kRadix; }

void Carry(Fe& a) {
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 16; ++i) {
      const int64_t c = CarryOut(a.v[i]);
      a.v[i] -= c * kRadix;
      if (i < 15) {
        a.v[i + 1] += c;
      } else {
        a.v[0] += 38 * c;
      }
    }
  }
}

Fe Add(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = a.v[i] + b.v[i];
  return r;
}

Fe Sub(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = a.v[i] - b.v[i];
  return r;
}

Fe Mul(const Fe& a, const Fe& b) {
  int64_t t[31] = {};
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) t[i + j] += a.v[i] * b.v[j];
  }
  Fe r;
  for (int i = 0; i < 15; ++i) t[i] += 38 * t[i + 16];
  for (int i = 0; i < 16; ++i) r.v[i] = t[i];
  Carry(r);
  return r;
}

// The canonical little-endian bytes of a, in [0, p).
void Pack(const Fe& in, uint8_t out[32]) {
  Fe a = in;
  Carry(a);
  Carry(a);  // now every limb is in [0, 2^16): a < 2^256
  // a < 2^256 < 3p, so subtracting p at most twice reaches [0, p).
  for (int round = 0; round < 2; ++round) {
    Fe m;
    int64_t borrow = 0;
    for (int i = 0; i < 16; ++i) {
      const int64_t p_limb = i == 0 ? 0xffed : i == 15 ? 0x7fff : 0xffff;
      int64_t d = a.v[i] - p_limb - borrow;
      borrow = d < 0 ? 1 : 0;
      m.v[i] = d + borrow * kRadix;
    }
    if (borrow == 0) a = m;  // a >= p: keep a - p
  }
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = static_cast<uint8_t>(a.v[i] & 0xff);
    out[2 * i + 1] = static_cast<uint8_t>((a.v[i] >> 8) & 0xff);
  }
}

// The low 255 bits of `in` (bit 255 is the caller's).
Fe Unpack(const uint8_t in[32]) {
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = in[2 * i] | (static_cast<int64_t>(in[2 * i + 1]) << 8);
  r.v[15] &= 0x7fff;
  return r;
}

bool Equal(const Fe& a, const Fe& b) {
  uint8_t x[32], y[32];
  Pack(a, x);
  Pack(b, y);
  return std::memcmp(x, y, 32) == 0;
}

bool IsOdd(const Fe& a) {
  uint8_t x[32];
  Pack(a, x);
  return (x[0] & 1) != 0;
}

// a^e for a little-endian 255-bit exponent, square and multiply.
Fe Pow(const Fe& a, const uint8_t e[32]) {
  Fe r = FeFromSmall(1);
  for (int bit = 254; bit >= 0; --bit) {
    r = Mul(r, r);
    if ((e[bit / 8] >> (bit % 8)) & 1) r = Mul(r, a);
  }
  return r;
}

// Exponents, little-endian: p - 2 (inversion), (p - 5) / 8 = 2^252 - 3
// (square roots) and (p - 1) / 4 = 2^253 - 5 (sqrt(-1) = 2^((p-1)/4)).
struct Exponent {
  uint8_t bytes[32];
};
constexpr Exponent MakeExponent(uint8_t low, uint8_t high) {
  Exponent e{};
  e.bytes[0] = low;
  for (int i = 1; i < 31; ++i) e.bytes[i] = 0xff;
  e.bytes[31] = high;
  return e;
}
constexpr Exponent kPMinus2 = MakeExponent(0xeb, 0x7f);
constexpr Exponent kSqrtExponent = MakeExponent(0xfd, 0x0f);
constexpr Exponent kQuarterExponent = MakeExponent(0xfb, 0x1f);

Fe Invert(const Fe& a) { return Pow(a, kPMinus2.bytes); }

// ---- The curve -x^2 + y^2 = 1 + d x^2 y^2, extended coordinates ----
//
// (X : Y : Z : T) with x = X/Z, y = Y/Z, x*y = T/Z. The addition law below
// (Hisil, Wong, Carter, Dawson 2008, for a = -1) is complete on this curve,
// so it also doubles and needs no special cases.
struct Point {
  Fe x, y, z, t;
};

// Constants derived once from their definitions rather than typed in:
// d = -121665/121666, sqrt(-1) = 2^((p-1)/4), B = (x, 4/5) with x even.
struct Curve {
  Fe d;
  Fe d2;  // 2d
  Fe sqrt_minus_one;
  Point base;
};

Point Identity() { return Point{FeFromSmall(0), FeFromSmall(1), FeFromSmall(1), FeFromSmall(0)}; }

Point AddPoints(const Point& p, const Point& q, const Curve& c) {
  const Fe a = Mul(Sub(p.y, p.x), Sub(q.y, q.x));
  const Fe b = Mul(Add(p.y, p.x), Add(q.y, q.x));
  const Fe cc = Mul(Mul(p.t, c.d2), q.t);
  const Fe zz = Mul(p.z, q.z);
  const Fe dd = Add(zz, zz);
  const Fe e = Sub(b, a);
  const Fe f = Sub(dd, cc);
  const Fe g = Add(dd, cc);
  const Fe h = Add(b, a);
  return Point{Mul(e, f), Mul(g, h), Mul(f, g), Mul(e, h)};
}

// [scalar]p, scalar a 256-bit little-endian number; double and add.
Point ScalarMul(const Point& p, const uint8_t scalar[32], const Curve& c) {
  Point r = Identity();
  for (int bit = 255; bit >= 0; --bit) {
    r = AddPoints(r, r, c);
    if ((scalar[bit / 8] >> (bit % 8)) & 1) r = AddPoints(r, p, c);
  }
  return r;
}

// RFC 8032, 5.1.3: y from the low 255 bits, x from the curve equation with
// the sign (parity) in bit 255. False for y >= p or no such x.
bool Decode(const uint8_t in[32], const Curve& c, Point* out) {
  const Fe y = Unpack(in);
  uint8_t canonical[32];
  Pack(y, canonical);
  uint8_t low[32];
  std::memcpy(low, in, 32);
  low[31] &= 0x7f;
  if (std::memcmp(canonical, low, 32) != 0) return false;  // y >= p
  const bool x_odd = (in[31] & 0x80) != 0;

  const Fe one = FeFromSmall(1);
  const Fe y2 = Mul(y, y);
  const Fe u = Sub(y2, one);
  const Fe v = Add(Mul(c.d, y2), one);
  const Fe v3 = Mul(Mul(v, v), v);
  const Fe v7 = Mul(Mul(v3, v3), v);
  Fe x = Mul(Mul(u, v3), Pow(Mul(u, v7), kSqrtExponent.bytes));
  const Fe vx2 = Mul(v, Mul(x, x));
  if (!Equal(vx2, u)) {
    if (!Equal(vx2, Sub(FeFromSmall(0), u))) return false;  // u/v is not a square
    x = Mul(x, c.sqrt_minus_one);
  }
  if (Equal(x, FeFromSmall(0)) && x_odd) return false;
  if (IsOdd(x) != x_odd) x = Sub(FeFromSmall(0), x);
  *out = Point{x, y, one, Mul(x, y)};
  return true;
}

void Encode(const Point& p, uint8_t out[32]) {
  const Fe z_inverse = Invert(p.z);
  const Fe x = Mul(p.x, z_inverse);
  const Fe y = Mul(p.y, z_inverse);
  Pack(y, out);
  if (IsOdd(x)) out[31] |= 0x80;
}

bool MakeCurve(Curve* c) {
  c->d = Mul(Sub(FeFromSmall(0), FeFromSmall(121665)), Invert(FeFromSmall(121666)));
  c->d2 = Add(c->d, c->d);
  c->sqrt_minus_one = Pow(FeFromSmall(2), kQuarterExponent.bytes);
  uint8_t base_y[32];
  Pack(Mul(FeFromSmall(4), Invert(FeFromSmall(5))), base_y);  // bit 255 clear: x even
  return Decode(base_y, *c, &c->base);
}

// ---- Scalars modulo L = 2^252 + 27742317777372353535851937790883648493 ----

constexpr uint8_t kOrder[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                0,    0,    0,    0,    0,    0,    0,    0,
                                0,    0,    0,    0,    0,    0,    0,    0x10};

// a < L for 32 little-endian bytes.
bool BelowOrder(const uint8_t a[32]) {
  for (int i = 31; i >= 0; --i) {
    if (a[i] != kOrder[i]) return a[i] < kOrder[i];
  }
  return false;
}

// r -= L where r >= L (both 32 little-endian bytes).
void SubtractOrder(uint8_t r[32]) {
  int borrow = 0;
  for (int i = 0; i < 32; ++i) {
    int d = r[i] - kOrder[i] - borrow;
    borrow = d < 0 ? 1 : 0;
    r[i] = static_cast<uint8_t>(d + borrow * 256);
  }
}

// The 512-bit little-endian `in` modulo L, one bit at a time from the top:
// r = 2r + bit, minus L when that reaches L. r < L < 2^253, so 2r + 1 fits.
void ReduceModOrder(const uint8_t in[64], uint8_t out[32]) {
  uint8_t r[32] = {};
  for (int bit = 511; bit >= 0; --bit) {
    int carry = (in[bit / 8] >> (bit % 8)) & 1;
    for (int i = 0; i < 32; ++i) {
      const int v = (r[i] << 1) | carry;
      r[i] = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    if (!BelowOrder(r)) SubtractOrder(r);
  }
  std::memcpy(out, r, 32);
}

}  // namespace

bool Ed25519Verify(Span<const uint8_t> message, const uint8_t public_key[kEd25519PublicKeyBytes],
                   const uint8_t signature[kEd25519SignatureBytes]) {
  const uint8_t* r_bytes = signature;
  const uint8_t* s_bytes = signature + 32;
  if (!BelowOrder(s_bytes)) return false;  // no malleable S + L
  Curve curve;
  if (!MakeCurve(&curve)) return false;  // cannot happen: B is on the curve
  Point a;
  if (!Decode(public_key, curve, &a)) return false;

  Sha512 h;
  Sha512Init(&h);
  Sha512Update(&h, Span<const uint8_t>(r_bytes, 32));
  Sha512Update(&h, Span<const uint8_t>(public_key, kEd25519PublicKeyBytes));
  Sha512Update(&h, message);
  uint8_t digest[kSha512Bytes];
  Sha512Final(&h, digest);
  uint8_t k[32];
  ReduceModOrder(digest, k);

  // [S]B - [k]A, where -A = (-x, y, z, -t).
  Point minus_a = a;
  minus_a.x = Sub(FeFromSmall(0), a.x);
  minus_a.t = Sub(FeFromSmall(0), a.t);
  const Point check =
      AddPoints(ScalarMul(curve.base, s_bytes, curve), ScalarMul(minus_a, k, curve), curve);
  uint8_t encoded[32];
  Encode(check, encoded);
  return std::memcmp(encoded, r_bytes, 32) == 0;
}

}  // namespace lwcl::tinyml
