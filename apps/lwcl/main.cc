// `lwcl`: the one command behind every LwCL program. main() only parses the
// global flags, sets up logging and dispatches to the registered subcommand.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "LwCL: keeps TinyML pattern detectors accurate after they ship.\n\n"
      "Examples:\n"
      "  lwcl train ../shared/datasets/stm32-har --seed 1 --out motion.lwpkg --report r.json\n"
      "  lwcl inspect motion.lwpkg\n"
      "  lwcl server --http-port 8080\n",
      "lwcl"};
  app.set_version_flag("--version", "lwcl 0.1.0");
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More log output (-vv for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors");
  app.require_subcommand(1);
  app.fallthrough();

  lwcl::apps::RegisterTrainCommand(app);
  lwcl::apps::RegisterInspectCommand(app);
  lwcl::apps::RegisterSelftestDataCommand(app);
  lwcl::apps::RegisterKeygenCommand(app);
  lwcl::apps::RegisterClassifyCommand(app);
  lwcl::apps::RegisterServerCommand(app);
  lwcl::apps::RegisterSimulateCommand(app);
  lwcl::apps::RegisterDeviceCommand(app);
  lwcl::apps::RegisterFleetCommand(app);
  lwcl::apps::RegisterModelsCommands(app);
  lwcl::apps::RegisterDeltaCommand(app);
  lwcl::apps::RegisterContinualCommand(app);

  // Logs go to stderr so a command's stdout stays clean for its output.
  auto logger = spdlog::stderr_color_mt("lwcl");
  logger->set_pattern("%^%l%$ %v");
  spdlog::set_default_logger(logger);
  app.parse_complete_callback([&] {
    spdlog::set_level(quiet            ? spdlog::level::err
                      : verbosity >= 2 ? spdlog::level::debug
                      : verbosity == 1 ? spdlog::level::info
                                       : spdlog::level::warn);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
