// libFuzzer target: Ed25519Verify against OpenSSL, differentially. The core
// must never crash or read out of bounds, and must agree with OpenSSL on
// every input: hostile keys and signatures, and (so valid signatures are
// reached at all) signatures OpenSSL made, then changed in one byte.
//
// The first byte picks the mode:
//   even: the rest is public key (32) || signature (64) || message;
//   odd:  the rest is seed (32) || edit offset (1) || edit xor (1) ||
//         message: OpenSSL signs the message with the seed's key, the edit
//         flips bits in key || signature (xor 0 keeps it valid).
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "tinyml/package/ed25519.h"

namespace {

bool OpenSslVerify(const uint8_t* key, const uint8_t* sig, const uint8_t* msg, size_t n) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key, 32), EVP_PKEY_free);
  if (!pkey) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), sig, 64, msg, n) == 1;
}

bool OpenSslSign(const uint8_t* seed, const uint8_t* msg, size_t n, uint8_t key[32],
                 uint8_t sig[64]) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, 32), EVP_PKEY_free);
  size_t key_len = 32, sig_len = 64;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return pkey && EVP_PKEY_get_raw_public_key(pkey.get(), key, &key_len) == 1 &&
         EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
         EVP_DigestSign(ctx.get(), sig, &sig_len, msg, n) == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool sign_first = (data[0] & 1) != 0;
  ++data;
  --size;
  uint8_t keysig[96];
  const uint8_t* msg = nullptr;
  size_t msg_len = 0;
  if (!sign_first) {
    if (size < 96) return 0;
    std::memcpy(keysig, data, 96);
    msg = data + 96;
    msg_len = size - 96;
  } else {
    if (size < 34) return 0;
    msg = data + 34;
    msg_len = size - 34;
    if (!OpenSslSign(data, msg, msg_len, keysig, keysig + 32)) return 0;
    keysig[data[32] % 96] ^= data[33];
  }
  const bool ours = lwcl::tinyml::Ed25519Verify(lwcl::tinyml::Span<const uint8_t>(msg, msg_len),
                                                keysig, keysig + 32);
  const bool theirs = OpenSslVerify(keysig, keysig + 32, msg, msg_len);
  if (ours != theirs) std::abort();  // the core and OpenSSL disagree
  return 0;
}
