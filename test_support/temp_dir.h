// TempDir: a fresh, empty directory for one test (or benchmark), removed
// with everything in it when the object dies. Shared by every part's tests
// that need files: SQLite databases, datasets, state files.
//
// It promises: the directory exists and is empty after construction (mkdtemp
// under the system temp dir, so parallel test processes never share one);
// path() is empty only when mkdtemp failed, which tests should ASSERT on.
#ifndef LWCL_TEST_SUPPORT_TEMP_DIR_H_
#define LWCL_TEST_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace lwcl::test_support {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "lwcl-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // `relative` (parent folders created) with `text` as its contents.
  void Write(const std::filesystem::path& relative, const std::string& text) const {
    std::filesystem::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative) << text;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace lwcl::test_support

#endif  // LWCL_TEST_SUPPORT_TEMP_DIR_H_
