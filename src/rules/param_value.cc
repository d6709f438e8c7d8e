#include "rules/param_value.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "zhucun/date.h"
#include "zhucun/decimal.h"

namespace zhucun::internal {

std::optional<Value> ParseParamValue(const Type& type, std::string_view text) {
  switch (type.kind()) {
    case TypeKind::kInt: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return Value::Int(v);
    }
    case TypeKind::kUint: {
      uint64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return Value::Uint(v);
    }
    case TypeKind::kDouble: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return Value::Double(v);
    }
    case TypeKind::kDecimal: {
      auto d = Decimal::Parse(text);
      if (!d) return std::nullopt;
      return Value::FromDecimal(*d);
    }
    case TypeKind::kString:
      return Value::String(std::string(text));
    case TypeKind::kBool:
      if (text == "true") return Value::Bool(true);
      if (text == "false") return Value::Bool(false);
      return std::nullopt;
    case TypeKind::kDate: {
      auto d = Date::Parse(text);
      if (!d) return std::nullopt;
      return Value::FromDate(*d);
    }
    case TypeKind::kPeriod: {
      auto p = Period::Parse(text);
      if (!p) return std::nullopt;
      return Value::FromPeriod(*p);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace zhucun::internal
