// Delta: applies a delta package to the base it names, on the device.
//
// A delta carries only replacement layers (typically a retrained head, a few
// hundred bytes) and the SHA-256 digest of the one base it applies to.
// ApplyDelta writes the merged, full package into the caller's buffer: the
// base with the delta's layers in place of its own, everything else (labels,
// DSP, normalisation, drift reference) the base's, except the base's golden
// self-test windows (GOLD), which are dropped: they record the outputs of
// the layers being replaced. It refuses any other base
// (kBaseMismatch), a layer the base lacks or whose shape differs
// (kUnsupported: a delta cannot add classes; a new label set needs a full
// package), and anything that is not a delta (kInvalidArgument). The result
// is checked with ReadPackage before kOk is returned, so a delta whose layers
// break the base's quantisation chain is refused (its ReadPackage status)
// rather than half-applied. The merged package is unsigned: it is as
// trustworthy as the two verified packages it was made from, and the device
// keeps those signatures. Allocates nothing; `out` must be 4-byte aligned.
#ifndef LWCL_TINYML_PACKAGE_DELTA_H_
#define LWCL_TINYML_PACKAGE_DELTA_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

// The bytes ApplyDelta(base, delta) writes; 0 when the two do not combine.
size_t MergedPackageBytes(const PackageView& base, const PackageView& delta);

// *written is 0 on failure, and `out` may then hold partial output.
Status ApplyDelta(const PackageView& base, const PackageView& delta, Span<uint8_t> out,
                  size_t* written);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_DELTA_H_
