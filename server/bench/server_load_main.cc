// lwcl_server_load: a scripted load run of the real `lwcl server` process,
// for docs/benchmarks.md. It starts the server (SQLite in a temporary data
// directory, or a private PostgreSQL server from the test fixture), then
// plays N devices from this process, each on its own UDP socket as a real
// device would be:
//   1. register   every device (Register with a window of requests in flight)
//   2. observe    /3313/0/5702 on every device through the REST API, which
//                 the devices answer (the first value is stored too)
//   3. notify     every device sends a notification every --period seconds,
//                 spread evenly, for --seconds
// then stops the server and counts what the store holds. It prints the
// figures the issue asks for: devices held, registrations/s, observations/s,
// notifications/s stored, values lost, server memory per device and CPU.
//
// The devices speak CoAP through a small codec of their own (below) instead
// of LwCL's client engine, so that the generator stays light (one socket and
// a few dozen bytes per device) and the figures are the server's.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "postgres_fixture.h"
#include "store/open_store.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// ---- a minimal CoAP codec (RFC 7252 §3): just what a notifying device needs ----
struct Option {
  uint16_t number = 0;
  std::string value;
};
struct Message {
  uint8_t type = 0;  // 0 CON, 1 NON, 2 ACK, 3 RST
  uint8_t code = 0;
  uint16_t id = 0;
  std::string token;
  std::vector<Option> options;  // sorted by number
  std::string payload;
};

std::string UintOption(uint32_t v) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (!out.empty() || (v >> shift) != 0) out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
  return out;
}

void PutNibble(std::string* out, size_t* header_at, int which, uint32_t v) {
  uint8_t nibble;
  std::string ext;
  if (v < 13) {
    nibble = static_cast<uint8_t>(v);
  } else if (v < 269) {
    nibble = 13;
    ext.push_back(static_cast<char>(v - 13));
  } else {
    nibble = 14;
    ext.push_back(static_cast<char>((v - 269) >> 8));
    ext.push_back(static_cast<char>((v - 269) & 0xff));
  }
  auto& h = reinterpret_cast<uint8_t&>((*out)[*header_at]);
  h = static_cast<uint8_t>(which == 0 ? (h & 0x0f) | (nibble << 4) : (h & 0xf0) | nibble);
  out->append(ext);
}

std::string Encode(const Message& m) {
  std::string out;
  out.push_back(static_cast<char>(0x40 | (m.type << 4) | m.token.size()));
  out.push_back(static_cast<char>(m.code));
  out.push_back(static_cast<char>(m.id >> 8));
  out.push_back(static_cast<char>(m.id & 0xff));
  out += m.token;
  uint16_t last = 0;
  for (const Option& o : m.options) {
    size_t at = out.size();
    out.push_back(0);
    PutNibble(&out, &at, 0, o.number - last);
    PutNibble(&out, &at, 1, static_cast<uint32_t>(o.value.size()));
    out += o.value;
    last = o.number;
  }
  if (!m.payload.empty()) {
    out.push_back(static_cast<char>(0xff));
    out += m.payload;
  }
  return out;
}

bool Decode(const uint8_t* p, size_t n, Message* m) {
  if (n < 4 || (p[0] >> 6) != 1) return false;
  m->type = (p[0] >> 4) & 3;
  const size_t tkl = p[0] & 0x0f;
  m->code = p[1];
  m->id = static_cast<uint16_t>(p[2] << 8 | p[3]);
  if (tkl > 8 || 4 + tkl > n) return false;
  m->token.assign(reinterpret_cast<const char*>(p + 4), tkl);
  size_t i = 4 + tkl;
  uint32_t number = 0;
  m->options.clear();
  m->payload.clear();
  while (i < n) {
    if (p[i] == 0xff) {
      m->payload.assign(reinterpret_cast<const char*>(p + i + 1), n - i - 1);
      return true;
    }
    uint32_t delta = p[i] >> 4, len = p[i] & 0x0f;
    ++i;
    auto ext = [&](uint32_t* v) {
      if (*v == 13) {
        if (i >= n) return false;
        *v = 13u + p[i++];
      } else if (*v == 14) {
        if (i + 1 >= n) return false;
        *v = 269u + static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
        i += 2;
      } else if (*v == 15) {
        return false;
      }
      return true;
    };
    if (!ext(&delta) || !ext(&len) || i + len > n) return false;
    number += delta;
    m->options.push_back({static_cast<uint16_t>(number), std::string(reinterpret_cast<const char*>(p + i), len)});
    i += len;
  }
  return true;
}

constexpr uint16_t kObserve = 6, kLocationPath = 8, kUriPath = 11, kContentFormat = 12, kUriQuery = 15;

// ---- the devices ----
struct Device {
  int fd = -1;
  std::string endpoint;
  bool registered = false;
  uint16_t register_id = 0;
  Clock::time_point register_sent;
  std::string token;  // of the server's observation, once it asked
  uint32_t observe_seq = 2;
  uint16_t next_id = 1;
  uint64_t notifications = 0;
};

struct Settings {
  std::string lwcl = "build/bin/lwcl";
  std::string store = "sqlite";  // or postgresql
  int devices = 1000;
  double period_s = 10;
  double seconds = 60;
  int window = 64;
};

// The server process's resident memory (kB) and CPU time (s).
long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}
double CpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "lwcl_server_load: %s\n", why.c_str());
  std::exit(1);
}

void Usage() {
  std::puts(
      "lwcl_server_load: a scripted load run of `lwcl server` (docs/benchmarks.md)\n"
      "  --lwcl PATH       the lwcl binary (build/bin/lwcl)\n"
      "  --store KIND      sqlite (default) or postgresql (a private server from the test fixture)\n"
      "  --devices N       devices to play (1000)\n"
      "  --period S        seconds between a device's notifications (10)\n"
      "  --seconds S       length of the notifying phase (60)\n"
      "  --window N        registrations in flight (64)\n"
      "Example:\n"
      "  build/bin/lwcl_server_load --devices 10000 --period 10 --seconds 120 --store postgresql");
}

Settings ParseArgs(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail("missing value after " + a);
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      Usage();
      std::exit(0);
    } else if (a == "--lwcl") {
      s.lwcl = value();
    } else if (a == "--store") {
      s.store = value();
    } else if (a == "--devices") {
      s.devices = std::atoi(value().c_str());
    } else if (a == "--period") {
      s.period_s = std::atof(value().c_str());
    } else if (a == "--seconds") {
      s.seconds = std::atof(value().c_str());
    } else if (a == "--window") {
      s.window = std::atoi(value().c_str());
    } else {
      Fail("unknown flag " + a + " (see --help)");
    }
  }
  if (s.devices < 1 || s.period_s <= 0 || s.seconds < 0 || s.window < 1) Fail("flags out of range (see --help)");
  if (s.store != "sqlite" && s.store != "postgresql") Fail("--store is sqlite or postgresql");
  return s;
}

struct ServerProcess {
  pid_t pid = -1;
  uint16_t coap_port = 0;
  uint16_t http_port = 0;
};

ServerProcess StartServer(const Settings& s, const std::string& dir, const std::string& db) {
  const std::string log = dir + "/server.log";
  ServerProcess p;
  p.pid = fork();
  if (p.pid < 0) Fail("fork failed");
  if (p.pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    (void)out;
    execl(s.lwcl.c_str(), s.lwcl.c_str(), "server", "--coap-port", "0", "--http-port", "0", "--dtls-port", "-1",
          "--data", dir.c_str(), "--db", db.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  for (int tries = 0; tries < 300; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream f(log);
    std::string line;
    if (std::getline(f, line) && line.find("lwcl server:") != std::string::npos) {
      unsigned c = 0, h = 0;
      const size_t cp = line.find("coap://127.0.0.1:"), hp = line.find("http://127.0.0.1:");
      if (cp != std::string::npos) c = static_cast<unsigned>(std::atoi(line.c_str() + cp + 17));
      if (hp != std::string::npos) h = static_cast<unsigned>(std::atoi(line.c_str() + hp + 17));
      p.coap_port = static_cast<uint16_t>(c);
      p.http_port = static_cast<uint16_t>(h);
      if (p.coap_port && p.http_port) return p;
    }
    int status = 0;
    if (waitpid(p.pid, &status, WNOHANG) == p.pid) Fail("the server exited at start; see " + log);
  }
  Fail("the server did not come up; see " + log);
}

void SendTo(const Device& d, const Message& m) {
  const std::string bytes = Encode(m);
  (void)send(d.fd, bytes.data(), bytes.size(), 0);
}

void SendRegister(Device* d) {
  Message m;
  m.type = 0;
  m.code = 2;  // POST
  m.id = d->register_id = d->next_id++;
  m.token = std::string("\x01\x02", 2);
  m.options = {{kUriPath, "rd"},
               {kContentFormat, UintOption(40)},
               {kUriQuery, "ep=" + d->endpoint},
               {kUriQuery, "lt=86400"},
               {kUriQuery, "lwm2m=1.1"},
               {kUriQuery, "b=U"}};
  m.payload = "</1/0>,</3/0>,</3313/0>";
  d->register_sent = Clock::now();
  SendTo(*d, m);
}

// Answers what the server sent `d`; returns true when it was the Register's ACK.
bool Handle(Device* d, const Message& in, std::mt19937* rng) {
  if (in.type == 2 && in.id == d->register_id && in.code == 0x41) {  // 2.01 Created
    const bool first = !d->registered;
    d->registered = true;
    return first;
  }
  if (in.type == 0 && in.code == 1) {  // a CON GET: the server's observe (or a read)
    Message out;
    out.type = 2;
    out.id = in.id;
    out.token = in.token;
    bool observe = false;
    for (const Option& o : in.options) observe = observe || (o.number == kObserve && o.value.empty());
    out.code = 0x45;  // 2.05 Content
    if (observe) {
      d->token = in.token;
      out.options.push_back({kObserve, UintOption(d->observe_seq++)});
    }
    out.options.push_back({kContentFormat, ""});  // text/plain
    std::uniform_real_distribution<float> g(-1.0f, 1.0f);
    out.payload = std::to_string(g(*rng));
    SendTo(*d, out);
  } else if (in.type == 0) {  // anything else: not here
    Message out;
    out.type = 2;
    out.id = in.id;
    out.token = in.token;
    out.code = 0x84;
    SendTo(*d, out);
  }
  return false;
}

void Notify(Device* d, std::mt19937* rng) {
  Message m;
  m.type = 1;  // NON, as most devices notify
  m.code = 0x45;
  m.id = d->next_id++;
  m.token = d->token;
  m.options = {{kObserve, UintOption(d->observe_seq++ & 0xffffff)}, {kContentFormat, ""}};
  std::uniform_real_distribution<float> g(-1.0f, 1.0f);
  m.payload = std::to_string(g(*rng));
  SendTo(*d, m);
  ++d->notifications;
}

// Reads and answers everything pending on the devices' sockets for up to
// `timeout_ms`. Returns the number of first-time registrations seen.
int Pump(int ep, std::vector<Device>& devices, int timeout_ms, std::mt19937* rng) {
  epoll_event events[256];
  const int n = epoll_wait(ep, events, 256, timeout_ms);
  int registered = 0;
  uint8_t buf[1500];
  for (int i = 0; i < n; ++i) {
    Device& d = devices[events[i].data.u32];
    for (;;) {
      const ssize_t got = recv(d.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (got <= 0) break;
      Message m;
      if (Decode(buf, static_cast<size_t>(got), &m) && Handle(&d, m, rng)) ++registered;
    }
  }
  return registered;
}

}  // namespace

int main(int argc, char** argv) {
  const Settings s = ParseArgs(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  if (static_cast<rlim_t>(s.devices) + 100 > lim.rlim_cur) Fail("too many devices for the open-file limit");

  const std::string dir = std::filesystem::temp_directory_path() / ("lwcl-load-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string db = dir + "/lwcl.db";
  if (s.store == "postgresql") {
    auto& pg = lwcl::test_support::PostgresServer::Shared();
    if (!pg.available()) Fail("no PostgreSQL: " + pg.why_unavailable());
    std::string error;
    if (!pg.CreateDatabase("load", &error) || !pg.ResetDatabase("load", &error)) Fail(error);
    db = pg.Uri("load");
  }
  ServerProcess server = StartServer(s, dir, db);
  std::fprintf(stderr, "server pid %d: coap %u, http %u, store %s\n", server.pid, server.coap_port, server.http_port,
               s.store.c_str());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long rss_start = RssKb(server.pid);

  // Sockets, one per device, connected to the server.
  std::vector<Device> devices(static_cast<size_t>(s.devices));
  const int ep = epoll_create1(0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server.coap_port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (size_t i = 0; i < devices.size(); ++i) {
    Device& d = devices[i];
    char name[32];
    std::snprintf(name, sizeof name, "load-%06zu", i);
    d.endpoint = name;
    d.fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (d.fd < 0 || connect(d.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) Fail("socket/connect failed");
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, d.fd, &e);
  }
  std::mt19937 rng(7);

  // 1. Register, with a window of requests in flight; retransmit after 2 s.
  const auto reg_start = Clock::now();
  size_t next = 0, done = 0, in_flight = 0;
  while (done < devices.size()) {
    while (in_flight < static_cast<size_t>(s.window) && next < devices.size()) {
      SendRegister(&devices[next++]);
      ++in_flight;
    }
    const int got = Pump(ep, devices, 10, &rng);
    done += static_cast<size_t>(got);
    in_flight -= static_cast<size_t>(got);
    const auto now = Clock::now();
    for (size_t i = 0; i < next; ++i) {
      if (!devices[i].registered && Seconds(devices[i].register_sent, now) > 2.0) SendRegister(&devices[i]);
    }
    if (Seconds(reg_start, now) > 600) Fail("registration did not finish in 10 minutes");
  }
  const double reg_s = Seconds(reg_start, Clock::now());
  std::fprintf(stderr, "registered %zu devices in %.2f s\n", devices.size(), reg_s);

  // 2. Observe /3313/0/5702 on each through the REST API (4 HTTP threads)
  // while this thread answers for the devices.
  std::atomic<size_t> observe_next{0}, observe_ok{0}, observe_failed{0};
  std::atomic<bool> observing{true};
  const auto obs_start = Clock::now();
  std::vector<std::thread> http;
  for (int t = 0; t < 4; ++t) {
    http.emplace_back([&] {
      httplib::Client c("127.0.0.1", server.http_port);
      c.set_read_timeout(60, 0);
      for (size_t i; (i = observe_next++) < devices.size();) {
        auto r = c.Post("/api/devices/" + devices[i].endpoint + "/observe", R"({"path":"/3313/0/5702"})",
                        "application/json");
        (r && r->status == 200 ? observe_ok : observe_failed)++;
      }
    });
  }
  std::thread join([&] {
    for (auto& t : http) t.join();
    observing = false;
  });
  while (observing) Pump(ep, devices, 10, &rng);
  join.join();
  const double obs_s = Seconds(obs_start, Clock::now());
  size_t with_token = 0;
  for (const Device& d : devices) with_token += d.token.empty() ? 0 : 1;
  std::fprintf(stderr, "observed %zu devices in %.2f s (%zu failed)\n", with_token, obs_s, observe_failed.load());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rss_held = RssKb(server.pid);

  // 3. Notify: device i at offset i * period / N within each period.
  const double cpu_start = CpuSeconds(server.pid);
  const auto notify_start = Clock::now();
  uint64_t sent = 0;
  long rss_peak = rss_held;
  size_t cursor = 0;
  uint64_t round = 0;
  double last_progress = 0;
  for (;;) {
    const double t = Seconds(notify_start, Clock::now());
    if (t >= s.seconds) break;
    // Send every notification whose time has come.
    for (;;) {
      const double due = static_cast<double>(round) * s.period_s +
                         static_cast<double>(cursor) * s.period_s / static_cast<double>(devices.size());
      if (due > t || due >= s.seconds) break;
      Device& d = devices[cursor];
      if (!d.token.empty()) {
        Notify(&d, &rng);
        ++sent;
      }
      if (++cursor == devices.size()) {
        cursor = 0;
        ++round;
      }
    }
    Pump(ep, devices, 1, &rng);
    if (t - last_progress >= 10) {
      last_progress = t;
      rss_peak = std::max(rss_peak, RssKb(server.pid));
      std::fprintf(stderr, "  %5.0f s: %" PRIu64 " notifications sent\n", t, sent);
    }
  }
  const double notify_s = Seconds(notify_start, Clock::now());
  const double cpu_s = CpuSeconds(server.pid) - cpu_start;
  rss_peak = std::max(rss_peak, RssKb(server.pid));

  // Let the server store what it accepted, then stop it.
  httplib::Client c("127.0.0.1", server.http_port);
  std::string health;
  for (int i = 0; i < 120; ++i) {
    Pump(ep, devices, 0, &rng);
    auto r = c.Get("/api/health");
    if (r) health = r->body;
    if (r && r->body.find("\"pending_values\":0") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const double drain_s = Seconds(notify_start, Clock::now()) - notify_s;
  kill(server.pid, SIGTERM);
  int status = 0;
  waitpid(server.pid, &status, 0);
  for (Device& d : devices) close(d.fd);

  // Count what the store holds: the first answer plus every notification.
  std::string error;
  auto store = lwcl::store::OpenStore(db, &error);
  if (!store) Fail("cannot open the store after the run: " + error);
  uint64_t stored = 0, expected = 0;
  for (const Device& d : devices) {
    if (d.token.empty()) continue;
    expected += 1 + d.notifications;
    auto rows = store->QueryRange(d.endpoint, "/3313/0/5702", 0, INT64_MAX, 1000000);
    if (!rows.ok()) Fail("query failed: " + rows.status().message());
    stored += rows.value().size();
  }

  const double per_device = static_cast<double>(rss_held - rss_start) * 1024.0 / static_cast<double>(devices.size());
  std::printf("| store | devices | registrations/s | observations/s | notifications/s sent | values stored / expected | "
              "server CPU | server RSS start / held / peak | memory per device |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| %s | %zu | %.0f | %.0f | %.0f | %" PRIu64 " / %" PRIu64 " | %.0f%% of one core | %.1f / %.1f / %.1f MB | %.0f B |\n",
              s.store.c_str(), devices.size(), static_cast<double>(devices.size()) / reg_s,
              static_cast<double>(with_token) / obs_s, static_cast<double>(sent) / notify_s, stored, expected,
              100.0 * cpu_s / notify_s, static_cast<double>(rss_start) / 1024.0, static_cast<double>(rss_held) / 1024.0,
              static_cast<double>(rss_peak) / 1024.0, per_device);
  std::fprintf(stderr, "drained in %.1f s; server exit status %d; last health %s\n", drain_s, status, health.c_str());
  std::filesystem::remove_all(dir);
  return stored == expected && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 2;
}
