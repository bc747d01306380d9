// The self-test's suites, run in order by selftest_main.cc.
//
// The DSP and integer suites check the core's pieces against facts that need
// no reference data (a cosine lands in one FFT bin, a low-pass passes DC,
// SHA-256 of "abc", a hand-computed int8 layer), so they run even with no
// generated golden data. The golden suite loads a model package
// and compares the Classifier's features, logits and labels with what the host
// computed from the same source (selftest_data_format.h).
#ifndef LWCL_FIRMWARE_SELFTEST_SUITES_H_
#define LWCL_FIRMWARE_SELFTEST_SUITES_H_

#include <cstddef>
#include <cstdint>

#include "selftest_check.h"

namespace lwcl::firmware {

void RunDspChecks(SelftestChecks& checks);
void RunIntegerChecks(SelftestChecks& checks);
// SHA-512 and Ed25519 signature verification (package authentication).
void RunSignatureChecks(SelftestChecks& checks);

struct GoldenSummary {
  const char* origin = "";    // where the golden data came from
  uint32_t windows = 0;       // windows classified
  uint32_t package_golden = 0;  // the package's own golden windows checked (GOLD)
  uint32_t arena_bytes = 0;   // RequiredArenaBytes of the package (0 if it did not load)
  uint32_t arena_capacity = 0;
};

GoldenSummary RunGoldenChecks(SelftestChecks& checks);
// The learner's pieces (drift monitor, renormalizer, sample buffer) on the
// golden windows; logs learner_state=<bytes>.
void RunLearningChecks(SelftestChecks& checks);

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_SELFTEST_SUITES_H_
