#include "train/package_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"

namespace lwcl::train {
namespace {

namespace pf = tinyml::package_format;

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

Key PrivateKey(const Ed25519PrivateKey& k) {
  Key key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, k.data(), k.size()));
  if (!key) throw std::runtime_error("ed25519: cannot load private key");
  return key;
}

Key PublicKey(const Ed25519PublicKey& k) {
  Key key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, k.data(), k.size()));
  if (!key) throw std::runtime_error("ed25519: cannot load public key");
  return key;
}

// Reads a package into aligned storage; throws with the reader's status.
tinyml::Status Read(std::span<const uint8_t> package, std::vector<uint8_t>* copy,
                    tinyml::PackageView* view) {
  copy->assign(package.begin(), package.end());
  return tinyml::ReadPackage(tinyml::Span<const uint8_t>(copy->data(), copy->size()), view);
}

std::string ToPem(EVP_PKEY* key, bool is_private) {
  Bio bio(BIO_new(BIO_s_mem()));
  const int ok =
      is_private ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                 : PEM_write_bio_PUBKEY(bio.get(), key);
  if (!bio || ok != 1) throw std::runtime_error("ed25519: cannot write PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Key FromPem(std::string_view pem, bool is_private) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                     : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    throw std::invalid_argument("not an Ed25519 PEM key");
  }
  return key;
}

}  // namespace

Ed25519KeyPair GenerateKeyPair() {
  Ed25519KeyPair pair;
  if (RAND_bytes(pair.private_key.data(), static_cast<int>(pair.private_key.size())) != 1) {
    throw std::runtime_error("ed25519: no randomness");
  }
  pair.public_key = PublicKeyOf(pair.private_key);
  return pair;
}

Ed25519PublicKey PublicKeyOf(const Ed25519PrivateKey& private_key) {
  Key key = PrivateKey(private_key);
  Ed25519PublicKey pub;
  size_t n = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &n) != 1 || n != pub.size()) {
    throw std::runtime_error("ed25519: cannot derive public key");
  }
  return pub;
}

std::vector<uint8_t> SignPackage(std::span<const uint8_t> package,
                                 const Ed25519PrivateKey& private_key) {
  std::vector<uint8_t> copy;
  tinyml::PackageView view;
  const tinyml::Status s = Read(package, &copy, &view);
  if (s != tinyml::Status::kOk) {
    throw std::invalid_argument(std::string("cannot sign: ") + tinyml::StatusName(s));
  }
  Key key = PrivateKey(private_key);
  MdCtx ctx(EVP_MD_CTX_new());
  uint8_t signature[pf::kEd25519SignatureBytes];
  size_t n = sizeof signature;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &n, view.digest.data, view.digest.size) != 1 ||
      n != sizeof signature) {
    throw std::runtime_error("ed25519: signing failed");
  }
  // body + digest, then the new scheme and signature.
  std::vector<uint8_t> out(
      copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(view.body.size + pf::kDigestBytes));
  const uint32_t scheme = pf::kSignatureEd25519;
  const uint8_t* scheme_bytes = reinterpret_cast<const uint8_t*>(&scheme);
  out.insert(out.end(), scheme_bytes, scheme_bytes + sizeof scheme);
  out.insert(out.end(), signature, signature + sizeof signature);
  return out;
}

tinyml::Status VerifyPackageSignature(std::span<const uint8_t> package,
                                      const Ed25519PublicKey& public_key) {
  std::vector<uint8_t> copy;
  tinyml::PackageView view;
  const tinyml::Status s = Read(package, &copy, &view);
  if (s != tinyml::Status::kOk) return s;
  if (view.signature_scheme != pf::kSignatureEd25519) return tinyml::Status::kUnsigned;
  Key key = PublicKey(public_key);
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    throw std::runtime_error("ed25519: cannot verify");
  }
  const int ok = EVP_DigestVerify(ctx.get(), view.signature.data, view.signature.size,
                                  view.digest.data, view.digest.size);
  return ok == 1 ? tinyml::Status::kOk : tinyml::Status::kBadSignature;
}

std::string PrivateKeyToPem(const Ed25519PrivateKey& private_key) {
  return ToPem(PrivateKey(private_key).get(), true);
}

std::string PublicKeyToPem(const Ed25519PublicKey& public_key) {
  return ToPem(PublicKey(public_key).get(), false);
}

Ed25519PrivateKey PrivateKeyFromPem(std::string_view pem) {
  Key key = FromPem(pem, true);
  Ed25519PrivateKey k;
  size_t n = k.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), k.data(), &n) != 1 || n != k.size()) {
    throw std::invalid_argument("cannot extract the Ed25519 private key");
  }
  return k;
}

Ed25519PublicKey PublicKeyFromPem(std::string_view pem) {
  Key key = FromPem(pem, false);
  Ed25519PublicKey k;
  size_t n = k.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), k.data(), &n) != 1 || n != k.size()) {
    throw std::invalid_argument("cannot extract the Ed25519 public key");
  }
  return k;
}

}  // namespace lwcl::train
