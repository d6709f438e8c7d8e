#ifndef ZHUCUN_SRC_FACTS_CSV_TOKENIZER_H_
#define ZHUCUN_SRC_FACTS_CSV_TOKENIZER_H_

// Splits a CSV text into records and fields (RFC 4180, as DATA.md states it).
// It knows nothing of headers, column counts or cell types.
//
//   - Fields are separated by `,`. A record ends at a line end: "\n", "\r\n"
//     or a bare "\r" (a "\r" not followed by "\n"), which is a line end
//     exactly as SourceManager counts lines, so that the line numbers here
//     and those of rendered diagnostics agree (spreadsheets on old Macs
//     export "CSV (Macintosh)" with bare-CR line ends). The last record may
//     lack a final line end.
//   - A field that starts with `"` is quoted: it runs to the next `"` that is
//     not doubled, and may hold commas, doubled quotes (read as one `"`) and
//     line breaks of any kind, all of which are data. After the closing quote
//     comes `,`, a line end or the end of the text; anything else
//     (`"abc"x`) is malformed. A quoted field that is never closed is
//     malformed ("unbalanced quotes").
//   - In a field that does not start with `"`, a quote is a literal character
//     (`ab"c` is the value ab"c); so are spaces (cells are not trimmed).
//   - Blank lines (no characters before the line end) are skipped; they are
//     not records. A line holding only spaces is a record of one field.
//   - A leading UTF-8 byte-order mark (EF BB BF) is skipped; offsets stay
//     file offsets.
//   - `""` is an empty quoted field: value "" with quoted = true (the reader
//     treats it as null, like an empty cell). `a,,b` and `a,b,` have empty
//     unquoted fields.
//
// Line numbers are 1-based physical lines; a line break inside a quoted
// field counts, so the record after it starts on a later line. Any bytes are
// accepted as field data (NUL, invalid UTF-8): checking the encoding is the
// caller's job (encoding.h). The tokenizer never reads outside the text.
//
// Speed: the delimiters of unquoted fields are found 64 bytes at a time
// (SSE2 where available) as a bit mask that serves all the fields in those
// bytes; quoted fields are scanned with memchr. Nothing is allocated per
// field once a reused record's vectors have grown.
//
//   CsvTokenizer tokenizer(text);
//   CsvRecord record;
//   while (tokenizer.Next(&record)) { ... record.fields ... }
//   if (tokenizer.error()) { ... malformed at error()->offset ... }

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhucun::internal {

struct CsvField {
  // Unescaped: the quotes removed and each `""` read as `"`. Points into the
  // text when the field needs no unescaping, otherwise into the record's
  // scratch.
  std::string_view value;
  // Byte offset of the field's first byte (the opening quote if quoted).
  uint32_t begin = 0;
  // Byte offset just past the field (past the closing quote if quoted).
  uint32_t end = 0;
  bool quoted = false;
};

// One record. Reuse one CsvRecord across calls to Next so that its vectors
// keep their capacity. INVARIANT: fields that were unescaped point into
// `scratch`, so a record must not be copied or moved while its fields are in
// use (the copy's views would point into the original's scratch).
struct CsvRecord {
  // 1-based physical line on which the record starts.
  uint32_t line = 0;
  std::vector<CsvField> fields;
  // Backing store for unescaped field values.
  std::string scratch;
};

// A malformed text: what is wrong and where.
struct CsvError {
  // Byte offset of the offending byte (for unbalanced quotes: the opening
  // quote of the field that is not closed).
  uint32_t offset = 0;
  // 1-based physical line of `offset`.
  uint32_t line = 0;
  // Lowercase, no final period, e.g. "unbalanced quotes: the quoted field
  // that starts on line 3 is not closed".
  std::string message;
};

class CsvTokenizer {
 public:
  // `text` is the exact file content and must outlive the tokenizer (and
  // the records it fills). Texts of 4 GiB or more are rejected by Next.
  explicit CsvTokenizer(std::string_view text);

  // Reads the records of `text` from `pos`, which is the start of a line
  // (line `line`) where the tokenizer reading the whole text would be at
  // the start of a record, or is thought to be (a part of a large file read
  // in parallel; `pos` > 0, no byte-order mark is looked for). Offsets stay
  // offsets in `text`. A quoted field is looked for no further than
  // `limit`: one not closed before it makes Next give up (gave_up()) rather
  // than fail, as the text after it may hold the closing quote.
  CsvTokenizer(std::string_view text, uint32_t pos, uint32_t line, uint32_t limit);

  // Reads the next record into *record (its previous contents are
  // discarded), skipping blank lines. Returns false at the end of the text,
  // or on a malformed record: then error() is set, *record holds no fields,
  // and every later call returns false.
  bool Next(CsvRecord* record);

  // The error that stopped the tokenizer, if any.
  const std::optional<CsvError>& error() const { return error_; }

  // The next byte to read and its line (after a record: the start of the
  // line after it).
  uint32_t pos() const { return pos_; }
  uint32_t line() const { return line_; }

  // Whether Next stopped at a quoted field not closed before the limit.
  bool gave_up() const { return gave_up_; }

  // Where the record that the last call of Next read (or failed or gave up
  // on) begins, after the blank lines before it, and its line; at the end
  // of the text, the text's size and the last line.
  uint32_t record_begin() const { return record_begin_; }
  uint32_t record_line() const { return record_line_; }

 private:
  struct Fixup {
    uint32_t field;   // index into record->fields
    uint32_t offset;  // into record->scratch
    uint32_t size;
  };

  bool Fail(CsvRecord* record, uint32_t offset, uint32_t line,
            std::string message);

  std::string_view text_;
  uint32_t pos_ = 0;   // next byte to read
  uint32_t line_ = 1;  // physical line of pos_
  uint32_t limit_ = 0;  // how far quoted fields are looked for
  uint32_t record_begin_ = 0;
  uint32_t record_line_ = 1;
  bool done_ = false;
  bool gave_up_ = false;
  std::optional<CsvError> error_;
  std::vector<Fixup> fixups_;  // unescaped fields of the current record
  // A window of the text, [window_, window_end_) (at most 64 bytes), and a
  // bit per byte of it set at the delimiters `,`, `\n` and `\r`.
  uint32_t window_ = 0;
  uint32_t window_end_ = 0;
  uint64_t window_mask_ = 0;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_CSV_TOKENIZER_H_
