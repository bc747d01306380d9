// CBOR writer (cbor.h).
#include <cmath>
#include <cstring>

#include "lwm2m/cbor.h"

namespace lwcl::lwm2m::cbor {

void Writer::Head(uint8_t major, uint64_t arg) {
  const auto m = static_cast<uint8_t>(major << 5);
  if (arg < 24) {
    out_->push_back(static_cast<uint8_t>(m | arg));
    return;
  }
  int bytes;
  uint8_t info;
  if (arg <= 0xff) {
    bytes = 1, info = 24;
  } else if (arg <= 0xffff) {
    bytes = 2, info = 25;
  } else if (arg <= 0xffffffffULL) {
    bytes = 4, info = 26;
  } else {
    bytes = 8, info = 27;
  }
  out_->push_back(static_cast<uint8_t>(m | info));
  for (int i = bytes - 1; i >= 0; --i) out_->push_back(static_cast<uint8_t>(arg >> (8 * i)));
}

void Writer::Int(int64_t v) {
  if (v >= 0) {
    Head(0, static_cast<uint64_t>(v));
  } else {
    Head(1, static_cast<uint64_t>(-(v + 1)));
  }
}

void Writer::Bytes(std::span<const uint8_t> b) {
  Head(2, b.size());
  out_->insert(out_->end(), b.begin(), b.end());
}

void Writer::Text(std::string_view s) {
  Head(3, s.size());
  out_->insert(out_->end(), s.begin(), s.end());
}

void Writer::BeginIndefinite(uint8_t major) { out_->push_back(static_cast<uint8_t>((major << 5) | 31)); }

void Writer::Simple(uint8_t v) {
  if (v < 24) {
    out_->push_back(static_cast<uint8_t>(0xe0 | v));
  } else {
    out_->push_back(0xf8);
    out_->push_back(v);
  }
}

void Writer::Float(double d) {
  if (std::isnan(d)) {
    out_->insert(out_->end(), {0xf9, 0x7e, 0x00});
    return;
  }
  if (auto h = DoubleToHalfExact(d)) {
    out_->push_back(0xf9);
    out_->push_back(static_cast<uint8_t>(*h >> 8));
    out_->push_back(static_cast<uint8_t>(*h));
    return;
  }
  const auto f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    out_->push_back(0xfa);
    for (int i = 3; i >= 0; --i) out_->push_back(static_cast<uint8_t>(bits >> (8 * i)));
    return;
  }
  Double(d);
}

void Writer::Double(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  out_->push_back(0xfb);
  for (int i = 7; i >= 0; --i) out_->push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void Writer::Write(const Item& item) {
  using K = Item::Kind;
  switch (item.kind) {
    case K::kUnsigned: Head(0, item.number); break;
    case K::kNegative: Head(1, item.number); break;
    case K::kBytes: Bytes(item.bytes); break;
    case K::kText: Text(item.text); break;
    case K::kArray:
      ArrayHeader(item.children.size());
      for (const Item& c : item.children) Write(c);
      break;
    case K::kMap:
      MapHeader(item.children.size() / 2);
      // An odd trailing key (only possible in hand-built items) is dropped
      // rather than producing a malformed map.
      for (size_t i = 0; i + 1 < item.children.size(); i += 2) {
        Write(item.children[i]);
        Write(item.children[i + 1]);
      }
      break;
    case K::kTag:
      Tag(item.number);
      if (item.children.empty()) {
        Null();
      } else {
        Write(item.children[0]);
      }
      break;
    case K::kFloat: Float(item.real); break;
    case K::kFalse: Bool(false); break;
    case K::kTrue: Bool(true); break;
    case K::kNull: Null(); break;
    case K::kUndefined: Undefined(); break;
    case K::kSimple: Simple(static_cast<uint8_t>(item.number)); break;
  }
}

std::vector<uint8_t> Encode(const Item& item) {
  std::vector<uint8_t> out;
  Writer(&out).Write(item);
  return out;
}

}  // namespace lwcl::lwm2m::cbor
