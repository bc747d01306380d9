// `lwcl models ...` and `lwcl rollout ...`: the model registry and rollouts
// of a running `lwcl server`, through its REST API (docs/api.md). Output is
// a line per model or device for people, or the API's JSON with --json.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "api_client.h"
#include "commands.h"
#include "file_bytes.h"

namespace lwcl::apps {
namespace {

using json = nlohmann::json;

struct ApiSettings {
  ApiTarget target;
  bool as_json = false;
  std::string file;
  int64_t id = 0;
  std::vector<std::string> devices;
  double canary_percent = 10;
  size_t wave_size = 50;
  size_t max_concurrent = 16;
  double max_failure_ratio = 0;
  double min_confidence_ratio = 0.8;
  double probation_s = 15;
  bool downgrade = false;
  std::string group;
  bool pull = false;
};

void AddTargetOptions(CLI::App* cmd, ApiSettings* s) {
  cmd->add_option("--api", s->target.url, "The server's REST API")->capture_default_str();
  cmd->add_option("--token", s->target.token, "The server's --token, for changes");
  cmd->add_flag("--json", s->as_json, "Print the API's JSON answer");
}

void PrintModel(const json& m) {
  std::printf("%-4lld %-16s %-10s %s %6lld B  %s%s\n", static_cast<long long>(m.value("id", 0LL)),
              m.value("name", std::string("-")).c_str(), m.value("version", std::string("-")).c_str(),
              m.value("signed", false) ? "signed  " : "unsigned", static_cast<long long>(m.value("size", 0LL)),
              m.value("digest", std::string()).substr(0, 16).c_str(), m.value("delta", false) ? "  (delta)" : "");
}

void PrintRollout(const json& r) {
  std::printf("rollout %lld: model %lld (%s %s), %s, %lld devices, %lld bytes sent\n",
              static_cast<long long>(r.value("id", 0LL)), static_cast<long long>(r.value("model", 0LL)),
              r.value("model_name", std::string()).c_str(), r.value("model_version", std::string()).c_str(),
              r.value("state", std::string()).c_str(), static_cast<long long>(r.value("devices_total", 0LL)),
              static_cast<long long>(r.value("bytes_sent", 0LL)));
  if (!r.value("halt_reason", std::string()).empty()) std::printf("  halted: %s\n", r["halt_reason"].get<std::string>().c_str());
  if (r.contains("counts")) {
    std::string line = " ";
    for (const auto& [state, n] : r["counts"].items()) line += " " + state + "=" + std::to_string(n.get<int>());
    std::printf("%s\n", line.c_str());
  }
  if (!r.contains("devices")) return;
  for (const json& d : r["devices"]) {
    std::printf("  %-24s %-12s%s %s\n", d.value("endpoint", std::string()).c_str(), d.value("state", std::string()).c_str(),
                d.value("canary", false) ? " canary" : "       ", d.value("reason", std::string()).c_str());
  }
}

void Print(const ApiSettings& s, const json& j, void (*one)(const json&)) {
  if (s.as_json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else if (j.is_array()) {
    for (const json& x : j) one(x);
    if (j.empty()) std::printf("(none)\n");
  } else {
    one(j);
  }
}

// Runs `body`, turning its errors into the CLI's one-line message and exit 1.
void Guard(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    throw CLI::RuntimeError(1);
  }
}

void RegisterModels(CLI::App& app) {
  auto s = std::make_shared<ApiSettings>();
  CLI::App* cmd = app.add_subcommand("models",
                                     "The model registry of a running lwcl server: upload, list, show, delete.\n\n"
                                     "Examples:\n"
                                     "  lwcl models upload motion.lwpkg --token s3cret\n"
                                     "  lwcl models list\n"
                                     "  lwcl models show 3 --json\n"
                                     "  lwcl models delete 3 --token s3cret --api http://10.0.0.5:8080");
  cmd->require_subcommand(1);
  CLI::App* upload = cmd->add_subcommand("upload", "Upload a signed package (the server checks it as a device would)");
  upload->add_option("package", s->file, "The .lwpkg file")->required();
  CLI::App* list = cmd->add_subcommand("list", "List the registry, newest first");
  CLI::App* show = cmd->add_subcommand("show", "One model's details");
  show->add_option("id", s->id, "Model id")->required();
  CLI::App* del = cmd->add_subcommand("delete", "Delete a model from the registry");
  del->add_option("id", s->id, "Model id")->required();
  for (CLI::App* c : {upload, list, show, del}) AddTargetOptions(c, s.get());
  upload->callback([s] {
    Guard([&] {
      const std::vector<uint8_t> bytes = ReadFileBytes(s->file);
      Print(*s, CallApi(s->target, "POST", "/api/models", std::string(bytes.begin(), bytes.end()),
                        "application/octet-stream"),
            PrintModel);
    });
  });
  list->callback([s] { Guard([&] { Print(*s, CallApi(s->target, "GET", "/api/models"), PrintModel); }); });
  show->callback([s] {
    Guard([&] { Print(*s, CallApi(s->target, "GET", "/api/models/" + std::to_string(s->id)), PrintModel); });
  });
  del->callback([s] {
    Guard([&] {
      CallApi(s->target, "DELETE", "/api/models/" + std::to_string(s->id));
      std::printf("deleted model %lld\n", static_cast<long long>(s->id));
    });
  });
}

void RegisterRollout(CLI::App& app) {
  auto s = std::make_shared<ApiSettings>();
  CLI::App* cmd = app.add_subcommand(
      "rollout",
      "Rollouts of a registry model to devices over LwM2M /9: start, status, list, pause, resume, abort.\n"
      "A canary share goes first, then the rest in waves; an unhealthy group halts the rollout.\n\n"
      "Examples:\n"
      "  lwcl rollout start 3 --token s3cret                  # every registered device, 10% canary\n"
      "  lwcl rollout start 3 --devices dev-1,dev-2 --canary 50 --token s3cret\n"
      "  lwcl rollout start 3 --group 'plant-a-*' --pull --token s3cret   # devices fetch it (Block2)\n"
      "  lwcl rollout status 1\n"
      "  lwcl rollout pause 1 --token s3cret");
  cmd->require_subcommand(1);
  CLI::App* start = cmd->add_subcommand("start", "Start rolling a model out");
  start->add_option("model", s->id, "Model id (lwcl models list)")->required();
  start->add_option("--devices", s->devices, "Endpoints (comma-separated); default: every registered device")
      ->delimiter(',');
  start->add_option("--canary", s->canary_percent, "Canary share, percent of the devices")->capture_default_str();
  start->add_option("--wave", s->wave_size, "Devices per wave after the canary")->capture_default_str();
  start->add_option("--concurrent", s->max_concurrent, "Transfers at once")->capture_default_str();
  start->add_option("--max-failures", s->max_failure_ratio, "Share of a group that may fail before a halt (0..1)")
      ->capture_default_str();
  start->add_option("--min-confidence", s->min_confidence_ratio, "Mean confidence vs the device's baseline")
      ->capture_default_str();
  start->add_option("--probation", s->probation_s, "Seconds a device is watched after activation")
      ->capture_default_str();
  start->add_option("--group", s->group, "Devices whose endpoint matches this glob (e.g. 'plant-a-*')");
  start->add_flag("--downgrade", s->downgrade, "Allow a version that is not newer than what devices run");
  start->add_flag("--pull", s->pull, "Devices fetch the package from the server (/9/x/3, Block2) instead of a push");
  CLI::App* status = cmd->add_subcommand("status", "A rollout's state, counts and every device");
  status->add_option("id", s->id, "Rollout id")->required();
  CLI::App* list = cmd->add_subcommand("list", "Every rollout, newest first");
  std::vector<CLI::App*> verbs;
  for (const char* verb : {"pause", "resume", "abort"}) {
    CLI::App* v = cmd->add_subcommand(verb, std::string(verb) + " a rollout");
    v->add_option("id", s->id, "Rollout id")->required();
    verbs.push_back(v);
  }
  for (CLI::App* c : {start, status, list}) AddTargetOptions(c, s.get());
  for (CLI::App* c : verbs) AddTargetOptions(c, s.get());
  start->callback([s] {
    Guard([&] {
      json body = {{"model", s->id},
                   {"canary_percent", s->canary_percent},
                   {"wave_size", s->wave_size},
                   {"max_concurrent", s->max_concurrent},
                   {"max_failure_ratio", s->max_failure_ratio},
                   {"min_confidence_ratio", s->min_confidence_ratio},
                   {"probation_s", s->probation_s},
                   {"allow_downgrade", s->downgrade}};
      if (!s->group.empty() && !s->devices.empty()) throw std::runtime_error("give --devices or --group, not both");
      body["devices"] = !s->group.empty() ? json{{"group", s->group}} : s->devices.empty() ? json("all") : json(s->devices);
      body["delivery"] = s->pull ? "pull" : "push";
      Print(*s, CallApi(s->target, "POST", "/api/rollouts", body.dump()), PrintRollout);
    });
  });
  status->callback([s] {
    Guard([&] { Print(*s, CallApi(s->target, "GET", "/api/rollouts/" + std::to_string(s->id)), PrintRollout); });
  });
  list->callback([s] { Guard([&] { Print(*s, CallApi(s->target, "GET", "/api/rollouts"), PrintRollout); }); });
  for (CLI::App* v : verbs) {
    v->callback([s, v] {
      Guard([&] {
        Print(*s, CallApi(s->target, "POST", "/api/rollouts/" + std::to_string(s->id) + "/" + v->get_name()),
              PrintRollout);
      });
    });
  }
}

}  // namespace

void RegisterModelsCommands(CLI::App& app) {
  RegisterModels(app);
  RegisterRollout(app);
}

}  // namespace lwcl::apps
