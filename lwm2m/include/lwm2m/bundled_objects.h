// BundledDdfs: the OMA DDF XML of every object LwCL implements (the files in
// lwm2m/objects/), compiled into the binary, so a server or tool knows the
// object definitions without finding the source tree. Feed each to
// ObjectRegistry::AddDdf.
#ifndef LWCL_LWM2M_BUNDLED_OBJECTS_H_
#define LWCL_LWM2M_BUNDLED_OBJECTS_H_

#include <span>
#include <string_view>

namespace lwcl::lwm2m {

std::span<const std::string_view> BundledDdfs();

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_BUNDLED_OBJECTS_H_
