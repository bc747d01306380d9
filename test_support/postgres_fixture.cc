// PostgresServer: see postgres_fixture.h.
#include "postgres_fixture.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace lwcl::test_support {

namespace {

constexpr int kPort = 5432;  // only names the socket file inside our own dir

bool IsExecutable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string Capture(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string FindBindir() {
  std::string fromConfig = Capture("pg_config --bindir 2>/dev/null");
  if (!fromConfig.empty() && IsExecutable(fromConfig + "/initdb") &&
      IsExecutable(fromConfig + "/pg_ctl"))
    return fromConfig;
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = entry.path().string() + "/bin";
    if (IsExecutable(bin + "/initdb") && IsExecutable(bin + "/pg_ctl")) found.push_back(bin);
  }
  if (found.empty()) return {};
  std::sort(found.begin(), found.end());
  return found.back();  // the newest major version
}

std::string Sanitize(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};

bool Execute(const std::string& conninfo, const std::string& sql, std::string* error) {
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    *error = std::string("connect: ") + PQerrorMessage(conn.get());
    return false;
  }
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn.get(), sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
  if (!ok) *error = sql + ": " + PQresultErrorMessage(res);
  PQclear(res);
  return ok;
}

}  // namespace

PostgresServer& PostgresServer::Shared() {
  static PostgresServer* server = [] {
    auto* s = new PostgresServer();
    std::atexit([] { Shared().Destroy(); });
    return s;
  }();
  return *server;
}

PostgresServer::PostgresServer() {
  std::string error;
  if (!Setup(&error)) {
    why_ = error;
    running_ = false;
  }
}

PostgresServer::~PostgresServer() { Destroy(); }

bool PostgresServer::Run(const std::string& command, std::string* error) const {
  const std::string log = dir_.empty() ? std::string("/dev/null") : dir_ + "/commands.log";
  const std::string full = "(" + command + ") >>" + log + " 2>&1";
  int rc = std::system(full.c_str());
  if (rc != 0) {
    *error = "command failed (" + std::to_string(rc) + "): " + command;
    if (!dir_.empty()) {
      std::string tail = ReadFile(dir_ + "/commands.log");
      if (tail.size() > 1500) tail = tail.substr(tail.size() - 1500);
      *error += "\n--- output ---\n" + tail;
    }
    return false;
  }
  return true;
}

bool PostgresServer::Setup(std::string* error) {
  bindir_ = FindBindir();
  if (bindir_.empty()) {
    *error =
        "PostgreSQL server binaries not found (neither `pg_config --bindir` nor "
        "/usr/lib/postgresql/*/bin has initdb and pg_ctl); install the `postgresql` package";
    return false;
  }
  uid_t owner_uid = ::geteuid();
  gid_t owner_gid = ::getegid();
  if (::geteuid() == 0) {
    struct passwd* pw = ::getpwnam("postgres");
    if (!pw) {
      *error = "running as root but there is no `postgres` system user to run the server as";
      return false;
    }
    owner_uid = pw->pw_uid;
    owner_gid = pw->pw_gid;
    if (!IsExecutable("/usr/sbin/runuser") && !IsExecutable("/sbin/runuser")) {
      *error = "running as root and runuser (util-linux) is missing";
      return false;
    }
    as_user_ = "runuser -u postgres -- ";
  }

  // tmpfs when there is one: copying the template and running the server
  // there costs no disk I/O.
  struct stat shm {};
  const std::string base =
      ::stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && ::access("/dev/shm", W_OK) == 0
          ? "/dev/shm"
          : "/tmp";
  std::string tmpl_s = base + "/lwcl-pg-XXXXXX";
  std::vector<char> tmpl(tmpl_s.begin(), tmpl_s.end());
  tmpl.push_back('\0');
  if (!::mkdtemp(tmpl.data())) {
    *error = "mkdtemp failed";
    return false;
  }
  dir_ = tmpl.data();
  if (::chown(dir_.c_str(), owner_uid, owner_gid) != 0 || ::chmod(dir_.c_str(), 0700) != 0) {
    *error = "cannot hand " + dir_ + " to the postgres user";
    return false;
  }

  // The initdb template, shared by all processes of this user and version.
  const std::string version = Capture(bindir_ + "/postgres --version");
  const std::string cache = base + "/lwcl-pg-template-" + std::to_string(owner_uid) + "-" +
                            Sanitize(bindir_ + "-" + version);
  if (::access((cache + "/PG_VERSION").c_str(), R_OK) != 0) {
    // initdb, then the test database created once, here, rather than by
    // every process. 1 MB WAL segments keep the copy small.
    const std::string fresh = dir_ + "/template";
    if (!Run(as_user_ + bindir_ + "/initdb -D " + fresh +
                 " -A trust -U postgres -E UTF8 --no-locale --no-sync --wal-segsize=1",
             error))
      return false;
    data_ = fresh;
    if (!Start(error) || !CreateDatabase("lwcl_test", error) || !Stop(error)) return false;
    // Publish atomically; if another process won the race, keep theirs.
    if (std::rename(fresh.c_str(), cache.c_str()) != 0) {
      std::error_code ec;
      std::filesystem::remove_all(fresh, ec);
      if (::access((cache + "/PG_VERSION").c_str(), R_OK) != 0) {
        *error = "cannot publish the initdb template at " + cache;
        return false;
      }
    }
  }
  data_ = dir_ + "/data";
  if (!Run("cp -a " + cache + " " + data_, error)) return false;
  if (::chown(data_.c_str(), owner_uid, owner_gid) != 0) {
    *error = "cannot chown the data directory";
    return false;
  }
  if (!Start(error)) return false;
  return CreateDatabase("lwcl_test", error);
}

bool PostgresServer::Start(std::string* error) {
  if (running_) return true;
  const std::string options = "-k " + dir_ + " -p " + std::to_string(kPort) +
                              " -c listen_addresses='' -F -c max_connections=30"
                              " -c full_page_writes=off -c synchronous_commit=off";
  if (!Run(as_user_ + bindir_ + "/pg_ctl -D " + data_ + " -l " + dir_ +
               "/server.log -w -t 60 -o \"" + options + "\" start",
           error)) {
    *error += "\n--- server.log ---\n" + ReadFile(dir_ + "/server.log");
    return false;
  }
  running_ = true;
  return true;
}

bool PostgresServer::Stop(std::string* error) {
  if (!running_) return true;
  if (!Run(as_user_ + bindir_ + "/pg_ctl -D " + data_ + " -m fast -w -t 60 stop", error))
    return false;
  running_ = false;
  return true;
}

void PostgresServer::Destroy() {
  if (dir_.empty()) return;
  // Immediate: no shutdown checkpoint, the data is about to go anyway.
  if (running_)
    (void)std::system(
        (as_user_ + bindir_ + "/pg_ctl -D " + data_ + " -m immediate -w -t 60 stop >/dev/null 2>&1")
            .c_str());
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
  running_ = false;
}

std::string PostgresServer::ConnInfo(const std::string& database) const {
  return "host=" + dir_ + " port=" + std::to_string(kPort) + " user=postgres dbname=" + database +
         " connect_timeout=5";
}

std::string PostgresServer::Uri(const std::string& database) const {
  // The socket directory goes in the query string (percent-encoding a
  // path in the host part is not needed this way).
  return "postgresql:///" + database + "?host=" + dir_ + "&port=" + std::to_string(kPort) +
         "&user=postgres&connect_timeout=5";
}

bool PostgresServer::CreateDatabase(const std::string& database, std::string* error) {
  std::string probe;
  if (Execute(ConnInfo(database), "SELECT 1", &probe)) return true;
  return Execute(ConnInfo("postgres"), "CREATE DATABASE " + database, error);
}

bool PostgresServer::ResetDatabase(const std::string& database, std::string* error) {
  return Execute(ConnInfo(database), "DROP SCHEMA public CASCADE; CREATE SCHEMA public", error);
}

}  // namespace lwcl::test_support
