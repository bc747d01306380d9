// UTF-8 validation: LwM2M strings are UTF-8 (Core spec, Appendix C), and a
// decoder that accepts malformed sequences hands them on to JSON, databases
// and dashboards that will not.
#ifndef LWCL_LWM2M_UTF8_H_
#define LWCL_LWM2M_UTF8_H_

#include <string_view>

namespace lwcl::lwm2m {

// True for well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates,
// nothing above U+10FFFF. NUL bytes are allowed (they are valid UTF-8).
bool IsValidUtf8(std::string_view s);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_UTF8_H_
