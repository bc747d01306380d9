// The subcommands of `lwcl`. Each part registers its own subcommand on the
// CLI11 app; main.cc only wires them together and sets up logging.
#ifndef LWCL_APPS_COMMANDS_H_
#define LWCL_APPS_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace lwcl::apps {

void RegisterTrainCommand(CLI::App& app);
void RegisterInspectCommand(CLI::App& app);
void RegisterSelftestDataCommand(CLI::App& app);
void RegisterKeygenCommand(CLI::App& app);
void RegisterClassifyCommand(CLI::App& app);
void RegisterServerCommand(CLI::App& app);
void RegisterSimulateCommand(CLI::App& app);
void RegisterDeviceCommand(CLI::App& app);
void RegisterFleetCommand(CLI::App& app);
// `lwcl models` and `lwcl rollout` (models_command.cc).
void RegisterModelsCommands(CLI::App& app);
// `lwcl delta` (delta_command.cc).
void RegisterDeltaCommand(CLI::App& app);
// `lwcl continual`, the continual-learning benchmark (continual_command.cc).
void RegisterContinualCommand(CLI::App& app);

}  // namespace lwcl::apps

#endif  // LWCL_APPS_COMMANDS_H_
