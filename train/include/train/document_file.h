// Document file: reading a JSON or CBOR document from disk, for the loaders of
// structured recording formats (Edge Impulse acquisition files, info.labels,
// LwCL recordings), which all come in both encodings.
//
// The encoding is decided by content, not by name: a document whose first
// non-blank byte is '{' or '[' is JSON, anything else is tried as CBOR. A file
// that is neither is a DatasetError naming it (and, for JSON, the byte where
// parsing stopped).
#ifndef LWCL_TRAIN_DOCUMENT_FILE_H_
#define LWCL_TRAIN_DOCUMENT_FILE_H_

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

namespace lwcl::train {

// Decodes `bytes` as JSON or CBOR; `source` names it in errors.
nlohmann::json ParseDocument(std::span<const uint8_t> bytes, const std::string& source);

// Reads and decodes one file.
nlohmann::json ReadDocumentFile(const std::filesystem::path& file);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DOCUMENT_FILE_H_
