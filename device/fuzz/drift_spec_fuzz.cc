// libFuzzer target for the drift spec parser (device/drift.h): any bytes
// must give either a schedule or an error message, never a crash, and a
// parsed schedule must evaluate to finite values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "device/drift.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  lwcl::device::DriftSchedule schedule;
  std::string error;
  if (!lwcl::device::ParseDriftSpec(spec, &schedule, &error)) {
    if (error.empty()) std::abort();
    return 0;
  }
  for (double t : {0.0, 1.0, 1.0e3, 1.0e7}) {
    const lwcl::device::DriftState s = lwcl::device::EvaluateDrift(schedule, t, 26.0f);
    const lwcl::device::Sample out = lwcl::device::ApplyDrift(s, {0.0f, 0.0f, 1.0f});
    for (float v : out) {
      if (!std::isfinite(v)) std::abort();
    }
    if (!std::isfinite(s.rate_factor) || !(s.rate_factor > 0.0f)) std::abort();
  }
  return 0;
}
