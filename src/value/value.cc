#include "zhucun/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace zhucun {
namespace {

__extension__ typedef __int128 Int128;

// CEL key equality: numbers of different kinds are equal keys when they are
// numerically equal (1, 1u and 1.0 address the same entry).
bool KeyEquals(const Value& a, const Value& b) {
  auto numeric = [](const Value& v) {
    return v.kind() == ValueKind::kInt || v.kind() == ValueKind::kUint ||
           v.kind() == ValueKind::kDouble;
  };
  if (numeric(a) && numeric(b)) {
    if (a.kind() == b.kind()) return a == b;
    // Compare through long double-free exact paths.
    auto as_int = [](const Value& v, Int128* out) {
      switch (v.kind()) {
        case ValueKind::kInt: *out = v.int_value(); return true;
        case ValueKind::kUint: *out = v.uint_value(); return true;
        default: {
          double d = v.double_value();
          if (!std::isfinite(d) || d != std::trunc(d) || d < -9.3e18 ||
              d > 1.85e19) {
            return false;
          }
          *out = static_cast<Int128>(d);
          return true;
        }
      }
    };
    Int128 x, y;
    if (!as_int(a, &x) || !as_int(b, &y)) return false;
    return x == y;
  }
  return a == b;
}

void AppendQuoted(std::string* out, const std::string& s, bool bytes) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Infinity" : "-Infinity";
  char buf[64];
  // The shortest text that reads back as the same double.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

bool ValueMap::Insert(Value key, Value value) {
  if (Find(key) != nullptr) return false;
  entries_.emplace_back(std::move(key), std::move(value));
  return true;
}

const Value* ValueMap::Find(const Value& key) const {
  for (const auto& [k, v] : entries_) {
    if (KeyEquals(k, key)) return &v;
  }
  return nullptr;
}

const Value* ValueMap::Find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k.kind() == ValueKind::kString && k.string_value() == key) return &v;
  }
  return nullptr;
}

Value Value::Bool(bool v) { Value r; r.rep_ = v; return r; }
Value Value::Int(int64_t v) { Value r; r.rep_ = v; return r; }
Value Value::Uint(uint64_t v) { Value r; r.rep_ = v; return r; }
Value Value::Double(double v) { Value r; r.rep_ = v; return r; }
Value Value::String(std::string v) {
  Value r;
  r.rep_ = StringRep{std::make_shared<const std::string>(std::move(v))};
  return r;
}
Value Value::Bytes(std::string v) {
  Value r;
  r.rep_ = BytesRep{std::make_shared<const std::string>(std::move(v))};
  return r;
}
Value Value::List(ValueList v) {
  Value r;
  r.rep_ = ListRep{std::make_shared<const ValueList>(std::move(v))};
  return r;
}
Value Value::Map(ValueMap v) {
  Value r;
  r.rep_ = MapRep{std::make_shared<const ValueMap>(std::move(v))};
  return r;
}
Value Value::FromDate(Date v) { Value r; r.rep_ = v; return r; }
Value Value::FromDecimal(Decimal v) { Value r; r.rep_ = v; return r; }
Value Value::FromPeriod(Period v) { Value r; r.rep_ = v; return r; }
Value Value::Type(std::string name) {
  Value r;
  r.rep_ = TypeRep{std::make_shared<const std::string>(std::move(name))};
  return r;
}
Value Value::Record(std::shared_ptr<const RecordSource> source, uint32_t row) {
  Value r;
  r.rep_ = RecordRep{std::move(source), row};
  return r;
}

Value Value::Error(std::string message) {
  Value r;
  r.rep_ = ErrorRep{std::make_shared<const std::string>(std::move(message))};
  return r;
}

std::string Value::TypeName() const {
  switch (kind()) {
    case ValueKind::kNull: return "null_type";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kUint: return "uint";
    case ValueKind::kDouble: return "double";
    case ValueKind::kString: return "string";
    case ValueKind::kBytes: return "bytes";
    case ValueKind::kList: return "list";
    case ValueKind::kMap: return "map";
    case ValueKind::kDate: return "date";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kPeriod: return "period";
    case ValueKind::kType: return "type";
    case ValueKind::kError: return "error";
    case ValueKind::kRecord: return record_source().type_name();
  }
  return "error";
}

std::string Value::DebugString() const {
  std::string out;
  switch (kind()) {
    case ValueKind::kNull: return "null";
    case ValueKind::kBool: return bool_value() ? "true" : "false";
    case ValueKind::kInt: return std::to_string(int_value());
    case ValueKind::kUint: return std::to_string(uint_value()) + "u";
    case ValueKind::kDouble: return FormatDouble(double_value());
    case ValueKind::kString: AppendQuoted(&out, string_value(), false); return out;
    case ValueKind::kBytes:
      out = "b";
      AppendQuoted(&out, bytes_value(), true);
      return out;
    case ValueKind::kList: {
      out = "[";
      const char* sep = "";
      for (const Value& v : list_value()) {
        out += sep;
        out += v.DebugString();
        sep = ", ";
      }
      return out + "]";
    }
    case ValueKind::kMap: {
      out = "{";
      const char* sep = "";
      for (const auto& [k, v] : map_value().entries()) {
        out += sep;
        out += k.DebugString();
        out += ": ";
        out += v.DebugString();
        sep = ", ";
      }
      return out + "}";
    }
    case ValueKind::kDate: return "date(\"" + date_value().ToString() + "\")";
    case ValueKind::kDecimal:
      return "decimal(\"" + decimal_value().ToString() + "\")";
    case ValueKind::kPeriod:
      return "period(\"" + period_value().label() + "\")";
    case ValueKind::kType: return type_name();
    case ValueKind::kError: return "error: " + error_message();
    case ValueKind::kRecord: return "<" + record_source().RowName(record_row()) + ">";
  }
  return out;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kNull: return true;
    case ValueKind::kBool: return a.bool_value() == b.bool_value();
    case ValueKind::kInt: return a.int_value() == b.int_value();
    case ValueKind::kUint: return a.uint_value() == b.uint_value();
    case ValueKind::kDouble: {
      double x = a.double_value(), y = b.double_value();
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case ValueKind::kString: return a.string_value() == b.string_value();
    case ValueKind::kBytes: return a.bytes_value() == b.bytes_value();
    case ValueKind::kList: return a.list_value() == b.list_value();
    case ValueKind::kMap: {
      const ValueMap& x = a.map_value();
      const ValueMap& y = b.map_value();
      if (x.size() != y.size()) return false;
      // Structural: a key matches only a key of the same kind and value.
      for (const auto& [k, v] : x.entries()) {
        bool found = false;
        for (const auto& [k2, v2] : y.entries()) {
          if (k == k2) {
            found = v == v2;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    case ValueKind::kDate: return a.date_value() == b.date_value();
    case ValueKind::kDecimal: return a.decimal_value() == b.decimal_value();
    case ValueKind::kPeriod: return a.period_value() == b.period_value();
    case ValueKind::kType: return a.type_name() == b.type_name();
    case ValueKind::kError: return a.error_message() == b.error_message();
    case ValueKind::kRecord:
      return &a.record_source() == &b.record_source() &&
             a.record_row() == b.record_row();
  }
  return false;
}

}  // namespace zhucun
