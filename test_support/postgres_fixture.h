// PostgresServer: a private, throw-away PostgreSQL server for tests and
// benchmarks. It finds the server binaries (pg_config --bindir, else
// /usr/lib/postgresql/*/bin), runs initdb into a fresh temporary directory,
// and starts postgres there listening only on a unix socket inside that
// directory (no TCP, so no port clashes), with fsync off for speed. As root
// (here and in CI) the server runs as the `postgres` system user, since
// PostgreSQL refuses to run as root.
//
// initdb is the slow part (~1.5 s), so its result (with the test database
// already created) is cached as a template directory in /dev/shm (else
// /tmp), shared by every process on the machine and published atomically;
// each server copies it. One server per process: use Shared().
#ifndef LWCL_TEST_SUPPORT_POSTGRES_FIXTURE_H_
#define LWCL_TEST_SUPPORT_POSTGRES_FIXTURE_H_

#include <string>

namespace lwcl::test_support {

class PostgresServer {
 public:
  // The process-wide server, started on first call. Check available().
  static PostgresServer& Shared();

  // Whether a server is running; when not, why (for GTEST_SKIP / failures).
  bool available() const { return running_; }
  const std::string& why_unavailable() const { return why_; }

  // libpq connection string for `database` on this server.
  std::string ConnInfo(const std::string& database) const;
  // "postgresql://..." URI form, for OpenStore.
  std::string Uri(const std::string& database) const;

  // Creates the database if it does not exist.
  bool CreateDatabase(const std::string& database, std::string* error);
  // Empties it: drops and recreates its public schema (no open connections
  // to it may be writing meanwhile).
  bool ResetDatabase(const std::string& database, std::string* error);

  // Stops the server (fast shutdown: clients are disconnected) keeping its
  // data; Start() brings it back on the same socket. For failure tests.
  bool Stop(std::string* error);
  bool Start(std::string* error);

  // Stops the server and removes its directory. Called at exit by Shared().
  void Destroy();

  ~PostgresServer();

 private:
  PostgresServer();
  bool Setup(std::string* error);
  bool Run(const std::string& command, std::string* error) const;

  std::string bindir_;
  std::string dir_;      // temp dir: data/, the socket, the log
  std::string data_;     // the data directory the server runs on
  std::string as_user_;  // "runuser -u postgres -- " when root, else ""
  bool running_ = false;
  std::string why_;
};

}  // namespace lwcl::test_support

#endif  // LWCL_TEST_SUPPORT_POSTGRES_FIXTURE_H_
