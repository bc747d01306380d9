#include "tinyml/status.h"

namespace lwcl::tinyml {

const char* StatusName(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kInvalidArgument: return "invalid argument";
    case Status::kBufferTooSmall: return "buffer too small";
    case Status::kArenaTooSmall: return "arena too small";
    case Status::kTruncated: return "truncated";
    case Status::kBadMagic: return "bad magic (not a model package)";
    case Status::kUnsupportedVersion: return "unsupported package version";
    case Status::kBadDigest: return "bad digest";
    case Status::kMalformed: return "malformed";
    case Status::kMissingSection: return "missing section";
    case Status::kUnsupported: return "unsupported";
    case Status::kNotReady: return "not ready";
    case Status::kBadSignature: return "bad signature";
    case Status::kUnsigned: return "unsigned";
    case Status::kBaseMismatch: return "delta base mismatch";
    case Status::kSelfTestFailed: return "golden self-test failed";
  }
  return "unknown status";
}

}  // namespace lwcl::tinyml
