// SelftestDataset: the golden data the self-test runs on.
//
// Either the generated header named by LWCL_FIRMWARE_SELFTEST_DATA (the
// default model package and windows, with outputs computed on the host), or,
// when none was given, the built-in minimal case (selftest_builtin_data.h).
#ifndef LWCL_FIRMWARE_SELFTEST_DATASET_H_
#define LWCL_FIRMWARE_SELFTEST_DATASET_H_

#include "selftest_data_format.h"

namespace lwcl::firmware {

const SelftestData& SelftestDataset();

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_SELFTEST_DATASET_H_
