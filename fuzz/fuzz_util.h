// Helpers shared by the fuzz targets (fuzz/*_fuzz.cc): a per-process
// scratch folder, splitting an input into files, writing files.
#ifndef ZHUCUN_FUZZ_UTIL_H_
#define ZHUCUN_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace zhucun_fuzz {

// The line that separates the files of a multi-file input (alone on its
// line): pack.yaml, then the rule file, then the schema, then (pack_test)
// the test file. Not YAML's `---`, so that a file may hold documents.
inline constexpr std::string_view kSeparator = "@@@@";

// Splits `data` at lines that are exactly kSeparator into at most `n`
// parts (the last part takes the rest, separators included).
inline std::vector<std::string> Split(std::string_view data, size_t n) {
  std::vector<std::string> parts;
  size_t start = 0;
  size_t line = 0;
  while (parts.size() + 1 < n && line <= data.size()) {
    size_t end = data.find('\n', line);
    if (end == std::string_view::npos) end = data.size();
    std::string_view text = data.substr(line, end - line);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text == kSeparator) {
      parts.emplace_back(data.substr(start, line - start));
      start = end + 1 > data.size() ? data.size() : end + 1;
    }
    line = end + 1;
  }
  parts.emplace_back(data.substr(start < data.size() ? start : data.size()));
  while (parts.size() < n) parts.emplace_back();
  return parts;
}

// A folder of this process's own under $TMPDIR, removed at exit.
inline const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path base = std::filesystem::temp_directory_path();
    std::string pattern =
        (base / ("zhucun-fuzz-" + std::to_string(getpid()) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      perror("mkdtemp");
      abort();
    }
    static std::filesystem::path made = pattern;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(made, ec);
    });
    return made;
  }();
  return dir;
}

inline void WriteFile(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    perror(path.c_str());
    abort();
  }
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    perror(path.c_str());
    abort();
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace zhucun_fuzz

#endif  // ZHUCUN_FUZZ_UTIL_H_
