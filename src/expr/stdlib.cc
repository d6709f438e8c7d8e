#include "expr/stdlib.h"

#include <re2/re2.h>

#include <algorithm>
#include <bitset>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "source/utf8.h"

namespace zhucun::internal {
namespace {

__extension__ typedef __int128 Int128;

Value NoOverload(Fn fn, const Value* args, size_t argc) {
  std::string sig;
  for (size_t i = 0; i < argc; ++i) {
    if (i > 0) sig += ", ";
    sig += args[i].TypeName();
  }
  (void)fn;
  return Value::Error("no matching overload for (" + sig + ")");
}

bool IsNumber(const Value& v) {
  return v.kind() == ValueKind::kInt || v.kind() == ValueKind::kUint ||
         v.kind() == ValueKind::kDouble;
}

// Compares an integer with a double as CEL does: out-of-range doubles order
// outside every integer; otherwise the integer is converted to double (so
// 2^63 - 1 equals 2^63 as a double). 2 when NaN.
int CompareIntDouble(Int128 i, double d) {
  if (std::isnan(d)) return 2;
  if (d < -9223372036854775808.0) return 1;
  if (d > 18446744073709551615.0) return -1;
  double x = static_cast<double>(i);
  return x < d ? -1 : (x > d ? 1 : 0);
}

int CompareNumbers(const Value& a, const Value& b) {
  auto as_int = [](const Value& v) -> Int128 {
    return v.kind() == ValueKind::kInt ? Int128(v.int_value())
                                       : Int128(v.uint_value());
  };
  bool ad = a.kind() == ValueKind::kDouble, bd = b.kind() == ValueKind::kDouble;
  if (ad && bd) {
    double x = a.double_value(), y = b.double_value();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (ad) {
    int c = CompareIntDouble(as_int(b), a.double_value());
    return c == 2 ? 2 : -c;
  }
  if (bd) return CompareIntDouble(as_int(a), b.double_value());
  Int128 x = as_int(a), y = as_int(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

template <class T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}


// CEL's string(double): the shortest text that reads back as the same
// double, in fixed or exponent form, whichever is shorter.
std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, ec == std::errc() ? end : buf);
}

bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseUint64(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  size_t i = s[0] == '+' ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0') return false;
  *out = v;
  return true;
}

Value DecimalOf(const Value& v, bool* ok) {
  *ok = true;
  if (v.kind() == ValueKind::kDecimal) return v;
  if (v.kind() == ValueKind::kInt) {
    return Value::FromDecimal(Decimal::FromInt(v.int_value()));
  }
  *ok = false;
  return v;
}

Value Arith(Fn fn, const Value& a, const Value& b, const Value* args) {
  const ValueKind ka = a.kind(), kb = b.kind();
  if (ka == ValueKind::kInt && kb == ValueKind::kInt) {
    int64_t x = a.int_value(), y = b.int_value(), r = 0;
    switch (fn) {
      case Fn::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return Value::Error("integer overflow");
        return Value::Int(r);
      case Fn::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return Value::Error("integer overflow");
        return Value::Int(r);
      case Fn::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return Value::Error("integer overflow");
        return Value::Int(r);
      case Fn::kDiv:
        if (y == 0) return Value::Error("division by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) {
          return Value::Error("integer overflow");
        }
        return Value::Int(x / y);
      case Fn::kMod:
        if (y == 0) return Value::Error("modulus by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) {
          return Value::Error("integer overflow");
        }
        return Value::Int(x % y);
      default: break;
    }
  }
  if (ka == ValueKind::kUint && kb == ValueKind::kUint) {
    uint64_t x = a.uint_value(), y = b.uint_value(), r = 0;
    switch (fn) {
      case Fn::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return Value::Error("unsigned integer overflow");
        return Value::Uint(r);
      case Fn::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return Value::Error("unsigned integer overflow");
        return Value::Uint(r);
      case Fn::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return Value::Error("unsigned integer overflow");
        return Value::Uint(r);
      case Fn::kDiv:
        if (y == 0) return Value::Error("division by zero");
        return Value::Uint(x / y);
      case Fn::kMod:
        if (y == 0) return Value::Error("modulus by zero");
        return Value::Uint(x % y);
      default: break;
    }
  }
  if (ka == ValueKind::kDouble && kb == ValueKind::kDouble) {
    double x = a.double_value(), y = b.double_value();
    switch (fn) {
      case Fn::kAdd: return Value::Double(x + y);
      case Fn::kSub: return Value::Double(x - y);
      case Fn::kMul: return Value::Double(x * y);
      case Fn::kDiv: return Value::Double(x / y);
      default: break;
    }
  }
  bool da = false, db = false;
  Value ad = DecimalOf(a, &da), bd = DecimalOf(b, &db);
  if (da && db && (ka == ValueKind::kDecimal || kb == ValueKind::kDecimal) &&
      (fn == Fn::kAdd || fn == Fn::kSub || fn == Fn::kMul)) {
    Decimal r;
    bool ok = fn == Fn::kAdd   ? Decimal::Add(ad.decimal_value(), bd.decimal_value(), &r)
              : fn == Fn::kSub ? Decimal::Sub(ad.decimal_value(), bd.decimal_value(), &r)
                               : Decimal::Mul(ad.decimal_value(), bd.decimal_value(), &r);
    if (!ok) return Value::Error("decimal overflow");
    return Value::FromDecimal(r);
  }
  if (fn == Fn::kAdd && ka == kb) {
    if (ka == ValueKind::kString) return Value::String(a.string_value() + b.string_value());
    if (ka == ValueKind::kBytes) return Value::Bytes(a.bytes_value() + b.bytes_value());
    if (ka == ValueKind::kList) {
      ValueList l = a.list_value();
      l.insert(l.end(), b.list_value().begin(), b.list_value().end());
      return Value::List(std::move(l));
    }
  }
  if (ka == ValueKind::kDate && kb == ValueKind::kInt &&
      (fn == Fn::kAdd || fn == Fn::kSub)) {
    int64_t n = b.int_value();
    if (fn == Fn::kSub) {
      if (n == std::numeric_limits<int64_t>::min()) return Value::Error("date out of range");
      n = -n;
    }
    auto d = a.date_value().AddDays(n);
    if (!d) return Value::Error("date out of range");
    return Value::FromDate(*d);
  }
  if (ka == ValueKind::kDate && kb == ValueKind::kDate && fn == Fn::kSub) {
    return Value::Int(int64_t{a.date_value().day_number()} -
                      int64_t{b.date_value().day_number()});
  }
  return NoOverload(fn, args, 2);
}

Value ToInt(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInt: return v;
    case ValueKind::kUint:
      if (v.uint_value() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Value::Error("integer overflow");
      }
      return Value::Int(static_cast<int64_t>(v.uint_value()));
    case ValueKind::kDouble: {
      double d = v.double_value();
      // Valid when -2^63 < d < 2^63 (CEL's range; the conversion truncates).
      if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
        return Value::Error("integer overflow");
      }
      return Value::Int(static_cast<int64_t>(d));
    }
    case ValueKind::kString: {
      int64_t r;
      if (!ParseInt64(v.string_value(), &r)) {
        return Value::Error("cannot convert `" + v.string_value() + "` to int");
      }
      return Value::Int(r);
    }
    default: return NoOverload(Fn::kToInt, &v, 1);
  }
}

Value ToUint(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kUint: return v;
    case ValueKind::kInt:
      if (v.int_value() < 0) return Value::Error("unsigned integer overflow");
      return Value::Uint(static_cast<uint64_t>(v.int_value()));
    case ValueKind::kDouble: {
      double d = v.double_value();
      if (!(d > -1.0 && d < 18446744073709551616.0)) {
        return Value::Error("unsigned integer overflow");
      }
      return Value::Uint(static_cast<uint64_t>(d));
    }
    case ValueKind::kString: {
      uint64_t r;
      if (!ParseUint64(v.string_value(), &r)) {
        return Value::Error("cannot convert `" + v.string_value() + "` to uint");
      }
      return Value::Uint(r);
    }
    default: return NoOverload(Fn::kToUint, &v, 1);
  }
}

Value ToDouble(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kDouble: return v;
    case ValueKind::kInt: return Value::Double(static_cast<double>(v.int_value()));
    case ValueKind::kUint: return Value::Double(static_cast<double>(v.uint_value()));
    case ValueKind::kDecimal: return Value::Double(v.decimal_value().ToDouble());
    case ValueKind::kString: {
      const std::string& s = v.string_value();
      if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) {
        return Value::Error("cannot convert `" + s + "` to double");
      }
      errno = 0;
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (*end != '\0' || s.find_first_of("xX") != std::string::npos) {
        return Value::Error("cannot convert `" + s + "` to double");
      }
      return Value::Double(d);
    }
    default: return NoOverload(Fn::kToDouble, &v, 1);
  }
}

Value ToString(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return v;
    case ValueKind::kBool: return Value::String(v.bool_value() ? "true" : "false");
    case ValueKind::kInt: return Value::String(std::to_string(v.int_value()));
    case ValueKind::kUint: return Value::String(std::to_string(v.uint_value()));
    case ValueKind::kDouble: return Value::String(FormatDouble(v.double_value()));
    case ValueKind::kBytes:
      if (!IsValidUtf8(v.bytes_value())) {
        return Value::Error("invalid UTF-8 in bytes to string conversion");
      }
      return Value::String(v.bytes_value());
    case ValueKind::kDate: return Value::String(v.date_value().ToString());
    case ValueKind::kDecimal: return Value::String(v.decimal_value().ToString());
    case ValueKind::kPeriod: return Value::String(v.period_value().label());
    default: return NoOverload(Fn::kToString, &v, 1);
  }
}

Value ToBool(const Value& v) {
  if (v.kind() == ValueKind::kBool) return v;
  if (v.kind() != ValueKind::kString) return NoOverload(Fn::kToBool, &v, 1);
  const std::string& s = v.string_value();
  if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") {
    return Value::Bool(true);
  }
  if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") {
    return Value::Bool(false);
  }
  return Value::Error("cannot convert `" + s + "` to bool");
}

Value Index(const Value& c, const Value& i) {
  if (c.kind() == ValueKind::kList) {
    const ValueList& l = c.list_value();
    Int128 idx;
    switch (i.kind()) {
      case ValueKind::kInt: idx = i.int_value(); break;
      case ValueKind::kUint: idx = i.uint_value(); break;
      case ValueKind::kDouble: {
        double d = i.double_value();
        if (d != std::trunc(d) || !std::isfinite(d) || std::fabs(d) > 1e18) {
          return Value::Error("invalid list index " + i.DebugString());
        }
        idx = static_cast<Int128>(d);
        break;
      }
      default: return Value::Error("invalid list index type " + i.TypeName());
    }
    if (idx < 0 || idx >= static_cast<Int128>(l.size())) {
      return Value::Error("index out of range: " + i.DebugString());
    }
    return l[static_cast<size_t>(idx)];
  }
  if (c.kind() == ValueKind::kMap) {
    if (const Value* v = c.map_value().Find(i)) return *v;
    return Value::Error("no such key: " + i.DebugString());
  }
  return Value::Error("no matching overload for index on " + c.TypeName());
}

Value In(const Value& x, const Value& c) {
  if (c.kind() == ValueKind::kList) {
    for (const Value& e : c.list_value()) {
      if (CelEquals(x, e)) return Value::Bool(true);
    }
    return Value::Bool(false);
  }
  if (c.kind() == ValueKind::kMap) {
    return Value::Bool(c.map_value().Find(x) != nullptr);
  }
  if (c.kind() == ValueKind::kPeriod && x.kind() == ValueKind::kDate) {
    return Value::Bool(c.period_value().Contains(x.date_value()));
  }
  return Value::Error("no matching overload for `in` on " + c.TypeName());
}

Value Matches(const Value& s, const Value& re) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 pattern(re.string_value(), options);
  if (!pattern.ok()) {
    return Value::Error("invalid regular expression `" + re.string_value() +
                        "`: " + pattern.error());
  }
  return Value::Bool(RE2::PartialMatch(s.string_value(), pattern));
}

Value PeriodOf(Fn fn, const Value& d) {
  if (d.kind() != ValueKind::kDate) return NoOverload(fn, &d, 1);
  PeriodKind kind = fn == Fn::kYear      ? PeriodKind::kYear
                    : fn == Fn::kHalf    ? PeriodKind::kHalf
                    : fn == Fn::kQuarter ? PeriodKind::kQuarter
                                         : PeriodKind::kMonth;
  return Value::FromPeriod(Period::Of(kind, d.date_value()));
}

// ceil_div(x, y): the quotient rounded toward +infinity, exactly. C++'s `/`
// truncates toward zero, so a quotient that is positive and inexact is one
// more than the truncated one.
Value CeilDiv(const Value& a, const Value& b, const Value* args) {
  if (a.kind() == ValueKind::kInt && b.kind() == ValueKind::kInt) {
    const int64_t x = a.int_value(), y = b.int_value();
    if (y == 0) return Value::Error("division by zero");
    if (x == std::numeric_limits<int64_t>::min() && y == -1) {
      return Value::Error("integer overflow");
    }
    const int64_t q = x / y;
    return Value::Int(x % y != 0 && (x < 0) == (y < 0) ? q + 1 : q);
  }
  if (a.kind() == ValueKind::kUint && b.kind() == ValueKind::kUint) {
    const uint64_t x = a.uint_value(), y = b.uint_value();
    if (y == 0) return Value::Error("division by zero");
    return Value::Uint(x / y + (x % y != 0 ? 1 : 0));
  }
  return NoOverload(Fn::kCeilDiv, args, 2);
}

// covered_days(p, spans1, spans2, ...): the days of period p that each list
// of spans covers. A span is a two-element list [start, end] of dates that
// covers start <= d <= end; a null end has no end (as a posting still
// running); a span whose start is after its end covers nothing; a day
// covered by several spans of one list counts once.
Value CoveredDays(const Value* args, size_t argc) {
  if (argc < 2 || args[0].kind() != ValueKind::kPeriod) {
    return NoOverload(Fn::kCoveredDays, args, argc);
  }
  const Period& p = args[0].period_value();
  const int32_t first = p.start().day_number();
  const int32_t last = p.end().day_number();
  constexpr size_t kMaxDays = 366;  // a period is at most a leap year
  std::bitset<kMaxDays> every;
  every.set();
  for (size_t i = 1; i < argc; ++i) {
    if (args[i].kind() != ValueKind::kList) {
      return Value::Error("covered_days: argument " + std::to_string(i + 1) +
                          " must be a list of spans [start, end], not " +
                          args[i].TypeName());
    }
    std::bitset<kMaxDays> covered;
    for (const Value& span : args[i].list_value()) {
      if (span.kind() != ValueKind::kList || span.list_value().size() != 2) {
        return Value::Error(
            "covered_days: a span must be a list [start, end] of two dates, not " +
            (span.kind() == ValueKind::kList
                 ? "a list of " + std::to_string(span.list_value().size())
                 : span.TypeName()));
      }
      const Value& start = span.list_value()[0];
      const Value& end = span.list_value()[1];
      if (start.kind() != ValueKind::kDate) {
        return Value::Error("covered_days: a span's start must be a date, not " +
                            start.TypeName());
      }
      if (end.kind() != ValueKind::kDate && end.kind() != ValueKind::kNull) {
        return Value::Error(
            "covered_days: a span's end must be a date or null (no end), not " +
            end.TypeName());
      }
      const int32_t a = std::max(start.date_value().day_number(), first);
      const int32_t b = end.kind() == ValueKind::kNull
                            ? last
                            : std::min(end.date_value().day_number(), last);
      for (int32_t d = a; d <= b; ++d) covered.set(static_cast<size_t>(d - first));
    }
    every &= covered;
  }
  return Value::Int(static_cast<int64_t>(every.count()));
}

}  // namespace

bool CelEquals(const Value& a, const Value& b) {
  if (IsNumber(a) && IsNumber(b)) return CompareNumbers(a, b) == 0;
  if (a.kind() == ValueKind::kDecimal || b.kind() == ValueKind::kDecimal) {
    bool da, db;
    Value x = DecimalOf(a, &da), y = DecimalOf(b, &db);
    return da && db && x.decimal_value() == y.decimal_value();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kList: {
      const ValueList& x = a.list_value();
      const ValueList& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!CelEquals(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      const ValueMap& x = a.map_value();
      const ValueMap& y = b.map_value();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x.entries()) {
        const Value* o = y.Find(k);
        if (o == nullptr || !CelEquals(v, *o)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

int CelCompare(const Value& a, const Value& b, Value* error) {
  if (IsNumber(a) && IsNumber(b)) return CompareNumbers(a, b);
  if (a.kind() == ValueKind::kDecimal || b.kind() == ValueKind::kDecimal) {
    bool da, db;
    Value x = DecimalOf(a, &da), y = DecimalOf(b, &db);
    if (da && db) return Decimal::Compare(x.decimal_value(), y.decimal_value());
  } else if (a.kind() == b.kind()) {
    switch (a.kind()) {
      case ValueKind::kBool: return Cmp(a.bool_value(), b.bool_value());
      case ValueKind::kString: return Cmp(a.string_value(), b.string_value());
      case ValueKind::kBytes: return Cmp(a.bytes_value(), b.bytes_value());
      case ValueKind::kDate: return Cmp(a.date_value(), b.date_value());
      default: break;
    }
  }
  *error = Value::Error("no matching overload for comparing " + a.TypeName() +
                        " and " + b.TypeName());
  return 0;
}

Value SelectField(const Value& operand, const std::string& field,
                  bool test_only) {
  if (operand.kind() == ValueKind::kMap) {
    const Value* v = operand.map_value().Find(std::string_view(field));
    if (test_only) return Value::Bool(v != nullptr);
    if (v == nullptr) return Value::Error("no such key: '" + field + "'");
    return *v;
  }
  if (operand.kind() == ValueKind::kRecord) {
    Value v;
    if (!operand.record_source().Field(operand.record_row(), field, &v)) {
      if (test_only) return Value::Bool(false);
      return Value::Error("`" + operand.TypeName() + "` has no field `" + field + "`");
    }
    // A record has every field of its type; has() asks for a value.
    if (test_only) return Value::Bool(!v.is_null());
    return v;
  }
  return Value::Error("no matching overload for selecting field `" + field +
                      "` of " + operand.TypeName());
}

Value CallFunction(Fn fn, const Value* args, size_t argc) {
  auto kind = [&](size_t i) { return args[i].kind(); };
  switch (fn) {
    case Fn::kAdd: case Fn::kSub: case Fn::kMul: case Fn::kDiv: case Fn::kMod:
      if (argc != 2) break;
      return Arith(fn, args[0], args[1], args);
    case Fn::kNeg:
      if (argc != 1) break;
      switch (kind(0)) {
        case ValueKind::kInt:
          if (args[0].int_value() == std::numeric_limits<int64_t>::min()) {
            return Value::Error("integer overflow");
          }
          return Value::Int(-args[0].int_value());
        case ValueKind::kDouble: return Value::Double(-args[0].double_value());
        case ValueKind::kDecimal: {
          Decimal r;
          if (!Decimal::Neg(args[0].decimal_value(), &r)) {
            return Value::Error("decimal overflow");
          }
          return Value::FromDecimal(r);
        }
        default: break;
      }
      break;
    case Fn::kNot:
      if (argc == 1 && kind(0) == ValueKind::kBool) return Value::Bool(!args[0].bool_value());
      break;
    case Fn::kEq:
      if (argc == 2) return Value::Bool(CelEquals(args[0], args[1]));
      break;
    case Fn::kNe:
      if (argc == 2) return Value::Bool(!CelEquals(args[0], args[1]));
      break;
    case Fn::kLt: case Fn::kLe: case Fn::kGt: case Fn::kGe: {
      if (argc != 2) break;
      Value error;
      int c = CelCompare(args[0], args[1], &error);
      if (error.is_error()) return error;
      if (c == 2) return Value::Bool(false);
      switch (fn) {
        case Fn::kLt: return Value::Bool(c < 0);
        case Fn::kLe: return Value::Bool(c <= 0);
        case Fn::kGt: return Value::Bool(c > 0);
        default: return Value::Bool(c >= 0);
      }
    }
    case Fn::kIndex:
      if (argc == 2) return Index(args[0], args[1]);
      break;
    case Fn::kIn:
      if (argc == 2) return In(args[0], args[1]);
      break;
    case Fn::kSize:
      if (argc != 1) break;
      switch (kind(0)) {
        case ValueKind::kString: return Value::Int(static_cast<int64_t>(CodePoints(args[0].string_value())));
        case ValueKind::kBytes: return Value::Int(static_cast<int64_t>(args[0].bytes_value().size()));
        case ValueKind::kList: return Value::Int(static_cast<int64_t>(args[0].list_value().size()));
        case ValueKind::kMap: return Value::Int(static_cast<int64_t>(args[0].map_value().size()));
        default: break;
      }
      break;
    case Fn::kContains: case Fn::kStartsWith: case Fn::kEndsWith: {
      if (argc != 2 || kind(0) != ValueKind::kString || kind(1) != ValueKind::kString) break;
      const std::string& s = args[0].string_value();
      const std::string& t = args[1].string_value();
      if (fn == Fn::kContains) return Value::Bool(s.find(t) != std::string::npos);
      if (fn == Fn::kStartsWith) return Value::Bool(s.compare(0, t.size(), t) == 0);
      return Value::Bool(s.size() >= t.size() &&
                         s.compare(s.size() - t.size(), t.size(), t) == 0);
    }
    case Fn::kMatches:
      if (argc == 2 && kind(0) == ValueKind::kString && kind(1) == ValueKind::kString) {
        return Matches(args[0], args[1]);
      }
      break;
    case Fn::kToInt: if (argc == 1) return ToInt(args[0]); break;
    case Fn::kToUint: if (argc == 1) return ToUint(args[0]); break;
    case Fn::kToDouble: if (argc == 1) return ToDouble(args[0]); break;
    case Fn::kToString: if (argc == 1) return ToString(args[0]); break;
    case Fn::kToBool: if (argc == 1) return ToBool(args[0]); break;
    case Fn::kToBytes:
      if (argc == 1 && kind(0) == ValueKind::kBytes) return args[0];
      if (argc == 1 && kind(0) == ValueKind::kString) return Value::Bytes(args[0].string_value());
      break;
    case Fn::kDyn: if (argc == 1) return args[0]; break;
    case Fn::kTypeOf:
      if (argc == 1) return Value::Type(args[0].TypeName());
      break;
    case Fn::kToDate:
      if (argc == 1 && kind(0) == ValueKind::kDate) return args[0];
      if (argc == 1 && kind(0) == ValueKind::kString) {
        if (auto d = Date::Parse(args[0].string_value())) return Value::FromDate(*d);
        return Value::Error("`" + args[0].string_value() +
                            "` is not a date of the form YYYY-MM-DD");
      }
      break;
    case Fn::kToDecimal:
      if (argc != 1) break;
      if (kind(0) == ValueKind::kDecimal) return args[0];
      if (kind(0) == ValueKind::kInt) return Value::FromDecimal(Decimal::FromInt(args[0].int_value()));
      if (kind(0) == ValueKind::kString) {
        if (auto d = Decimal::Parse(args[0].string_value())) return Value::FromDecimal(*d);
        return Value::Error("`" + args[0].string_value() + "` is not a decimal number");
      }
      break;
    case Fn::kToPeriod:
      if (argc == 1 && kind(0) == ValueKind::kPeriod) return args[0];
      if (argc == 1 && kind(0) == ValueKind::kString) {
        if (auto p = Period::Parse(args[0].string_value())) return Value::FromPeriod(*p);
        return Value::Error("`" + args[0].string_value() +
                            "` is not a period such as 2023, 2023-H1, 2023-Q3 or 2023-07");
      }
      break;
    case Fn::kYear: case Fn::kHalf: case Fn::kQuarter: case Fn::kMonth:
      if (argc == 1) return PeriodOf(fn, args[0]);
      break;
    case Fn::kStart: case Fn::kEnd:
      if (argc == 1 && kind(0) == ValueKind::kPeriod) {
        const Period& p = args[0].period_value();
        return Value::FromDate(fn == Fn::kStart ? p.start() : p.end());
      }
      break;
    case Fn::kAddYears:
      if (argc == 2 && kind(0) == ValueKind::kDate && kind(1) == ValueKind::kInt) {
        int64_t n = args[1].int_value();
        if (n < -10000 || n > 10000) return Value::Error("date out of range");
        auto d = args[0].date_value().AddYears(static_cast<int>(n));
        if (!d) return Value::Error("date out of range");
        return Value::FromDate(*d);
      }
      break;
    case Fn::kRound:
      if (argc == 2 && kind(0) == ValueKind::kDecimal && kind(1) == ValueKind::kInt) {
        int64_t s = args[1].int_value();
        if (s < 0 || s > Decimal::kMaxScale) {
          return Value::Error("round: scale must be between 0 and 18");
        }
        auto r = args[0].decimal_value().RoundHalfAwayFromZero(static_cast<int>(s));
        if (!r) return Value::Error("decimal overflow");
        return Value::FromDecimal(*r);
      }
      break;
    case Fn::kSum: {
      if (argc != 1 || kind(0) != ValueKind::kList) break;
      Value total = Value::Int(0);
      for (const Value& v : args[0].list_value()) {
        Value pair[2] = {total, v};
        total = CallFunction(Fn::kAdd, pair, 2);
        if (total.is_error()) return total;
      }
      return total;
    }
    case Fn::kFlatten: {
      // As cel-go's lists extension: elements that are not lists stay.
      if (argc != 1 || kind(0) != ValueKind::kList) break;
      ValueList out;
      for (const Value& v : args[0].list_value()) {
        if (v.kind() == ValueKind::kList) {
          const ValueList& inner = v.list_value();
          out.insert(out.end(), inner.begin(), inner.end());
        } else {
          out.push_back(v);
        }
      }
      return Value::List(std::move(out));
    }
    case Fn::kMonths: {
      // months(p): the months of a period; months(d1, d2): the months from
      // d1's through d2's (none when d1 is after d2).
      Date first, last;
      if (argc == 1 && kind(0) == ValueKind::kPeriod) {
        first = args[0].period_value().start();
        last = args[0].period_value().end();
      } else if (argc == 2 && kind(0) == ValueKind::kDate && kind(1) == ValueKind::kDate) {
        first = args[0].date_value();
        last = args[1].date_value();
      } else {
        break;
      }
      ValueList months;
      if (first > last) return Value::List(std::move(months));
      for (Period m = Period::Of(PeriodKind::kMonth, first); m.start() <= last;
           m = m.Next()) {
        months.push_back(Value::FromPeriod(m));
      }
      return Value::List(std::move(months));
    }
    case Fn::kDays:
      if (argc == 1 && kind(0) == ValueKind::kPeriod) {
        const Period& p = args[0].period_value();
        return Value::Int(p.end().day_number() - p.start().day_number() + 1);
      }
      break;
    case Fn::kCoveredDays:
      return CoveredDays(args, argc);
    case Fn::kCeilDiv:
      if (argc != 2) break;
      return CeilDiv(args[0], args[1], args);
    case Fn::kMin:
    case Fn::kMax: {
      if (argc != 1 || kind(0) != ValueKind::kList) break;
      const ValueList& l = args[0].list_value();
      if (l.empty()) {
        return Value::Error(std::string(fn == Fn::kMin ? "min" : "max") +
                            " of an empty list");
      }
      Value best = l[0];
      for (size_t i = 1; i < l.size(); ++i) {
        Value error;
        const int c = CelCompare(l[i], best, &error);
        if (error.is_error()) return error;
        if (fn == Fn::kMin ? c == -1 : c == 1) best = l[i];
      }
      return best;
    }
    case Fn::kAnd: case Fn::kOr: case Fn::kConditional:
    case Fn::kNotStrictlyFalse: case Fn::kUnknown:
      break;
  }
  if (fn == Fn::kUnknown) return Value::Error("no such function");
  return NoOverload(fn, args, argc);
}

}  // namespace zhucun::internal
