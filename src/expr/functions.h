#ifndef ZHUCUN_SRC_EXPR_FUNCTIONS_H_
#define ZHUCUN_SRC_EXPR_FUNCTIONS_H_

// The closed set of functions the expression language knows: CEL's operators
// and standard functions plus zhucun's date, decimal and period extensions.
// Calls are resolved to a Fn once, at compile time.

#include <cstdint>
#include <string_view>

namespace zhucun::internal {

enum class Fn : uint8_t {
  kUnknown,  // not a known function: an error when checked, at run time otherwise
  // Operators.
  kAdd, kSub, kMul, kDiv, kMod, kNeg, kNot,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kConditional, kIndex, kIn, kNotStrictlyFalse,
  // Standard functions.
  kSize, kContains, kStartsWith, kEndsWith, kMatches,
  kToInt, kToUint, kToDouble, kToString, kToBytes, kToBool, kDyn, kTypeOf,
  // zhucun extensions.
  kToDate,         // date('2023-07-01')
  kToDecimal,      // decimal('1100.00'), decimal(int)
  kToPeriod,       // period('2023-Q1')
  kYear, kHalf, kQuarter, kMonth,  // year(d) ... : the period containing d
  kStart, kEnd,    // p.start(), p.end(): first and last day of a period
  kAddYears,       // add_years(d, n): the anniversary (Feb 29 -> Feb 28)
  kRound,          // round(decimal, int): half away from zero
  kSum,            // sum(list): of ints, doubles or decimals (0 when empty)
  kMin, kMax,      // min(list), max(list): an error when empty
  kMonths,         // months(p), months(d1, d2): month periods, in order
  kFlatten,        // l.flatten(): elements of list elements inlined, one level
  kDays,           // days(p): the number of days of a period
  kCoveredDays,    // covered_days(p, spans, ...): days of p every span list covers
  kCeilDiv,        // ceil_div(a, b): integer division rounded up (toward +inf)
};

// True for the names that denote types when used as values (`int`,
// `list`, `date`, ...), as in `type(x) == int`.
bool IsTypeName(std::string_view name);

// Maps a call's function name (operators use CEL's internal names) to a Fn.
Fn LookupFunction(std::string_view name);
// The name of a function as written by users ("+", "size", ...).
std::string_view FunctionDisplayName(std::string_view name);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_FUNCTIONS_H_
