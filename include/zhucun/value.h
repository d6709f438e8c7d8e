#ifndef ZHUCUN_VALUE_H_
#define ZHUCUN_VALUE_H_

/// \file
/// Value: one dynamically typed value of the expression language — null,
/// bool, int, uint, double, string, bytes, list, map, and zhucun's date,
/// decimal and period — or an evaluation error. Values are immutable and cheap
/// to copy (strings, lists and maps are shared).
///
///     zhucun::Value v = zhucun::Value::List({zhucun::Value::Int(1),
///                                            zhucun::Value::String("a")});
///     v.DebugString();   // [1, "a"]

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "zhucun/date.h"
#include "zhucun/decimal.h"
#include "zhucun/export.h"

namespace zhucun {

/// The kind of a Value.
enum class ValueKind : uint8_t {
  kNull,     ///< null
  kBool,     ///< true / false
  kInt,      ///< signed 64-bit integer
  kUint,     ///< unsigned 64-bit integer
  kDouble,   ///< IEEE 754 binary64
  kString,   ///< UTF-8 text
  kBytes,    ///< octets
  kList,     ///< ordered list of values
  kMap,      ///< map with bool, int, uint or string keys
  kDate,     ///< calendar date (zhucun extension)
  kDecimal,  ///< exact decimal (zhucun extension)
  kPeriod,   ///< calendar period (zhucun extension)
  kType,     ///< a type as a value, e.g. `int` or `type(x)`
  kError,    ///< an evaluation error with a message
  kRecord,   ///< a row of a fact table, read through a RecordSource (zhucun extension)
};

class Value;
class RecordSource;
/// The elements of a list value.
using ValueList = std::vector<Value>;

/// The entries of a map value, in insertion order. Keys are unique.
class ZHUCUN_API ValueMap {
 public:
  ValueMap() = default;
  /// Adds an entry; returns false (and changes nothing) if an equal key exists.
  bool Insert(Value key, Value value);
  /// The value under `key` (CEL key equality: 1, 1u and 1.0 are the same
  /// key), or nullptr.
  const Value* Find(const Value& key) const;
  /// The value under a string key, or nullptr.
  const Value* Find(std::string_view key) const;
  size_t size() const;
  const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<Value, Value>> entries_;
};

/// A dynamically typed, immutable value.
class ZHUCUN_API Value {
 public:
  /// null.
  Value() = default;

  static Value Null() { return Value(); }
  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Uint(uint64_t v);
  static Value Double(double v);
  static Value String(std::string v);
  static Value Bytes(std::string v);
  static Value List(ValueList v);
  static Value Map(ValueMap v);
  static Value FromDate(Date v);
  static Value FromDecimal(Decimal v);
  static Value FromPeriod(Period v);
  /// A type value named by its CEL name: "int", "list", "google.protobuf..."
  static Value Type(std::string name);
  /// An evaluation error.
  static Value Error(std::string message);
  /// Row `row` of the records that `source` provides (fields are read on
  /// access, so a record costs nothing until a field is selected).
  static Value Record(std::shared_ptr<const RecordSource> source, uint32_t row);

  ValueKind kind() const { return static_cast<ValueKind>(rep_.index()); }
  bool is_null() const { return kind() == ValueKind::kNull; }
  bool is_error() const { return kind() == ValueKind::kError; }

  // Accessors; each requires the matching kind().
  bool bool_value() const { return std::get<bool>(rep_); }
  int64_t int_value() const { return std::get<int64_t>(rep_); }
  uint64_t uint_value() const { return std::get<uint64_t>(rep_); }
  double double_value() const { return std::get<double>(rep_); }
  const std::string& string_value() const { return *std::get<StringRep>(rep_).s; }
  const std::string& bytes_value() const { return *std::get<BytesRep>(rep_).s; }
  const ValueList& list_value() const { return *std::get<ListRep>(rep_).l; }
  const ValueMap& map_value() const { return *std::get<MapRep>(rep_).m; }
  Date date_value() const { return std::get<Date>(rep_); }
  Decimal decimal_value() const { return std::get<Decimal>(rep_); }
  Period period_value() const { return std::get<Period>(rep_); }
  const std::string& type_name() const { return *std::get<TypeRep>(rep_).s; }
  const std::string& error_message() const { return *std::get<ErrorRep>(rep_).s; }
  const RecordSource& record_source() const { return *std::get<RecordRep>(rep_).source; }
  uint32_t record_row() const { return std::get<RecordRep>(rep_).row; }

  /// The CEL type name of this value: "int", "list", "decimal", ...
  std::string TypeName() const;
  /// A CEL-like literal rendering: 1, 2u, 1.5, "s", b"\x01", [1, 2],
  /// {"k": 1}, date("2023-01-01"), decimal("1.50"), period("2023-Q1").
  std::string DebugString() const;

  /// Structural equality: same kind and same contents (maps regardless of
  /// order; NaN equals NaN). Not CEL's `==` (which equates 1 and 1u).
  friend ZHUCUN_API bool operator==(const Value& a, const Value& b);

 private:
  struct StringRep { std::shared_ptr<const std::string> s; };
  struct BytesRep { std::shared_ptr<const std::string> s; };
  struct ListRep { std::shared_ptr<const ValueList> l; };
  struct MapRep { std::shared_ptr<const ValueMap> m; };
  struct TypeRep { std::shared_ptr<const std::string> s; };
  struct ErrorRep { std::shared_ptr<const std::string> s; };
  struct RecordRep {
    std::shared_ptr<const RecordSource> source;
    uint32_t row;
  };
  // INVARIANT: the alternative index equals the ValueKind enumerator.
  std::variant<std::monostate, bool, int64_t, uint64_t, double, StringRep,
               BytesRep, ListRep, MapRep, Date, Decimal, Period, TypeRep,
               ErrorRep, RecordRep>
      rep_;
};

// Defined here, where Value is complete (clang instantiates the vector's
// size() at its use in the class body).
inline size_t ValueMap::size() const { return entries_.size(); }

/// Where record values get their fields: typically one table of a FactSet,
/// with its references to other tables as record-valued fields and the rows
/// that refer to it as list-valued fields. Implementations are immutable and
/// safe to share between threads.
class ZHUCUN_API RecordSource {
 public:
  virtual ~RecordSource() = default;
  /// The name of the record type (a table name, e.g. "members").
  virtual const std::string& type_name() const = 0;
  /// Sets *out to field `name` of row `row` (null when the cell is null);
  /// false if the record type has no such field.
  virtual bool Field(uint32_t row, std::string_view name, Value* out) const = 0;
  /// Optional fast path for evaluators that select the same field of many
  /// rows: the position of field `name`, or -1 if there is no such field or
  /// the source does not number its fields (then only Field is used).
  virtual int FieldIndex(std::string_view name) const {
    (void)name;
    return -1;
  }
  /// Sets *out to the field at `index` (from FieldIndex) of row `row`.
  virtual void FieldAt(uint32_t row, int index, Value* out) const {
    (void)row;
    (void)index;
    *out = Value::Error("no numbered fields");
  }
  /// A short readable name of the row, e.g. `members:M000001`.
  virtual std::string RowName(uint32_t row) const = 0;
};

}  // namespace zhucun

#endif  // ZHUCUN_VALUE_H_
