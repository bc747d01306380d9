// `lwcl keygen --out KEY`: a fresh Ed25519 key pair for signing model
// packages. KEY gets the private key (PKCS#8 PEM, readable by its owner only:
// mode 0600 from the moment it exists) and KEY.pub the public key
// (SubjectPublicKeyInfo PEM) that devices, the server and `lwcl inspect
// --pubkey` verify with. Both are the files `openssl genpkey -algorithm
// ed25519` / `openssl pkey -pubout` write, so either tool can be used.
// Existing files are never overwritten without --force: losing a fleet's
// signing key means re-provisioning every device.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "commands.h"
#include "file_bytes.h"
#include "train/package_signer.h"

namespace lwcl::apps {
namespace {

struct KeygenOptions {
  std::string out;
  bool force = false;
};

// Writes `text` to `path` through a temp file created with `mode`, so the
// secret is never readable by others, not even for an instant.
void WriteSecretFile(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  // The umask may have removed bits; make the mode exact either way.
  bool ok = ::fchmod(fd, mode) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = (::fsync(fd) == 0) && ok;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(path + ": write failed: " + std::strerror(saved));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(path + ": cannot write: " + std::strerror(err));
  }
}

void Run(const KeygenOptions& o) {
  const std::string pub = o.out + ".pub";
  if (!o.force) {
    for (const std::string& path : {o.out, pub}) {
      std::error_code ec;
      if (std::filesystem::exists(path, ec)) {
        throw std::runtime_error(path +
                                 ": already exists; not overwriting a key (use --force to replace "
                                 "it, after making sure nothing still needs the old one)");
      }
    }
  }
  const train::Ed25519KeyPair keys = train::GenerateKeyPair();
  WriteSecretFile(o.out, train::PrivateKeyToPem(keys.private_key), 0600);
  const std::string pub_pem = train::PublicKeyToPem(keys.public_key);
  WriteFileBytes(pub, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(pub_pem.data()),
                                               pub_pem.size()));
  std::printf("private key  %s (mode 0600: keep it secret)\n", o.out.c_str());
  std::printf("public key   %s\n", pub.c_str());
}

}  // namespace

void RegisterKeygenCommand(CLI::App& app) {
  auto opts = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "keygen",
      "Create an Ed25519 key pair for signing model packages.\n\n"
      "Writes the private key (PEM, mode 0600) to KEY and the public key to KEY.pub.\n"
      "Sign with `lwcl train ... --sign-key KEY`; verify with `lwcl inspect PACKAGE\n"
      "--pubkey KEY.pub`. Refuses to overwrite existing files unless --force.\n\n"
      "Examples:\n"
      "  lwcl keygen --out fleet.key\n"
      "  lwcl train my-data --out motion.lwpkg --sign-key fleet.key\n"
      "  lwcl inspect motion.lwpkg --pubkey fleet.key.pub");
  cmd->add_option("-o,--out", opts->out, "Private key file (the public key goes to <out>.pub)")
      ->required();
  cmd->add_flag("--force", opts->force, "Overwrite existing key files");
  cmd->callback([opts] {
    try {
      Run(*opts);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace lwcl::apps
