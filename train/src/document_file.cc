#include "train/document_file.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

nlohmann::json ParseDocument(std::span<const uint8_t> bytes, const std::string& source) {
  size_t first = 0;
  while (first < bytes.size() &&
         (bytes[first] == ' ' || bytes[first] == '\n' || bytes[first] == '\r' ||
          bytes[first] == '\t')) {
    ++first;
  }
  if (first == bytes.size()) throw DatasetError(source + ": empty file");
  const bool json_text = bytes[first] == '{' || bytes[first] == '[';
  try {
    if (json_text) return nlohmann::json::parse(bytes.begin(), bytes.end());
    return nlohmann::json::from_cbor(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    throw DatasetError(source + (json_text ? ": not valid JSON: " : ": not valid CBOR: ") +
                       e.what());
  }
}

nlohmann::json ReadDocumentFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DatasetError(file.string() + ": cannot open");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  return ParseDocument(bytes, file.string());
}

}  // namespace lwcl::train
