// VersionOrder: which of two package versions is newer, for anti-rollback.
//
// A device refuses a package whose version is not newer than the active one
// unless the server asks for a downgrade, so it must order versions the way
// people write them: dotted decimal numbers compared numerically component
// by component ("1.10.0" is newer than "1.9.3"; a missing component counts
// as 0, so "1.2" equals "1.2.0"). Anything else (empty, letters, "1..2",
// a component over 9 digits, a pre-release suffix) is not a version this
// order knows: CompareVersions says so instead of guessing.
#ifndef LWCL_TINYML_PACKAGE_VERSION_ORDER_H_
#define LWCL_TINYML_PACKAGE_VERSION_ORDER_H_

#include "tinyml/span.h"

namespace lwcl::tinyml {

enum class VersionOrder { kOlder, kSame, kNewer, kUnordered };

// How `candidate` relates to `active`: kNewer when it is a later version.
// kUnordered when either is not a dotted decimal version.
VersionOrder CompareVersions(Span<const char> candidate, Span<const char> active);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_VERSION_ORDER_H_
