#ifndef ZHUCUN_SRC_FACTS_CELLS_H_
#define ZHUCUN_SRC_FACTS_CELLS_H_

// Parsing one cell of a fact table in the exact forms of DATA.md. Shared by
// the CSV reader and programmatic input, so both validate alike.

#include <cstdint>
#include <string>
#include <string_view>

#include "zhucun/schema.h"

namespace zhucun::internal {

// Why a cell did not parse.
enum class CellProblem : uint8_t {
  kNone,
  kBadForm,      // not in the type's form
  kNotRealDate,  // the form of a date, but no such day (2023-02-30)
  kOverflow,     // an integer or decimal too large
  kTooPrecise,   // a decimal with more fractional digits than the scale
  kUnknownCode,  // not one of the column's codes
};

// The parsed form of a non-null cell: int64 for int and decimal (the
// coefficient at the column's scale), int32 day number for dates, months as
// year * 12 + month - 1, 0/1 for bools; text, ids and codes are handled by
// the caller (codes by index).
struct CellValue {
  int64_t i64 = 0;
  int32_t i32 = 0;
};

// Parses `text` (non-empty) as a cell of `column` (not text/id/code).
CellProblem ParseCell(const ColumnSchema& column, std::string_view text,
                      CellValue* out);

// The diagnostic code of a problem with a cell of `type` ("csv.bad_date"...).
std::string CellProblemCode(CellType type, CellProblem problem);
// What a cell of `column` must look like, for messages: "a date of the form
// YYYY-MM-DD (a real calendar date)".
std::string ExpectedForm(const ColumnSchema& column);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_CELLS_H_
