#include "facts/cells.h"

#include <limits>

#include "zhucun/date.h"
#include "zhucun/decimal.h"

namespace zhucun::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// `-?[0-9]+` into int64; kOverflow when it does not fit.
CellProblem ParseIntCarefully(std::string_view s, int64_t* out) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) i = 1;
  if (i == s.size()) return CellProblem::kBadForm;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return CellProblem::kBadForm;
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) overflow = true;
    v = v * 10 + d;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (overflow || v > limit) return CellProblem::kOverflow;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return CellProblem::kNone;
}

// `-?[0-9]+(\.[0-9]{1,scale})?` into a coefficient at `scale`.
CellProblem ParseDecimalCarefully(std::string_view s, int scale, int64_t* out) {
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view()
                                                         : s.substr(dot + 1);
  if (dot != std::string_view::npos && frac.empty()) return CellProblem::kBadForm;
  for (char c : frac) {
    if (!IsDigit(c)) return CellProblem::kBadForm;
  }
  int64_t w = 0;
  CellProblem p = ParseIntCarefully(whole, &w);
  if (p != CellProblem::kNone) return p;
  if (frac.size() > static_cast<size_t>(scale)) return CellProblem::kTooPrecise;
  int64_t f = 0;
  for (char c : frac) f = f * 10 + (c - '0');
  for (size_t i = frac.size(); i < static_cast<size_t>(scale); ++i) f *= 10;
  int64_t coefficient;
  if (__builtin_mul_overflow(w, Decimal::PowerOfTen(scale), &coefficient)) {
    return CellProblem::kOverflow;
  }
  const bool negative = !whole.empty() && whole[0] == '-';
  if (negative ? __builtin_sub_overflow(coefficient, f, &coefficient)
               : __builtin_add_overflow(coefficient, f, &coefficient)) {
    return CellProblem::kOverflow;
  }
  *out = coefficient;
  return CellProblem::kNone;
}

CellProblem ParseBoolCell(std::string_view text, int64_t* out) {
  if (text == "true" || text == "1" || text == "是") {
    *out = 1;
    return CellProblem::kNone;
  }
  if (text == "false" || text == "0" || text == "否") {
    *out = 0;
    return CellProblem::kNone;
  }
  return CellProblem::kBadForm;
}

CellProblem ParseCell(const ColumnSchema& column, std::string_view text,
                      CellValue* out) {
  switch (column.type) {
    case CellType::kInt:
      return ParseIntCell(text, &out->i64);
    case CellType::kDecimal:
      return ParseDecimalCell(text, column.scale, &out->i64);
    case CellType::kDate:
      return ParseDateCell(text, &out->i32);
    case CellType::kMonth:
      return ParseMonthCell(text, &out->i32);
    case CellType::kBool:
      return ParseBoolCell(text, &out->i64);
    case CellType::kCode: {
      for (size_t k = 0; k < column.codes.size(); ++k) {
        if (column.codes[k] == text) {
          out->i32 = static_cast<int32_t>(k);
          return CellProblem::kNone;
        }
      }
      return CellProblem::kUnknownCode;
    }
    case CellType::kId:
    case CellType::kText:
      return CellProblem::kNone;
  }
  return CellProblem::kBadForm;
}

size_t CodeLookup::Bucket(std::string_view s) {
  if (s.empty()) return 0;
  const size_t first = static_cast<unsigned char>(s.front());
  const size_t last = static_cast<unsigned char>(s.back());
  return (s.size() * 37 + first * 11 + last * 3) & 255;
}

CodeLookup::CodeLookup(const std::vector<std::string>& codes) : codes_(codes) {
  for (int16_t& b : buckets_) b = kNone;
  if (codes.size() > 30000) {  // beyond int16_t: always scan
    for (int16_t& b : buckets_) b = kScan;
    return;
  }
  for (size_t k = 0; k < codes.size(); ++k) {
    int16_t& b = buckets_[Bucket(codes[k])];
    b = b == kNone ? static_cast<int16_t>(k) : kScan;
  }
}

int32_t CodeLookup::Find(std::string_view text) const {
  const int16_t b = buckets_[Bucket(text)];
  if (b >= 0) {
    return codes_[static_cast<size_t>(b)] == text ? b : -1;
  }
  if (b == kNone) return -1;
  for (size_t k = 0; k < codes_.size(); ++k) {
    if (codes_[k] == text) return static_cast<int32_t>(k);
  }
  return -1;
}

std::string CellProblemCode(CellType type, CellProblem problem) {
  if (problem == CellProblem::kUnknownCode) return "csv.bad_code";
  switch (type) {
    case CellType::kInt: return "csv.bad_int";
    case CellType::kDecimal: return "csv.bad_decimal";
    case CellType::kDate: return "csv.bad_date";
    case CellType::kMonth: return "csv.bad_month";
    case CellType::kBool: return "csv.bad_bool";
    default: return "csv.bad_cell";
  }
}

std::string ExpectedForm(const ColumnSchema& column) {
  switch (column.type) {
    case CellType::kId: return "a non-empty id";
    case CellType::kText: return "text";
    case CellType::kCode: {
      std::string s = "one of ";
      for (size_t i = 0; i < column.codes.size(); ++i) {
        if (i > 0) s += ", ";
        s += column.codes[i];
      }
      return s;
    }
    case CellType::kDate: return "a real calendar date YYYY-MM-DD";
    case CellType::kMonth: return "a month YYYY-MM";
    case CellType::kInt: return "an integer such as 2023 (digits, optional leading -)";
    case CellType::kDecimal:
      return "a decimal number with at most " + std::to_string(column.scale) +
             " fractional digits, such as 1100.50";
    case CellType::kBool: return "true, false, 1, 0, 是 or 否";
  }
  return "";
}

}  // namespace zhucun::internal
