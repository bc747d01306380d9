// PackageWriter: serialises a PackageView into model-package bytes, in the
// caller's buffer.
//
// The inverse of ReadPackage: what it writes, ReadPackage accepts and reads
// back as the same view. Both learners need it: the host trainer (train's
// WritePackage fills a view from its float and quantised models) and the
// device, which after adapting its head describes the change as a delta
// package (a new head in a few hundred bytes) for the server. It writes
// header, sections and the SHA-256 trailer with signature scheme "none"
// (signing happens afterwards, on the host; it leaves the digest unchanged).
//
// A view with is_delta writes a delta: the base digest, then only the layers
// whose bit is set in layer_mask (never GOLD: a delta's golden fields are
// ignored like its other full-package fields). A full view writes INFO,
// INPT, NORM, DRFT and layers [0, layer_count), then GOLD when golden_count
// > 0 (its records copied as they are: lay each out with WriteGoldenRecord).
// Fields that only the reader fills (body, digest, signature,
// format_version) are ignored. The writer checks only what it needs to lay
// bytes out (string and array lengths, counts within the format's limits);
// semantic checks are the reader's, so run ReadPackage over the result
// before trusting a view you did not read yourself.
// Allocates nothing; never writes past `out`.
#ifndef LWCL_TINYML_PACKAGE_PACKAGE_WRITER_H_
#define LWCL_TINYML_PACKAGE_PACKAGE_WRITER_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

// The exact byte count WritePackage produces for `view` (unsigned); 0 when
// the view cannot be laid out (see WritePackage's kInvalidArgument).
size_t PackageBytes(const PackageView& view);

// Writes the package into out[0, *written). kInvalidArgument when a count
// or length is outside the format (more than kMaxLabels labels or
// kMaxLayers layers, a string over 65535 bytes, an array whose size
// disagrees with feature_count, label_count or its layer's shape, a delta
// without a 32-byte base digest, more than kMaxGoldenWindows golden
// windows, golden records whose total size is not
// golden_count * GoldenRecordBytes(F, C)); kBufferTooSmall when out is shorter than
// PackageBytes(view). *written is 0 on failure.
Status WritePackage(const PackageView& view, Span<uint8_t> out, size_t* written);

// Lays out one GOLD record (package_format::GoldenRecordBytes(features.size,
// expected_output.size) bytes, padding zeroed) at the start of `record`.
// kInvalidArgument for no features or more than kMaxLayerWidth, no outputs or
// more than kMaxLabels, or expected_class >= expected_output.size;
// kBufferTooSmall when `record` is shorter than the record.
Status WriteGoldenRecord(Span<const float> features, size_t expected_class,
                         Span<const int8_t> expected_output, Span<uint8_t> record);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_PACKAGE_WRITER_H_
