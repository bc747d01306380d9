// Peer processes for integration tests: run a command-line CoAP peer
// (libcoap3-bin's coap-client-notls / coap-client-openssl, the openssl CLI)
// and collect what it printed, so tests can drive our ends with a client that
// is not ours. Shared by the client's and the server's tests (added to every
// test's include path by lwcl_add_test).
//
// It promises: RunCommand returns the command's standard output (tests add
// "2>&1" for errors) and never throws; HavePeer only asks the shell whether
// the tool is on PATH, so a test can GTEST_SKIP with a reason when it is not.
#ifndef LWCL_TEST_SUPPORT_PEER_PROCESS_H_
#define LWCL_TEST_SUPPORT_PEER_PROCESS_H_

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lwcl::test_support {

// True when `tool` is found on PATH.
inline bool HavePeer(const std::string& tool = "coap-client-notls") {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `cmd` with /bin/sh and returns its standard output ("popen failed"
// when it could not start).
inline std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::array<char, 512> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

}  // namespace lwcl::test_support

#endif  // LWCL_TEST_SUPPORT_PEER_PROCESS_H_
