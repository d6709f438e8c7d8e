// SourceManager: owns source texts and maps byte offsets to 1-based lines and
// columns. Lines end at "\n", "\r\n" or a lone "\r" (as in YAML and CEL).
// Columns count code points; a byte that is not valid UTF-8 counts as one.

#include <algorithm>
#include <cstring>
#include <utility>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "source/utf8.h"
#include "zhucun/source.h"

namespace zhucun {

namespace {

const std::string& EmptyString() {
  static const std::string* const empty = new std::string();
  return *empty;
}

}  // namespace

FileId SourceManager::Add(std::string name, std::string text) {
  File& file = files_.emplace_back();
  file.name = std::move(name);
  file.text = std::move(text);
  return static_cast<FileId>(files_.size() - 1);
}

const std::vector<uint32_t>& SourceManager::LineStarts(const File& file) {
  std::call_once(*file.indexed, [&file] {
    std::vector<uint32_t>& starts = file.line_starts;
    const std::string& t = file.text;
    // The lines counted first, so that their starts are mapped in once.
    starts.clear();
    starts.reserve(LastLineOf(t));
    starts.push_back(0);
    if (t.find('\r') == std::string::npos) {
      // The common case (LF only): memchr from line to line.
      const char* begin = t.data();
      const char* end = begin + t.size();
      for (const char* p = begin;
           (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) !=
           nullptr;
           ++p) {
        starts.push_back(static_cast<uint32_t>(p - begin + 1));
      }
      return;
    }
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\n') {
        starts.push_back(static_cast<uint32_t>(i + 1));
      } else if (t[i] == '\r') {
        if (i + 1 < t.size() && t[i + 1] == '\n') ++i;
        starts.push_back(static_cast<uint32_t>(i + 1));
      }
    }
  });
  return file.line_starts;
}

void SourceManager::Release(FileId id) {
  if (id >= files_.size()) return;
  File& file = files_[id];
  std::string().swap(file.text);
  std::vector<uint32_t>().swap(file.line_starts);
  file.indexed = std::make_unique<std::once_flag>();
  file.held = false;
}

void SourceManager::Restore(FileId id, std::string text) {
  if (id >= files_.size()) return;
  File& file = files_[id];
  file.text = std::move(text);
  std::vector<uint32_t>().swap(file.line_starts);
  file.indexed = std::make_unique<std::once_flag>();
  file.held = true;
}

bool SourceManager::held(FileId id) const {
  return id < files_.size() && files_[id].held;
}

const std::string& SourceManager::name(FileId id) const {
  if (id >= files_.size()) return EmptyString();
  return files_[id].name;
}

std::string_view SourceManager::text(FileId id) const {
  if (id >= files_.size()) return {};
  return files_[id].text;
}

uint32_t SourceManager::LastLine(FileId id) const {
  if (id >= files_.size()) return 0;
  return LastLineOf(files_[id].text);
}

uint32_t SourceManager::LastLineOf(std::string_view t) {
  // The "\n"s counted, and whether there is any "\r", in one pass (a
  // CSV file of millions of lines is counted as it is read).
  size_t ends = 0;
  bool any_cr = false;
  size_t i = 0;
#if defined(__SSE2__) && defined(__x86_64__)
  // 16 bytes at a time: each byte lane of `acc` counts its "\n"s (up to
  // 255 blocks, then summed into `sums`).
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i zero = _mm_setzero_si128();
  __m128i sums = zero;
  __m128i crs = zero;
  while (t.size() - i >= 16) {
    const size_t blocks = std::min<size_t>((t.size() - i) / 16, 255);
    __m128i acc = zero;
    for (size_t b = 0; b < blocks; ++b, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, lf));  // (a match is -1)
      crs = _mm_or_si128(crs, _mm_cmpeq_epi8(v, cr));
    }
    sums = _mm_add_epi64(sums, _mm_sad_epu8(acc, zero));
  }
  ends = static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  any_cr = _mm_movemask_epi8(crs) != 0;
#endif
  for (; i < t.size(); ++i) {
    ends += t[i] == '\n';
    any_cr = any_cr || t[i] == '\r';
  }
  // A "\r" is a line end of its own unless a "\n" follows it.
  if (any_cr) {
    for (size_t r = t.find('\r'); r != std::string_view::npos; r = t.find('\r', r + 1)) {
      if (r + 1 == t.size() || t[r + 1] != '\n') ++ends;
    }
  }
  return static_cast<uint32_t>(1 + ends);
}

LineColumn SourceManager::Locate(FileId id, uint32_t offset) const {
  if (id >= files_.size()) return {};
  const File& file = files_[id];
  const std::string_view text = file.text;
  if (offset > text.size()) offset = static_cast<uint32_t>(text.size());
  // The last line start <= offset.
  const std::vector<uint32_t>& starts = LineStarts(file);
  const auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  const size_t line_index = static_cast<size_t>(it - starts.begin()) - 1;
  uint32_t column = 1;
  size_t pos = starts[line_index];
  while (pos < offset) {
    char32_t cp;
    const size_t len = internal::DecodeUtf8(text, pos, &cp);
    pos += len == 0 ? 1 : len;
    ++column;
  }
  return LineColumn{static_cast<uint32_t>(line_index + 1), column};
}

std::string_view SourceManager::LineText(FileId id, uint32_t offset) const {
  if (id >= files_.size()) return {};
  const File& file = files_[id];
  const std::string_view text = file.text;
  if (offset > text.size()) offset = static_cast<uint32_t>(text.size());
  const std::vector<uint32_t>& starts = LineStarts(file);
  const auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  const size_t begin = *(it - 1);
  size_t end = it == starts.end() ? text.size() : *it;
  // Strip the line end ("\n", "\r\n" or "\r").
  if (end > begin && text[end - 1] == '\n') --end;
  if (end > begin && text[end - 1] == '\r') --end;
  return text.substr(begin, end - begin);
}

}  // namespace zhucun
