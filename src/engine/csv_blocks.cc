// CSV text blocks of a YAML file (csv_blocks.h).

#include "engine/csv_blocks.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhucun::internal {

std::vector<uint32_t> LineStarts(std::string_view text) {
  std::vector<uint32_t> starts = {0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' ||
        (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      starts.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  return starts;
}

std::string_view LineAt(std::string_view text,
                        const std::vector<uint32_t>& starts, size_t index) {
  const size_t begin = starts[index];
  size_t end = index + 1 < starts.size() ? starts[index + 1] : text.size();
  while (end > begin && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  return text.substr(begin, end - begin);
}

const Block& BlockMap::Add(FileId yaml, const YamlNode& n, const std::string& name) {
  Block b;
  b.yaml = yaml;
  b.node = SourceSpan{yaml, n.begin, n.end};
  const std::string_view text = sources_.text(yaml);
  const std::vector<uint32_t>& starts = Starts(yaml);
  b.yaml_starts = &starts;
  std::string padded = n.value;
  if (n.begin < text.size() && text[n.begin] == '|') {
    // The block's content starts on the line after its header.
    const size_t first = sources_.Locate(yaml, n.begin).line;  // 0-based next
    std::vector<std::string_view> lines;
    std::string_view v = n.value;
    while (!v.empty()) {
      const size_t eol = v.find('\n');
      lines.push_back(v.substr(0, eol));
      v = eol == std::string_view::npos ? std::string_view()
                                        : v.substr(eol + 1);
    }
    bool exact = first + lines.size() <= starts.size();
    bool indent_known = false;
    for (size_t k = 0; exact && k < lines.size(); ++k) {
      const std::string_view line = LineAt(text, starts, first + k);
      if (lines[k].empty()) {
        exact = line.find_first_not_of(' ') == std::string_view::npos;
        continue;
      }
      if (!indent_known) {
        exact = line.size() >= lines[k].size();
        if (!exact) break;
        b.indent = static_cast<uint32_t>(line.size() - lines[k].size());
        indent_known = true;
      }
      exact = line.size() == b.indent + lines[k].size() &&
              line.substr(0, b.indent).find_first_not_of(' ') ==
                  std::string_view::npos &&
              line.substr(b.indent) == lines[k];
    }
    if (exact && indent_known) {
      b.exact = true;
      padded = std::string(first, '\n') + n.value;
    }
  }
  b.text = sources_.Add(name, std::move(padded));
  b.text_starts = LineStarts(sources_.text(b.text));
  auto [it, inserted] = blocks_.emplace(b.text, std::move(b));
  return it->second;
}

SourceSpan BlockMap::Map(SourceSpan s) const {
  const auto it = blocks_.find(s.file);
  if (it == blocks_.end()) return s;
  const Block& b = it->second;
  if (!b.exact) return b.node;
  const uint32_t begin = MapOffset(b, s.begin);
  const uint32_t end = std::max(begin, MapOffset(b, s.end));
  return SourceSpan{b.yaml, begin, end};
}

Diagnostics BlockMap::Map(const Diagnostics& diags) const {
  Diagnostics out;
  for (Diagnostic d : diags.items()) {
    d.span = Map(d.span);
    out.Add(std::move(d));
  }
  return out;
}

uint32_t BlockMap::MapOffset(const Block& b, uint32_t offset) const {
  const auto& ts = b.text_starts;
  const size_t line =
      static_cast<size_t>(std::upper_bound(ts.begin(), ts.end(), offset) -
                          ts.begin()) -
      1;
  const std::string_view text = sources_.text(b.yaml);
  const auto& ys = *b.yaml_starts;
  if (line >= ys.size()) return b.node.end;
  const std::string_view yline = LineAt(text, ys, line);
  const size_t column =
      std::min<size_t>(b.indent + (offset - ts[line]), yline.size());
  return static_cast<uint32_t>(ys[line] + column);
}

const std::vector<uint32_t>& BlockMap::Starts(FileId yaml) {
  auto it = starts_.find(yaml);
  if (it == starts_.end()) {
    it = starts_.emplace(yaml, LineStarts(sources_.text(yaml))).first;
  }
  return it->second;
}

}  // namespace zhucun::internal
