#include "selftest_dataset.h"

#ifdef LWCL_SELFTEST_DATA_HEADER
#include LWCL_SELFTEST_DATA_HEADER
#else
#include "selftest_builtin_data.h"
#endif

namespace lwcl::firmware {

const SelftestData& SelftestDataset() {
#ifdef LWCL_SELFTEST_DATA_HEADER
  return selftest_data::kData;
#else
  return BuiltinSelftestData();
#endif
}

}  // namespace lwcl::firmware
