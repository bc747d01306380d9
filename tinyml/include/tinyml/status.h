// Status: the one error type of the tinyml core.
//
// The core has no exceptions, so every fallible call returns a Status. Each
// value names one specific failure so a caller (or a log line on the host) can
// say exactly why a package or an input was refused. Values are stable: they
// travel in LwM2M error resources, so never renumber, only append.
#ifndef LWCL_TINYML_STATUS_H_
#define LWCL_TINYML_STATUS_H_

#include <cstdint>

namespace lwcl::tinyml {

enum class Status : uint8_t {
  kOk = 0,
  kInvalidArgument = 1,    // a parameter is out of its documented range
  kBufferTooSmall = 2,     // an output or scratch span is shorter than required
  kArenaTooSmall = 3,      // the caller's arena is smaller than RequiredArenaBytes
  kTruncated = 4,          // input ends before a declared length
  kBadMagic = 5,           // not a model package
  kUnsupportedVersion = 6, // package format version this core cannot read
  kBadDigest = 7,          // SHA-256 over the package does not match
  kMalformed = 8,          // a section is inconsistent (sizes, counts, offsets)
  kMissingSection = 9,     // a required section is absent
  kUnsupported = 10,       // a valid but unsupported feature (e.g. layer kind)
  kNotReady = 11,          // called before Init or before a window is complete
  kBadSignature = 12,      // signature present but does not verify (host side)
  kUnsigned = 13,          // a signature was required and none is present
  kBaseMismatch = 14,      // delta package names a base digest we do not have
  kSelfTestFailed = 15,    // a package's golden windows do not classify as recorded
};

// A short, static, human-readable name ("bad digest"); never null.
const char* StatusName(Status s);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_STATUS_H_
