#include "tinyml/package/package_signature.h"

#include "tinyml/package/package_format.h"

namespace lwcl::tinyml {

Status VerifyPackageSignature(const PackageView& view,
                              const uint8_t public_key[kEd25519PublicKeyBytes]) {
  if (view.signature_scheme == package_format::kSignatureNone || view.signature.size == 0) {
    return Status::kUnsigned;
  }
  if (view.signature_scheme != package_format::kSignatureEd25519 ||
      view.signature.size != kEd25519SignatureBytes ||
      view.digest.size != package_format::kDigestBytes) {
    return Status::kBadSignature;
  }
  return Ed25519Verify(view.digest, public_key, view.signature.data) ? Status::kOk
                                                                     : Status::kBadSignature;
}

}  // namespace lwcl::tinyml
