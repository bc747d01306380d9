#include "tinyml/package/delta.h"

#include <cstring>

#include "tinyml/package/package_format.h"
#include "tinyml/package/package_writer.h"

namespace lwcl::tinyml {
namespace {

bool SameBytes(Span<const uint8_t> a, Span<const uint8_t> b) {
  return a.size == b.size && (a.size == 0 || std::memcmp(a.data, b.data, a.size) == 0);
}

// The merged view, or a failure status.
Status Merge(const PackageView& base, const PackageView& delta, PackageView* merged) {
  if (!delta.is_delta || base.is_delta) return Status::kInvalidArgument;
  if (!SameBytes(delta.base_digest, base.digest)) return Status::kBaseMismatch;
  if (delta.layer_mask == 0) return Status::kInvalidArgument;
  *merged = base;
  for (size_t l = 0; l < kMaxLayers; ++l) {
    if ((delta.layer_mask >> l & 1u) == 0) continue;
    if (l >= base.layer_count) return Status::kUnsupported;
    const LayerView& replacement = delta.layers[l];
    if (replacement.in != base.layers[l].in || replacement.out != base.layers[l].out) {
      return Status::kUnsupported;
    }
    merged->layers[l] = replacement;
  }
  merged->layer_mask = base.layer_mask;
  // The base's golden windows record the outputs of the head being replaced.
  merged->golden_count = 0;
  merged->golden = Span<const uint8_t>();
  return Status::kOk;
}

}  // namespace

size_t MergedPackageBytes(const PackageView& base, const PackageView& delta) {
  PackageView merged;
  if (Merge(base, delta, &merged) != Status::kOk) return 0;
  return PackageBytes(merged);
}

Status ApplyDelta(const PackageView& base, const PackageView& delta, Span<uint8_t> out,
                  size_t* written) {
  *written = 0;
  PackageView merged;
  Status s = Merge(base, delta, &merged);
  if (s != Status::kOk) return s;
  size_t n = 0;
  s = WritePackage(merged, out, &n);
  if (s != Status::kOk) return s;
  PackageView check;
  s = ReadPackage(Span<const uint8_t>(out.data, n), &check);
  if (s != Status::kOk) return s;
  *written = n;
  return Status::kOk;
}

}  // namespace lwcl::tinyml
