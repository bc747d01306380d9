// BuiltinSelftestData: a minimal golden case that needs no host tool.
//
// When the build is given no generated selftest_data.h, the self-test still
// runs the whole Classifier path (package reader with its SHA-256 check,
// DSP, normalisation, int8 layer, dequantisation) on a package assembled at
// start-up from package_format.h, over one window whose every feature and
// logit has a closed form worked out by hand in the source. So its golden
// values do not come from the core itself.
#ifndef LWCL_FIRMWARE_SELFTEST_BUILTIN_DATA_H_
#define LWCL_FIRMWARE_SELFTEST_BUILTIN_DATA_H_

#include "selftest_data_format.h"

namespace lwcl::firmware {

// Builds the package and window on first use (into static storage).
const SelftestData& BuiltinSelftestData();

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_SELFTEST_BUILTIN_DATA_H_
