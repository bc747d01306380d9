// libFuzzer target: ApplyDelta on hostile deltas against a real base. The
// delta always names the right base and carries a valid digest (random bytes
// would never get past those checks), so the fuzzer reaches the section
// parser and the merge:
//   first byte even: the rest are the delta's sections, after a forced
//                    header and DLTA section naming the base;
//   first byte odd:  the rest are (offset, value) edits to a valid head delta.
// Whatever ApplyDelta accepts must read back as a full package.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/package/delta.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"

namespace {

using namespace lwcl;  // NOLINT: a fuzz main
namespace pf = tinyml::package_format;

struct Fixture {
  std::vector<uint32_t> base_words;
  size_t base_size = 0;
  tinyml::PackageView base;
  std::vector<uint8_t> delta;  // a valid head delta on `base`
};

const Fixture& TheFixture() {
  static const Fixture* f = [] {
    auto* x = new Fixture;
    testing::Int8TestModel m = testing::RandomInt8Model(1, testing::SmallDsp(), {6}, 3);
    const std::vector<uint8_t> bytes = m.Bytes();
    x->base_size = bytes.size();
    x->base_words.resize(bytes.size() / 4 + 1);
    std::memcpy(x->base_words.data(), bytes.data(), bytes.size());
    if (tinyml::ReadPackage(tinyml::Span<const uint8_t>(
                                reinterpret_cast<const uint8_t*>(x->base_words.data()), x->base_size),
                            &x->base) != tinyml::Status::kOk) {
      std::abort();
    }
    for (int8_t& w : m.layers.back().weights) w = static_cast<int8_t>(w / 3);
    tinyml::PackageView head = m.View();
    head.is_delta = true;
    head.base_digest = x->base.digest;
    head.layer_mask = 1u << (head.layer_count - 1);
    x->delta = testing::Int8TestModel::Write(head);
    return x;
  }();
  return *f;
}

// body bytes -> a package: body length patched, digest and "unsigned" trailer.
std::vector<uint32_t> Finish(std::vector<uint8_t> body) {
  while (body.size() % 4) body.push_back(0);
  const uint32_t n = static_cast<uint32_t>(body.size());
  std::memcpy(body.data() + 8, &n, 4);
  uint8_t digest[pf::kDigestBytes];
  tinyml::Sha256Digest(tinyml::Span<const uint8_t>(body.data(), body.size()), digest);
  body.insert(body.end(), digest, digest + sizeof digest);
  body.insert(body.end(), 4, 0);
  std::vector<uint32_t> words(body.size() / 4);
  std::memcpy(words.data(), body.data(), body.size());
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 1 << 16) return 0;
  const Fixture& f = TheFixture();
  std::vector<uint8_t> body;
  if ((data[0] & 1) == 0) {
    // Header (delta flag) and the DLTA section naming the base, then the input.
    body.assign(pf::kMagic, pf::kMagic + 4);
    const uint16_t version = pf::kVersion, flags = pf::kFlagDelta;
    const uint32_t zero = 0, tag = pf::kTagDelta, length = pf::kDeltaBytes;
    body.insert(body.end(), reinterpret_cast<const uint8_t*>(&version), reinterpret_cast<const uint8_t*>(&version) + 2);
    body.insert(body.end(), reinterpret_cast<const uint8_t*>(&flags), reinterpret_cast<const uint8_t*>(&flags) + 2);
    body.insert(body.end(), 8, 0);
    body.insert(body.end(), reinterpret_cast<const uint8_t*>(&tag), reinterpret_cast<const uint8_t*>(&tag) + 4);
    body.insert(body.end(), reinterpret_cast<const uint8_t*>(&length), reinterpret_cast<const uint8_t*>(&length) + 4);
    body.insert(body.end(), f.base.digest.begin(), f.base.digest.end());
    body.insert(body.end(), reinterpret_cast<const uint8_t*>(&zero), reinterpret_cast<const uint8_t*>(&zero) + 4);
    body.insert(body.end(), data + 1, data + size);
  } else {
    body.assign(f.delta.begin(), f.delta.end() - pf::kTrailerFixedBytes);
    for (size_t i = 1; i + 2 < size; i += 3) {
      const size_t at = (static_cast<size_t>(data[i]) << 8 | data[i + 1]) % body.size();
      if (at >= 8 && at < 12) continue;  // the body length is patched anyway
      body[at] = data[i + 2];
    }
  }
  const std::vector<uint32_t> words = Finish(std::move(body));
  tinyml::PackageView delta;
  if (tinyml::ReadPackage(tinyml::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(words.data()),
                                                      words.size() * 4),
                          &delta) != tinyml::Status::kOk) {
    return 0;
  }
  const size_t need = tinyml::MergedPackageBytes(f.base, delta);
  if (need == 0 || need > (1u << 20)) return 0;
  std::vector<uint32_t> out(need / 4 + 1);
  size_t written = 0;
  if (tinyml::ApplyDelta(f.base, delta, tinyml::Span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), need),
                         &written) != tinyml::Status::kOk) {
    return 0;
  }
  tinyml::PackageView merged;
  if (tinyml::ReadPackage(tinyml::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(out.data()), written),
                          &merged) != tinyml::Status::kOk ||
      merged.is_delta) {
    std::abort();  // accepted, yet not a full package
  }
  return 0;
}
