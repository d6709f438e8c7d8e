#include "expr/functions.h"

#include <array>
#include <utility>

namespace zhucun::internal {
namespace {

constexpr std::array<std::pair<std::string_view, Fn>, 56> kFunctions = {{
    {"_+_", Fn::kAdd}, {"_-_", Fn::kSub}, {"_*_", Fn::kMul},
    {"_/_", Fn::kDiv}, {"_%_", Fn::kMod}, {"-_", Fn::kNeg},
    {"!_", Fn::kNot}, {"_==_", Fn::kEq}, {"_!=_", Fn::kNe},
    {"_<_", Fn::kLt}, {"_<=_", Fn::kLe}, {"_>_", Fn::kGt},
    {"_>=_", Fn::kGe}, {"_&&_", Fn::kAnd}, {"_||_", Fn::kOr},
    {"_?_:_", Fn::kConditional}, {"_[_]", Fn::kIndex}, {"@in", Fn::kIn},
    {"@not_strictly_false", Fn::kNotStrictlyFalse},
    {"size", Fn::kSize}, {"contains", Fn::kContains},
    {"startsWith", Fn::kStartsWith}, {"endsWith", Fn::kEndsWith},
    {"matches", Fn::kMatches}, {"int", Fn::kToInt}, {"uint", Fn::kToUint},
    {"double", Fn::kToDouble}, {"string", Fn::kToString},
    {"bytes", Fn::kToBytes}, {"bool", Fn::kToBool}, {"dyn", Fn::kDyn},
    {"type", Fn::kTypeOf}, {"date", Fn::kToDate},
    {"decimal", Fn::kToDecimal}, {"period", Fn::kToPeriod},
    {"year", Fn::kYear}, {"half", Fn::kHalf}, {"quarter", Fn::kQuarter},
    {"month", Fn::kMonth}, {"start", Fn::kStart}, {"end", Fn::kEnd},
    {"add_years", Fn::kAddYears}, {"round", Fn::kRound},
    {"sum", Fn::kSum}, {"min", Fn::kMin}, {"max", Fn::kMax},
    {"months", Fn::kMonths}, {"flatten", Fn::kFlatten},
    {"days", Fn::kDays}, {"covered_days", Fn::kCoveredDays},
    {"ceil_div", Fn::kCeilDiv},
    // Aliases kept for CEL compatibility of names.
    {"@not_strictly_false", Fn::kNotStrictlyFalse},
    {"__not_strictly_false__", Fn::kNotStrictlyFalse},
    {"_in_", Fn::kIn}, {"in", Fn::kIn}, {"_!_", Fn::kNot},
}};

}  // namespace

bool IsTypeName(std::string_view name) {
  return name == "int" || name == "uint" || name == "double" ||
         name == "bool" || name == "string" || name == "bytes" ||
         name == "list" || name == "map" || name == "null_type" ||
         name == "type" || name == "date" || name == "decimal" ||
         name == "period";
}

Fn LookupFunction(std::string_view name) {
  for (const auto& [n, fn] : kFunctions) {
    if (n == name) return fn;
  }
  return Fn::kUnknown;
}

std::string_view FunctionDisplayName(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19>
      kOps = {{{"_+_", "+"}, {"_-_", "-"}, {"_*_", "*"}, {"_/_", "/"},
               {"_%_", "%"}, {"-_", "-"}, {"!_", "!"}, {"_==_", "=="},
               {"_!=_", "!="}, {"_<_", "<"}, {"_<=_", "<="}, {"_>_", ">"},
               {"_>=_", ">="}, {"_&&_", "&&"}, {"_||_", "||"},
               {"_?_:_", "?:"}, {"_[_]", "[]"}, {"@in", "in"},
               {"@not_strictly_false", "@not_strictly_false"}}};
  for (const auto& [internal_name, display] : kOps) {
    if (internal_name == name) return display;
  }
  return name;
}

}  // namespace zhucun::internal
