// PackageSignature: does a package carry a valid signature by the fleet key?
//
// The device's half of package signing: a package is signed (on the host,
// train/package_signer.h) over the SHA-256 digest in its trailer, which
// covers header and sections, so checking the signature over the digest
// after ReadPackage has checked the digest over the bytes authenticates the
// whole package. The device calls this before a package may land in a slot.
#ifndef LWCL_TINYML_PACKAGE_PACKAGE_SIGNATURE_H_
#define LWCL_TINYML_PACKAGE_PACKAGE_SIGNATURE_H_

#include <cstdint>

#include "tinyml/package/ed25519.h"
#include "tinyml/package/model_package.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

// For a view ReadPackage accepted: kOk when it is signed with Ed25519 by
// `public_key`; kUnsigned when it carries no signature; kBadSignature when
// the signature does not verify (wrong key, tampered digest or signature).
Status VerifyPackageSignature(const PackageView& view,
                              const uint8_t public_key[kEd25519PublicKeyBytes]);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_PACKAGE_SIGNATURE_H_
