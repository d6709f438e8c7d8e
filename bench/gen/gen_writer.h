#ifndef ZHUCUN_BENCH_GEN_GEN_WRITER_H_
#define ZHUCUN_BENCH_GEN_GEN_WRITER_H_

// The generator's CSV output (internal to bench/gen): a buffered writer per
// table, and the defects it injects into rows on request (Options::bad_rows).

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "gen_calendar.h"
#include "gen_domain.h"
#include "gen_rng.h"

namespace zhucun::gen::internal {

// ------------------------------------------------------------- writer ----

// Digits and short copies straight into a buffer with room for them: each
// returns the end of what it wrote.

// The number of decimal digits of v.
inline int DigitCount(uint64_t v) {
  int n = 1;
  for (uint64_t limit = 10; n < 20 && v >= limit; limit *= 10) ++n;
  return n;
}

// v in decimal, with leading zeros to at least `width` digits.
inline char* WritePadded(char* p, uint64_t v, int width) {
  const int digits = DigitCount(v);
  char* const end = p + (digits > width ? digits : width);
  char* q = end;
  do {
    *--q = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (q > p) *--q = '0';
  return end;
}

// v in decimal.
inline char* WriteUint(char* p, uint64_t v) { return WritePadded(p, v, 1); }

inline char* WriteInt(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return WriteUint(p, 0 - static_cast<uint64_t>(v));
  }
  return WriteUint(p, static_cast<uint64_t>(v));
}

// A decimal with exactly two fractional digits from an amount in hundredths.
inline char* WriteCents(char* p, int64_t cents) {
  uint64_t u = static_cast<uint64_t>(cents);
  if (cents < 0) {
    *p++ = '-';
    u = 0 - u;
  }
  p = WriteUint(p, u / 100);
  *p++ = '.';
  *p++ = static_cast<char>('0' + (u / 10) % 10);
  *p++ = static_cast<char>('0' + u % 10);
  return p;
}

// n bytes from s (without a call for short ones).
inline char* WriteBytes(char* p, const char* s, size_t n) {
  if (n > 16) {
    std::memcpy(p, s, n);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(p, &a, 8);
    std::memcpy(p + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    std::memcpy(p, &a, 4);
    std::memcpy(p + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) p[i] = s[i];
  }
  return p + n;
}

// Formats dates quickly from a table of precomputed strings.
class DateCache {
 public:
  DateCache();
  // Writes exactly the 10 characters YYYY-MM-DD.
  char* Write(int32_t day, char* p) const {
    if (day >= lo_ && day <= hi_) {
      std::memcpy(p, &text_[static_cast<size_t>(day - lo_) * 10], 10);
    } else {
      Format(day, p);
    }
    return p + 10;
  }

 private:
  // Writes exactly the 10 characters YYYY-MM-DD (no terminating zero: the
  // cache packs dates into 10-byte slots).
  static void Format(int32_t day, char* p);
  int32_t lo_, hi_;
  std::vector<char> text_;
};

inline void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  out.append(buf, static_cast<size_t>(WriteInt(buf, v) - buf));
}

inline void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[48];
  out.append(buf, static_cast<size_t>(WritePadded(buf, v, width) - buf));
}

inline void AppendCents(std::string& out, int64_t cents) {
  char buf[32];
  out.append(buf, static_cast<size_t>(WriteCents(buf, cents) - buf));
}

inline bool NeedsQuotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  return false;
}

// The field as written to CSV: as it is, or quoted with its quotes doubled.
// `out` has room for 2 * s.size() + 2 bytes.
inline char* WriteCsvField(char* out, std::string_view s) {
  if (!NeedsQuotes(s)) return WriteBytes(out, s.data(), s.size());
  *out++ = '"';
  for (char c : s) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

inline void AppendCsvField(std::string& out, std::string_view s) {
  const size_t at = out.size();
  out.resize(at + 2 * s.size() + 2);
  out.resize(static_cast<size_t>(WriteCsvField(out.data() + at, s) -
                                 out.data()));
}

// The bytes of a table's rows: a growable buffer that always has room for
// kSlack more bytes, so that a field of bounded size is written in place
// without a check per byte.
class RowBuffer {
 public:
  static constexpr size_t kSlack = 64;

  RowBuffer() = default;
  RowBuffer(const RowBuffer&) = delete;
  RowBuffer& operator=(const RowBuffer&) = delete;
  ~RowBuffer() { std::free(data_); }

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  // Shrinks to n bytes (n <= size()).
  void Truncate(size_t n) { size_ = n; }
  // Makes room for n more bytes (and the slack after them).
  void Reserve(size_t n) {
    if (cap_ - size_ < n + kSlack) Grow(size_ + n + kSlack);
  }
  // Where the next byte goes; Advance(p) marks [end(), p) written.
  char* end() { return data_ + size_; }
  void Advance(char* p) { size_ = static_cast<size_t>(p - data_); }
  void push_back(char c) {
    Reserve(1);
    data_[size_++] = c;
  }
  void append(const char* p, size_t n) {
    Reserve(n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  std::string_view view(size_t pos, size_t n) const {
    return std::string_view(data_ + pos, n);
  }

 private:
  void Grow(size_t need) {
    size_t cap = cap_ < 4096 ? 4096 : cap_ * 2;
    while (cap < need) cap *= 2;
    char* p = static_cast<char*>(std::realloc(data_, cap));
    if (p == nullptr) throw std::bad_alloc();
    data_ = p;
    cap_ = cap;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

class Defects;

// One CSV file, written through a buffer; rows are built field by field.
class Writer {
 public:
  Writer() = default;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() {
    if (file_ != nullptr) std::fclose(file_);
  }

  bool Open(const std::string& path, const TableSpec* spec, Defects* defects,
            const DateCache* dates, std::string* error) {
    spec_ = spec;
    defects_ = defects;
    dates_ = dates;
    path_ = path;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      *error = "cannot create " + path + ": " + std::strerror(errno);
      return false;
    }
    buf_.Reserve(kFlushAt + 4096);
    for (size_t i = 0; i < spec->cols.size(); ++i) {
      if (i > 0) buf_.push_back(',');
      buf_.append(spec->cols[i].name);
    }
    buf_.push_back('\n');
    return true;
  }

  // A writer of rows kept in memory, without a header: a slice of a table
  // written by one thread, appended to the table's file writer in order
  // (Append). With `record`, where each row and its fields start is kept,
  // so that Append can give the rows to the file writer's defects one by
  // one, in order, exactly as if they were written there. Reopening a
  // slice writer empties it and keeps its buffers.
  void OpenSlice(const TableSpec* spec, const DateCache* dates, bool record) {
    spec_ = spec;
    dates_ = dates;
    record_ = record;
    buf_.clear();
    recorded_.clear();
    nfields_ = 0;
    rows_ = 0;
  }

  // Appends the rows of a slice writer of the same table (see OpenSlice).
  void Append(Writer& slice);

  // An id: the prefix (a literal) and n with at least `width` digits.
  template <size_t N>
  void Id(const char (&prefix)[N], int width, uint64_t n) {
    static_assert(N >= 1 && N <= 8);
    Sep();
    char* p = buf_.end();
    std::memcpy(p, prefix, N - 1);
    buf_.Advance(WritePadded(p + N - 1, n, width));
  }
  void Text(std::string_view s) {
    Sep();
    buf_.Reserve(2 * s.size() + 2);
    buf_.Advance(WriteCsvField(buf_.end(), s));
  }
  void Code(std::string_view s) {
    Sep();
    buf_.Reserve(s.size());
    buf_.Advance(WriteBytes(buf_.end(), s.data(), s.size()));
  }
  void Date(int32_t day) {
    Sep();
    buf_.Advance(dates_->Write(day, buf_.end()));
  }
  void DateOrNull(int32_t day) {
    Sep();
    if (day != kOpen) buf_.Advance(dates_->Write(day, buf_.end()));
  }
  void Month(int y, int m) {
    Sep();
    char* p = WritePadded(buf_.end(), static_cast<uint64_t>(y), 4);
    *p++ = '-';
    buf_.Advance(WritePadded(p, static_cast<uint64_t>(m), 2));
  }
  void Int(int64_t v) {
    Sep();
    buf_.Advance(WriteInt(buf_.end(), v));
  }
  void Cents(int64_t v) {
    Sep();
    buf_.Advance(WriteCents(buf_.end(), v));
  }
  void Null() { Sep(); }
  void End();

  bool Close(std::string* error) {
    if (!Flush()) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    return !failed_;
  }

  size_t rows() const { return rows_; }
  size_t bytes() const { return bytes_; }

 private:
  friend class Defects;
  static constexpr size_t kFlushAt = 1 << 20;
  static constexpr int kMaxFields = 16;

  // Starts a field; after it, at least RowBuffer::kSlack bytes are free
  // (room for any field but a text or a code, which reserve their own).
  void Sep() {
    buf_.Reserve(1);
    if (nfields_ == 0) {
      row_start_ = buf_.size();
    } else {
      buf_.push_back(',');
    }
    field_start_[nfields_++] = static_cast<uint32_t>(buf_.size() - row_start_);
  }
  bool Flush() {
    if (!buf_.empty()) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
        failed_ = true;
      bytes_ += buf_.size();
      buf_.clear();
    }
    return !failed_;
  }

  // A slice's rows as Append replays them: per row its start in buf_, its
  // number of fields and their starts (field_start_).
  bool record_ = false;
  std::vector<uint32_t> recorded_;

  const TableSpec* spec_ = nullptr;
  Defects* defects_ = nullptr;
  const DateCache* dates_ = nullptr;
  std::string path_;
  std::FILE* file_ = nullptr;
  RowBuffer buf_;
  size_t row_start_ = 0;
  int nfields_ = 0;
  uint32_t field_start_[kMaxFields] = {};
  size_t rows_ = 0;
  size_t bytes_ = 0;
  bool failed_ = false;
  // The key of the last row written without a defect (for duplicate keys).
  std::vector<std::string> last_key_;
};

// Injects realistic defects into a fraction of rows (Options::bad_rows).
class Defects {
 public:
  // `stream`: the random stream of this instance (the absences table has
  // its own, so that the other tables' defects are as before it existed).
  Defects(uint64_t seed, double fraction, uint64_t stream = kStreamDefects)
      : rng_(seed, stream),
        threshold_(fraction <= 0 ? 0
                                 : static_cast<uint64_t>(std::llround(
                                       std::min(fraction, 1.0) * 1e9))) {}

  bool active() const { return threshold_ > 0; }
  size_t count() const { return count_; }

  // Called by Writer::End with the complete row (without its '\n') at
  // w.buf_[w.row_start_ ...]. Mutates it or records its key.
  void Row(Writer& w);

 private:
  enum Kind {
    kBadDate,
    kBadCode,
    kDangling,
    kDuplicate,
    kNull,
    kTooFew,
    kBadNumber,
    kReason
  };

  std::string Mutate(Kind kind, Col type, const std::string& value);

  Rng rng_;
  uint64_t threshold_;
  size_t count_ = 0;
};

inline void Writer::End() {
  if (defects_ != nullptr && defects_->active()) defects_->Row(*this);
  if (record_) {
    recorded_.push_back(static_cast<uint32_t>(row_start_));
    recorded_.push_back(static_cast<uint32_t>(nfields_));
    recorded_.insert(recorded_.end(), field_start_, field_start_ + nfields_);
  }
  buf_.push_back('\n');
  nfields_ = 0;
  ++rows_;
  if (file_ != nullptr && buf_.size() >= kFlushAt) Flush();
}

inline void Writer::Append(Writer& slice) {
  if (defects_ != nullptr && defects_->active() && slice.record_) {
    // Row by row, through the defects.
    const std::vector<uint32_t>& r = slice.recorded_;
    for (size_t i = 0; i < r.size();) {
      const size_t start = r[i];
      const int n = static_cast<int>(r[i + 1]);
      const size_t next = i + 2 + static_cast<size_t>(n);
      const size_t end =
          (next < r.size() ? r[next] : slice.buf_.size()) - 1;  // its '\n'
      row_start_ = buf_.size();
      buf_.append(slice.buf_.data() + start, end - start);
      std::copy(&r[i + 2], &r[i + 2] + n, field_start_);
      nfields_ = n;
      End();
      i = next;
    }
    return;
  }
  if (buf_.size() + slice.buf_.size() < kFlushAt) {
    buf_.append(slice.buf_.data(), slice.buf_.size());
  } else if (Flush() && !slice.buf_.empty()) {
    if (std::fwrite(slice.buf_.data(), 1, slice.buf_.size(), file_) !=
        slice.buf_.size())
      failed_ = true;
    bytes_ += slice.buf_.size();
  }
  rows_ += slice.rows_;
}

}  // namespace zhucun::gen::internal

#endif  // ZHUCUN_BENCH_GEN_GEN_WRITER_H_
