// Whole-file reads for the subcommands, with errors that name the file.
#ifndef LWCL_APPS_FILE_BYTES_H_
#define LWCL_APPS_FILE_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lwcl::apps {

// Throws std::runtime_error("<path>: <reason>") when the file cannot be read.
std::vector<uint8_t> ReadFileBytes(const std::string& path);
std::string ReadFileText(const std::string& path);
// Writes atomically (temp file + rename) so a crash never leaves half a file.
void WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes);
void WriteFileText(const std::string& path, std::string_view text);

}  // namespace lwcl::apps

#endif  // LWCL_APPS_FILE_BYTES_H_
