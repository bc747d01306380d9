// PackageFormat: the byte layout of a model package, as named constants.
//
// The reader (model_package.h) and the host writer (train/package_writer.h)
// both build on these, so the two can never disagree about an offset.
// docs/model-package.md is the prose specification; in short, a package is
//
//   header   16 bytes: magic "LWCM", u16 format version, u16 flags,
//            u32 body bytes (offset of the trailer), u32 reserved (0)
//   sections from offset 16 up to the trailer: u32 tag, u32 payload length,
//            payload, zero padding to a multiple of 4
//   trailer  SHA-256 of every byte before it, u32 signature scheme,
//            then the signature (64 bytes for Ed25519, none for scheme 0)
//
// All integers and floats are little-endian; every section payload starts
// 4-byte aligned, so float and int32 arrays inside it are read in place.
#ifndef LWCL_TINYML_PACKAGE_PACKAGE_FORMAT_H_
#define LWCL_TINYML_PACKAGE_PACKAGE_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace lwcl::tinyml::package_format {

// The first four bytes of every package.
inline constexpr uint8_t kMagic[4] = {'L', 'W', 'C', 'M'};
// The only format version this reader understands. Additive changes (a new
// section, new trailing bytes in a fixed section) keep the version: readers
// skip sections and bytes they do not know. Anything else bumps it.
inline constexpr uint16_t kVersion = 1;

inline constexpr size_t kHeaderBytes = 16;
inline constexpr size_t kSectionHeaderBytes = 8;
inline constexpr size_t kAlignment = 4;
inline constexpr size_t kDigestBytes = 32;
inline constexpr size_t kTrailerFixedBytes = kDigestBytes + 4;  // digest + scheme
inline constexpr size_t kEd25519SignatureBytes = 64;

// Header flags.
inline constexpr uint16_t kFlagDelta = 1u << 0;
inline constexpr uint16_t kKnownFlags = kFlagDelta;

// Signature schemes (trailer).
inline constexpr uint32_t kSignatureNone = 0;
inline constexpr uint32_t kSignatureEd25519 = 1;

// A section tag is its four ASCII characters read as a little-endian u32.
constexpr uint32_t Tag(char a, char b, char c, char d) {
  return static_cast<uint32_t>(static_cast<uint8_t>(a)) |
         static_cast<uint32_t>(static_cast<uint8_t>(b)) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(c)) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(d)) << 24;
}
inline constexpr uint32_t kTagInfo = Tag('I', 'N', 'F', 'O');   // name, version, labels
inline constexpr uint32_t kTagInput = Tag('I', 'N', 'P', 'T');  // input spec + DSP config
inline constexpr uint32_t kTagNorm = Tag('N', 'O', 'R', 'M');   // feature mean / std
inline constexpr uint32_t kTagDrift = Tag('D', 'R', 'F', 'T');  // drift reference, centroids
inline constexpr uint32_t kTagLayer = Tag('L', 'A', 'Y', 'R');  // one dense layer
inline constexpr uint32_t kTagDelta = Tag('D', 'L', 'T', 'A');  // base digest of a delta
inline constexpr uint32_t kTagGolden = Tag('G', 'O', 'L', 'D');  // self-test windows (optional)
inline constexpr uint32_t kTagGravity = Tag('G', 'R', 'A', 'V');  // gravity reference (optional)

// Fixed-size parts of the sections (bytes before any array).
inline constexpr size_t kInfoFixedBytes = 8;    // u16 name, u16 version, u16 labels, u16 0
inline constexpr size_t kInputBytes = 32;       // see docs/model-package.md
inline constexpr size_t kNormFixedBytes = 8;    // u32 count, u32 0
inline constexpr size_t kDriftFixedBytes = 16;  // u32 features, u32 classes, f32 radius, u32 0
inline constexpr size_t kLayerFixedBytes = 24;  // index, activation, shape, in/out quant
inline constexpr size_t kDeltaBytes = 36;       // base digest, u32 0
inline constexpr size_t kGoldenFixedBytes = 16;  // u32 count, u32 features, u32 classes, u32 0
// f32 magnitude, f32 log spread, f32 still limit, u32 0 (see GravityReference)
inline constexpr size_t kGravityBytes = 16;

// One GOLD record: f32 features[F], u16 expected class, u16 0, i8 expected
// output[C], zero padding to a multiple of 4 (so every record, and the float
// array it starts with, stays 4-byte aligned).
constexpr size_t GoldenRecordBytes(size_t features, size_t classes) {
  return 4 * features + 4 + ((classes + kAlignment - 1) & ~(kAlignment - 1));
}

// Layer activation codes.
inline constexpr uint8_t kActivationNone = 0;
inline constexpr uint8_t kActivationRelu = 1;

}  // namespace lwcl::tinyml::package_format

#endif  // LWCL_TINYML_PACKAGE_PACKAGE_FORMAT_H_
