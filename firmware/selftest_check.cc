#include "selftest_check.h"

#include "log_line.h"

namespace lwcl::firmware {
namespace {

LogLine& FailurePrefix(LogLine& line, const char* what, int32_t index) {
  line.Str("FAIL ").Str(what);
  if (index >= 0) line.Str("[").Int(index).Str("]");
  return line;
}

}  // namespace

bool SelftestChecks::Record(bool ok) {
  ++run_;
  if (ok) return false;
  ++failed_;
  return failed_ <= kMaxReported;
}

bool SelftestChecks::True(bool ok, const char* what, int32_t index) {
  if (Record(ok)) {
    LogLine line;
    FailurePrefix(line, what, index).Print();
  }
  return ok;
}

bool SelftestChecks::StatusOk(tinyml::Status s, const char* what) {
  const bool ok = s == tinyml::Status::kOk;
  if (Record(ok)) {
    LogLine line;
    FailurePrefix(line, what, -1).Str(": ").Str(tinyml::StatusName(s)).Print();
  }
  return ok;
}

bool SelftestChecks::Near(float got, float want, float abs_tol, float rel_tol, const char* what,
                          int32_t index) {
  const float diff = got > want ? got - want : want - got;
  const float magnitude = want < 0.0f ? -want : want;
  // Written so that a NaN on either side fails.
  const bool ok = diff <= abs_tol || diff <= rel_tol * magnitude;
  if (Record(ok)) {
    LogLine line;
    FailurePrefix(line, what, index).Str(": got ").Float(got).Str(" want ").Float(want).Print();
  }
  return ok;
}

bool SelftestChecks::IntNear(int32_t got, int32_t want, int32_t tolerance, const char* what,
                             int32_t index) {
  const int32_t diff = got > want ? got - want : want - got;
  const bool ok = diff <= tolerance;
  if (Record(ok)) {
    LogLine line;
    FailurePrefix(line, what, index).Str(": got ").Int(got).Str(" want ").Int(want).Print();
  }
  return ok;
}

}  // namespace lwcl::firmware
