#include "facts/csv_tokenizer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "source/utf8.h"

namespace zhucun::internal {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

// A bit per byte of the n <= 64 bytes at p: set where the byte is `,`,
// `\n` or `\r`.
inline uint64_t DelimiterMask(const char* p, size_t n) {
  uint64_t mask = 0;
#if defined(__SSE2__)
  if (n == 64) {
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    for (int k = 0; k < 4; ++k) {
      const __m128i v =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i hits =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma),
                                    _mm_cmpeq_epi8(v, lf)),
                       _mm_cmpeq_epi8(v, cr));
      mask |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(hits))} << (16 * k);
    }
    return mask;
  }
#endif
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c == ',' || c == '\n' || c == '\r') mask |= uint64_t{1} << i;
  }
  return mask;
}

// The number of line breaks in [p, end), counted as SourceManager counts
// them: "\n", "\r\n" and a bare "\r" are one each.
uint32_t CountLineBreaks(const char* p, const char* end) {
  uint32_t lines = 0;
  for (; p < end; ++p) {
    if (*p == '\n') {
      ++lines;
    } else if (*p == '\r' && (p + 1 == end || p[1] != '\n')) {
      ++lines;
    }
  }
  return lines;
}

// How the byte at text[pos] reads in a message: `x`, the whole UTF-8
// character, or `\xNN` for a byte that is not text.
std::string DescribeCharacter(std::string_view text, size_t pos) {
  const unsigned char byte = static_cast<unsigned char>(text[pos]);
  if (byte == ' ') return "a space";
  if (byte == '\t') return "a tab";
  if (byte > 0x20 && byte < 0x7F) return std::string("`") + text[pos] + "`";
  if (byte >= 0x80) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, pos, &cp);
    if (len > 0) return "`" + std::string(text.substr(pos, len)) + "`";
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "\\x%02X", byte);
  return std::string("byte `") + hex + "`";
}

}  // namespace

CsvTokenizer::CsvTokenizer(std::string_view text) : text_(text) {
  if (text_.size() >= std::numeric_limits<uint32_t>::max()) {
    error_ = CsvError{0, 1, "the file is too large (4 GiB or more)"};
    done_ = true;
    return;
  }
  limit_ = static_cast<uint32_t>(text_.size());
  if (text_.substr(0, 3) == std::string_view(kBom, 3)) pos_ = 3;
}

CsvTokenizer::CsvTokenizer(std::string_view text, uint32_t pos, uint32_t line,
                           uint32_t limit)
    : text_(text) {
  if (text_.size() >= std::numeric_limits<uint32_t>::max()) {
    error_ = CsvError{0, 1, "the file is too large (4 GiB or more)"};
    done_ = true;
    return;
  }
  pos_ = std::min(pos, static_cast<uint32_t>(text_.size()));
  line_ = line;
  limit_ = std::min(limit, static_cast<uint32_t>(text_.size()));
  window_ = window_end_ = pos_;
}

bool CsvTokenizer::Fail(CsvRecord* record, uint32_t offset, uint32_t line,
                        std::string message) {
  error_ = CsvError{offset, line, std::move(message)};
  done_ = true;
  record->fields.clear();
  record->scratch.clear();
  fixups_.clear();
  return false;
}

bool CsvTokenizer::Next(CsvRecord* record) {
  record->fields.clear();
  record->scratch.clear();
  fixups_.clear();
  if (done_) return false;

  const char* const base = text_.data();
  const char* const end = base + text_.size();
  const auto offset = [base](const char* p) {
    return static_cast<uint32_t>(p - base);
  };
  const char* p = base + pos_;
  uint32_t line = line_;
  // The delimiter window, kept in registers while the record is read.
  const char* window = base + window_;
  const char* window_end = base + window_end_;
  uint64_t window_mask = window_mask_;

  // Blank lines.
  while (p < end && (*p == '\n' || *p == '\r')) {
    if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
    ++p;
    ++line;
  }
  record_begin_ = offset(p);
  record_line_ = line;
  if (p == end) {
    pos_ = offset(p);
    line_ = line;
    done_ = true;
    return false;
  }
  record->line = line;
  const char* const limit = base + limit_;

  // One field per iteration; p is at the field's first byte (possibly end,
  // after a final comma).
  for (;;) {
    if (p < end && *p == '"') {
      const char* const open = p;
      const uint32_t open_line = line;
      const char* segment = p + 1;  // the part not yet copied to scratch
      bool unescaped = false;
      uint32_t scratch_offset = 0;
      const char* close;
      for (;;) {
        close = segment < limit
                    ? static_cast<const char*>(std::memchr(
                          segment, '"', static_cast<size_t>(limit - segment)))
                    : nullptr;
        if (close == nullptr && limit < end) {
          gave_up_ = true;
          done_ = true;
          record->fields.clear();
          record->scratch.clear();
          fixups_.clear();
          return false;
        }
        if (close == nullptr) {
          return Fail(record, offset(open), open_line,
                      "unbalanced quotes: the quoted field that starts on "
                      "line " +
                          std::to_string(open_line) + " is not closed");
        }
        if (close + 1 < end && close[1] == '"') {  // a doubled quote
          if (!unescaped) {
            unescaped = true;
            scratch_offset = static_cast<uint32_t>(record->scratch.size());
          }
          record->scratch.append(segment, close + 1);
          segment = close + 2;
          continue;
        }
        break;
      }
      line += CountLineBreaks(open + 1, close);
      CsvField field;
      field.begin = offset(open);
      field.end = offset(close + 1);
      field.quoted = true;
      if (unescaped) {
        record->scratch.append(segment, close);
        fixups_.push_back(Fixup{
            static_cast<uint32_t>(record->fields.size()), scratch_offset,
            static_cast<uint32_t>(record->scratch.size() - scratch_offset)});
      } else {
        field.value = std::string_view(open + 1,
                                       static_cast<size_t>(close - open - 1));
      }
      record->fields.push_back(field);
      p = close + 1;
    } else {
      // The first `,`, `\n` or `\r` from p, or the end, from the mask of
      // the delimiters in the (up to) 64 bytes from `window`, which is
      // found once for all the fields in those bytes.
      const char* stop = p;
      for (;;) {
        if (stop >= window_end) {
          window = stop;
          const size_t n = std::min<size_t>(static_cast<size_t>(end - stop), 64);
          window_end = stop + n;
          window_mask = DelimiterMask(stop, n);
        }
        const uint64_t mask = window_mask >> (stop - window);
        if (mask != 0) {
          stop += __builtin_ctzll(mask);
          break;
        }
        stop = window_end;
        if (stop == end) break;
      }
      record->fields.push_back(CsvField{
          std::string_view(p, static_cast<size_t>(stop - p)), offset(p),
          offset(stop), false});
      p = stop;
    }

    // p is just past a field: at `,`, a line end or the end of the text.
    if (p == end) break;
    const char c = *p;
    if (c == ',') {
      ++p;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && p + 1 < end && p[1] == '\n') ++p;
      ++p;
      ++line;
      break;
    }
    // Only after a closing quote.
    return Fail(record, offset(p), line,
                "expected `,` or a line end after the closing quote of a "
                "quoted field, found " +
                    DescribeCharacter(text_, offset(p)));
  }

  // INVARIANT: scratch no longer changes, so views into it stay valid.
  for (const Fixup& fixup : fixups_) {
    record->fields[fixup.field].value =
        std::string_view(record->scratch).substr(fixup.offset, fixup.size);
  }
  pos_ = offset(p);
  line_ = line;
  window_ = offset(window);
  window_end_ = offset(window_end);
  window_mask_ = window_mask;
  return true;
}

}  // namespace zhucun::internal
