// `lwcl server`: the LwM2M server with its store and REST API, until Ctrl-C.
// Settings come from defaults, then an optional JSON config file, then flags
// (a flag beats the file). Defaults: CoAP on 5683 (UDP) and 5684 (DTLS-PSK,
// keys from the store's credentials), HTTP on 8080, all on loopback; data in
// ./data (SQLite lwcl.db). Logs are quiet unless -v: one line per
// registration change then.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "device_flags.h"
#include "file_bytes.h"
#include "lwm2m/path.h"
#include "server/rest_api.h"
#include "server/service.h"

namespace lwcl::apps {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct ServerSettings {
  std::string config;
  std::string address = "127.0.0.1";
  uint16_t coap_port = 5683;
  int dtls_port = 5684;  // -1: off
  uint16_t http_port = 8080;
  std::string data_dir = "data";
  std::string database;  // default: <data_dir>/lwcl.db
  std::string token;
  std::string fleet_key;  // file: the public key uploaded models must be signed with
  std::string web_dir;
  int bootstrap_port = -1;       // -1: the bootstrap-server role is off
  int bootstrap_dtls_port = -1;  // -1: off
  bool bootstrap_allow_nosec = false;
  std::vector<std::string> observe;  // paths observed on every device that registers
};

// Fills what the file names; flags given on the command line win later.
void ApplyConfigFile(const std::string& path, ServerSettings* s, const CLI::App& cmd) {
  const std::string text = ReadFileText(path);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(path + ": not a JSON object");
  auto take = [&](const char* key, const char* flag, auto* field) {
    if (!j.contains(key) || cmd.count(flag) > 0) return;
    try {
      *field = j[key].get<std::decay_t<decltype(*field)>>();
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(path + ": \"" + key + "\" has the wrong type");
    }
  };
  take("address", "--address", &s->address);
  take("coap_port", "--coap-port", &s->coap_port);
  take("dtls_port", "--dtls-port", &s->dtls_port);
  take("http_port", "--http-port", &s->http_port);
  take("data_dir", "--data", &s->data_dir);
  take("database", "--db", &s->database);
  take("token", "--token", &s->token);
  take("fleet_key", "--fleet-key", &s->fleet_key);
  take("web", "--web", &s->web_dir);
  take("bootstrap_port", "--bootstrap-port", &s->bootstrap_port);
  take("bootstrap_dtls_port", "--bootstrap-dtls-port", &s->bootstrap_dtls_port);
  take("bootstrap_allow_nosec", "--bootstrap-allow-nosec", &s->bootstrap_allow_nosec);
  take("observe", "--observe", &s->observe);
  for (const auto& [key, v] : j.items()) {
    static const char* kKnown[] = {"address",  "coap_port", "dtls_port",      "http_port",
                                   "data_dir", "database",  "token",          "web",
                                   "bootstrap_port", "bootstrap_dtls_port", "bootstrap_allow_nosec", "observe",
                                   "fleet_key"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      throw std::runtime_error(path + ": unknown setting \"" + key + "\"");
    }
  }
}

void RunServer(ServerSettings s, const CLI::App& cmd) {
  if (!s.config.empty()) ApplyConfigFile(s.config, &s, cmd);
  if (s.database.empty()) {
    std::filesystem::create_directories(s.data_dir);
    s.database = (std::filesystem::path(s.data_dir) / "lwcl.db").string();
  }
  server::ServiceOptions options;
  options.coap.address = s.address;
  options.coap.udp_port = s.coap_port;
  if (s.dtls_port >= 0) options.coap.dtls_port = static_cast<uint16_t>(s.dtls_port);
  options.database = s.database;
  for (const std::string& p : s.observe) {
    if (!lwm2m::Path::Parse(p) || p.empty() || p == "/") throw std::runtime_error("--observe " + p + ": not an LwM2M path like /33650");
  }
  options.observe_on_register = s.observe;
  if (s.bootstrap_port >= 0) {
    server::BootstrapOptions bs;
    bs.address = s.address;
    bs.udp_port = static_cast<uint16_t>(s.bootstrap_port);
    if (s.bootstrap_dtls_port >= 0) bs.dtls_port = static_cast<uint16_t>(s.bootstrap_dtls_port);
    options.bootstrap = bs;
    options.bootstrap_allow_nosec = s.bootstrap_allow_nosec;
  }
  std::string error;
  std::unique_ptr<server::Service> service = server::Service::Open(options, &error);
  if (!service) throw std::runtime_error(error);
  service->Subscribe([](const store::Event& e) {
    if (e.kind == "notification") return;
    spdlog::info("{} {} {}", e.kind, e.endpoint.value_or("-"), e.detail_json);
  });
  server::RestOptions rest;
  rest.address = s.address;
  rest.port = s.http_port;
  rest.token = s.token;
  if (!s.fleet_key.empty()) rest.models.fleet_key = ReadFleetKeyFlag(s.fleet_key);
  rest.static_dir = s.web_dir;
  server::RestApi api(*service, rest);
  if (!api.Start(&error)) throw std::runtime_error(error);
  const std::string dtls =
      service->lwm2m().dtls_port() ? ", coaps://" + s.address + ":" + std::to_string(service->lwm2m().dtls_port()) : "";
  const std::string bootstrap =
      service->bootstrap() ? ", bootstrap coap://" + s.address + ":" + std::to_string(service->bootstrap()->udp_port()) +
                                 (service->bootstrap()->dtls_port()
                                      ? " coaps://" + s.address + ":" + std::to_string(service->bootstrap()->dtls_port())
                                      : "")
                           : "";
  // One line on stdout that scripts (make demo) wait for.
  std::printf("lwcl server: coap://%s:%u%s, http://%s:%u, database %s%s\n", s.address.c_str(),
              service->lwm2m().udp_port(), dtls.c_str(), s.address.c_str(), api.port(), s.database.c_str(),
              bootstrap.c_str());
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) service->Step(20);
  api.Stop();
  if (!service->Flush()) spdlog::warn("some values could not be stored before exit: {}", service->stats().last_store_error);
}

}  // namespace

void RegisterServerCommand(CLI::App& app) {
  auto settings = std::make_shared<ServerSettings>();
  CLI::App* cmd = app.add_subcommand(
      "server",
      "Run the LwM2M server with its store and REST API until Ctrl-C.\n\n"
      "Examples:\n"
      "  lwcl server                                 # loopback, data in ./data\n"
      "  lwcl server --db postgresql://lwcl@localhost/lwcl --token $TOKEN\n"
      "  lwcl server --config server.json --http-port 9090\n"
      "  lwcl server --bootstrap-port 5783 --bootstrap-dtls-port 5784   # also the bootstrap server\n"
      "  lwcl server --observe /33650 --web web/dist  # every device's pattern counters, on the dashboard\n"
      "Config file keys: address, coap_port, dtls_port (-1: off), http_port, data_dir, database, token, web,\n"
      "bootstrap_port, bootstrap_dtls_port (-1: off), bootstrap_allow_nosec, observe (a list of paths).");
  cmd->add_option("--config", settings->config, "JSON config file (flags override it)")->check(CLI::ExistingFile);
  cmd->add_option("--address", settings->address, "Numeric IPv4 address to listen on")->capture_default_str();
  cmd->add_option("--coap-port", settings->coap_port, "CoAP (UDP) port; 0 picks a free one")->capture_default_str();
  cmd->add_option("--dtls-port", settings->dtls_port, "CoAP over DTLS-PSK port; -1 turns it off")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  cmd->add_option("--http-port", settings->http_port, "REST API and dashboard port; 0 picks a free one")
      ->capture_default_str();
  cmd->add_option("--data", settings->data_dir, "Data directory (SQLite database)")->capture_default_str();
  cmd->add_option("--db", settings->database, "Database: a SQLite file or postgresql://... (default <data>/lwcl.db; a PostgreSQL connection attempt gives up after 5 s unless the URL sets connect_timeout)");
  cmd->add_option("--token", settings->token, "Bearer token the REST API requires for changes");
  cmd->add_option("--fleet-key", settings->fleet_key,
                  "Ed25519 public key (PEM or hex) every uploaded model must be signed with");
  cmd->add_option("--web", settings->web_dir, "Serve the dashboard from this directory")->check(CLI::ExistingDirectory);
  cmd->add_option("--bootstrap-port", settings->bootstrap_port,
                  "Also be the bootstrap server on this UDP port; -1: off (devices with a credential in the store "
                  "get the DTLS-PSK account)")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  cmd->add_option("--bootstrap-dtls-port", settings->bootstrap_dtls_port, "Bootstrap server over DTLS-PSK; -1: off")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  cmd->add_option("--observe", settings->observe,
                  "Observe this path on every device that registers with its object (repeatable), e.g. /33650");
  cmd->add_flag("--bootstrap-allow-nosec", settings->bootstrap_allow_nosec,
                "Bootstrap devices without a credential onto the NoSec CoAP port (trusted networks only)");
  cmd->callback([settings, cmd] { RunServer(*settings, *cmd); });
}

}  // namespace lwcl::apps
