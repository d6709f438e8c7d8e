#ifndef ZHUCUN_SRC_ENGINE_CSV_BLOCKS_H_
#define ZHUCUN_SRC_ENGINE_CSV_BLOCKS_H_

// CSV text blocks of a YAML file (a pack test's `members: |`): each is
// registered in the SourceManager as a text of its own, for the CSV reader
// to read, with the way back from positions in that text to positions in
// the YAML file (pack_tests.cc explains the padding that keeps line numbers).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "facts/yaml_tree.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {

// Byte offsets where the lines of a text start, counted as SourceManager
// and the CSV tokenizer count them ("\n", "\r\n" or a bare "\r").
std::vector<uint32_t> LineStarts(std::string_view text);

// The line `index` (0-based) of a text without its line end.
std::string_view LineAt(std::string_view text, const std::vector<uint32_t>& starts,
                        size_t index);

// A CSV text block of a test file, registered in the SourceManager as its
// own text so that the CSV reader can read it, and the way back from
// positions in that text to positions in the test file.
struct Block {
  FileId yaml = kNoFile;
  FileId text = kNoFile;
  SourceSpan node;  // the scalar in the test file
  bool exact = false;
  uint32_t indent = 0;  // bytes removed from each line of the block
  const std::vector<uint32_t>* yaml_starts = nullptr;
  std::vector<uint32_t> text_starts;
};

class BlockMap {
 public:
  explicit BlockMap(SourceManager& sources) : sources_(sources) {}

  // Registers the scalar `n` of `yaml` as a text named `name`.
  const Block& Add(FileId yaml, const YamlNode& n, const std::string& name);

  // A span in the test file for a span in a block's text (other spans are
  // returned as they are).
  SourceSpan Map(SourceSpan s) const;

  Diagnostics Map(const Diagnostics& diags) const;

 private:
  uint32_t MapOffset(const Block& b, uint32_t offset) const;

  const std::vector<uint32_t>& Starts(FileId yaml);

  SourceManager& sources_;
  std::map<FileId, Block> blocks_;
  std::map<FileId, std::vector<uint32_t>> starts_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_CSV_BLOCKS_H_
