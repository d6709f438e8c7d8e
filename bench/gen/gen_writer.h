#ifndef ZHUCUN_BENCH_GEN_GEN_WRITER_H_
#define ZHUCUN_BENCH_GEN_GEN_WRITER_H_

// The generator's CSV output (internal to bench/gen): a buffered writer per
// table, and the defects it injects into rows on request (Options::bad_rows).

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "gen_calendar.h"
#include "gen_domain.h"
#include "gen_rng.h"

namespace zhucun::gen::internal {

// ------------------------------------------------------------- writer ----

// Formats dates quickly from a table of precomputed strings.
class DateCache {
 public:
  DateCache();
  void Append(int32_t day, std::string& out) const {
    if (day >= lo_ && day <= hi_) {
      out.append(&text_[static_cast<size_t>(day - lo_) * 10], 10);
    } else {
      char buf[16];
      Format(day, buf);
      out.append(buf, 10);
    }
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
  char* p = buf + sizeof buf;
  const bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg) *--p = '-';
  out.append(p, static_cast<size_t>(buf + sizeof buf - p));
}

inline void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[24];
  char* p = buf + sizeof buf;
  int n = 0;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
    ++n;
  } while (v != 0);
  while (n < width) {
    *--p = '0';
    ++n;
  }
  out.append(p, static_cast<size_t>(n));
}

// A decimal with exactly two fractional digits from an amount in hundredths.
inline void AppendCents(std::string& out, int64_t cents) {
  if (cents < 0) {
    out.push_back('-');
    cents = -cents;
  }
  AppendInt(out, cents / 100);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + (cents / 10) % 10));
  out.push_back(static_cast<char>('0' + cents % 10));
}

inline bool NeedsQuotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  return false;
}

inline void AppendCsvField(std::string& out, std::string_view s) {
  if (!NeedsQuotes(s)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

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
    buf_.reserve(kFlushAt + 4096);
    for (size_t i = 0; i < spec->cols.size(); ++i) {
      if (i > 0) buf_.push_back(',');
      buf_.append(spec->cols[i].name);
    }
    buf_.push_back('\n');
    return true;
  }

  void Id(const char* prefix, int width, uint64_t n) {
    Sep();
    buf_.append(prefix);
    AppendPadded(buf_, n, width);
  }
  void Text(std::string_view s) {
    Sep();
    AppendCsvField(buf_, s);
  }
  void Code(std::string_view s) {
    Sep();
    buf_.append(s);
  }
  void Date(int32_t day) {
    Sep();
    dates_->Append(day, buf_);
  }
  void DateOrNull(int32_t day) {
    Sep();
    if (day != kOpen) dates_->Append(day, buf_);
  }
  void Month(int y, int m) {
    Sep();
    AppendPadded(buf_, static_cast<uint64_t>(y), 4);
    buf_.push_back('-');
    AppendPadded(buf_, static_cast<uint64_t>(m), 2);
  }
  void Int(int64_t v) {
    Sep();
    AppendInt(buf_, v);
  }
  void Cents(int64_t v) {
    Sep();
    AppendCents(buf_, v);
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

  void Sep() {
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

  const TableSpec* spec_ = nullptr;
  Defects* defects_ = nullptr;
  const DateCache* dates_ = nullptr;
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buf_;
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
  buf_.push_back('\n');
  nfields_ = 0;
  ++rows_;
  if (buf_.size() >= kFlushAt) Flush();
}

}  // namespace zhucun::gen::internal

#endif  // ZHUCUN_BENCH_GEN_GEN_WRITER_H_
