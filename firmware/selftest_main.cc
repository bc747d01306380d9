// The firmware self-test: runs the tinyml core on Cortex-M33 under QEMU and
// exits 0 only if every check passed. scripts/firmware.sh looks for the
// summary line "lwcl-selftest: PASS ...", "model_arena=<bytes>" and
// "model_state=<bytes>".
#include "log_line.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/package/model_package.h"
#include "selftest_check.h"
#include "selftest_suites.h"

int main() {
  using lwcl::firmware::LogLine;
  lwcl::firmware::SelftestChecks checks;
  lwcl::firmware::RunDspChecks(checks);
  lwcl::firmware::RunIntegerChecks(checks);
  lwcl::firmware::RunSignatureChecks(checks);
  const lwcl::firmware::GoldenSummary golden = lwcl::firmware::RunGoldenChecks(checks);
  lwcl::firmware::RunLearningChecks(checks);

  LogLine line;
  line.Str("model_arena=").Uint(golden.arena_bytes).Print();
  // RAM a device keeps beside the arena for one loaded model: the parsed
  // package view and the classifier object.
  line.Str("model_state=")
      .Uint(sizeof(lwcl::tinyml::PackageView) + sizeof(lwcl::tinyml::Classifier))
      .Print();
  const bool pass = checks.failed() == 0 && checks.run() > 0;
  line.Str("lwcl-selftest: ")
      .Str(pass ? "PASS" : "FAIL")
      .Str(" checks=")
      .Uint(checks.run())
      .Str(" failed=")
      .Uint(checks.failed())
      .Str(" windows=")
      .Uint(golden.windows)
      .Str(" package_golden=")
      .Uint(golden.package_golden)
      .Str(" data=\"")
      .Str(golden.origin)
      .Str("\"")
      .Print();
  return pass ? 0 : 1;
}
