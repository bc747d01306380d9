// SelftestChecks: counts the self-test's checks and reports the failures.
//
// Every comparison the self-test makes goes through here, so the summary line
// can say how many ran and how many failed. The first kMaxReported failures
// are logged with what was expected and what came out; the rest are only
// counted, so a badly broken build does not flood the console.
#ifndef LWCL_FIRMWARE_SELFTEST_CHECK_H_
#define LWCL_FIRMWARE_SELFTEST_CHECK_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/status.h"

namespace lwcl::firmware {

class SelftestChecks {
 public:
  static constexpr uint32_t kMaxReported = 12;

  // Each returns whether the check passed. `what` names the check in the log;
  // `index` says which element (use -1 for none).
  bool True(bool ok, const char* what, int32_t index = -1);
  bool StatusOk(tinyml::Status s, const char* what);
  // Passes when |got - want| <= abs_tol or |got - want| <= rel_tol * |want|.
  bool Near(float got, float want, float abs_tol, float rel_tol, const char* what, int32_t index);
  // Passes when |got - want| <= tolerance.
  bool IntNear(int32_t got, int32_t want, int32_t tolerance, const char* what, int32_t index);

  uint32_t run() const { return run_; }
  uint32_t failed() const { return failed_; }

 private:
  // Counts a result; returns true when this failure should be logged.
  bool Record(bool ok);

  uint32_t run_ = 0;
  uint32_t failed_ = 0;
};

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_SELFTEST_CHECK_H_
