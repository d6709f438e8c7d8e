#ifndef ZHUCUN_TYPE_H_
#define ZHUCUN_TYPE_H_

/// \file
/// Type: the static type of an expression or a declared variable. Besides
/// CEL's types there are zhucun's date, decimal and period, and object types
/// (records with named, typed fields: a row of a fact table).
///
///     auto member = zhucun::ObjectType::Make("member", {
///         {"role", zhucun::Type::String()},
///         {"end_date", zhucun::Type::Date()}});
///     env.Declare("member", zhucun::Type::Object(member));

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhucun/export.h"

namespace zhucun {

/// The kind of a Type.
enum class TypeKind : uint8_t {
  kDyn,      ///< any type, checked at run time
  kNull,     ///< null_type
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,     ///< list(elem)
  kMap,      ///< map(key, value)
  kDate,
  kDecimal,
  kPeriod,
  kType,     ///< the type of type values
  kObject,   ///< a record with declared fields
};

class ObjectType;

/// A static type.
class ZHUCUN_API Type {
 public:
  /// dyn.
  Type() = default;
  static Type Dyn() { return Type(TypeKind::kDyn); }
  static Type Null() { return Type(TypeKind::kNull); }
  static Type Bool() { return Type(TypeKind::kBool); }
  static Type Int() { return Type(TypeKind::kInt); }
  static Type Uint() { return Type(TypeKind::kUint); }
  static Type Double() { return Type(TypeKind::kDouble); }
  static Type String() { return Type(TypeKind::kString); }
  static Type Bytes() { return Type(TypeKind::kBytes); }
  static Type Date() { return Type(TypeKind::kDate); }
  static Type Decimal() { return Type(TypeKind::kDecimal); }
  static Type Period() { return Type(TypeKind::kPeriod); }
  static Type TypeType() { return Type(TypeKind::kType); }
  static Type List(Type elem);
  static Type Map(Type key, Type value);
  static Type Object(std::shared_ptr<const ObjectType> object);

  /// Parses a type written as in CEL declarations: `int`, `list(int)`,
  /// `map(string, dyn)`, `null_type`, `date`, `decimal`, ...
  static std::optional<Type> Parse(std::string_view text);

  TypeKind kind() const { return kind_; }
  bool is_dyn() const { return kind_ == TypeKind::kDyn; }
  /// Element type of a list; requires kind() == kList.
  const Type& elem() const { return params_->at(0); }
  /// Key and value types of a map; require kind() == kMap.
  const Type& key() const { return params_->at(0); }
  const Type& value() const { return params_->at(1); }
  /// The record type; requires kind() == kObject.
  const ObjectType& object() const { return *object_; }

  /// `int`, `list(string)`, `map(string, dyn)`, or the object's name.
  std::string ToString() const;

  friend ZHUCUN_API bool operator==(const Type& a, const Type& b);

 private:
  explicit Type(TypeKind kind) : kind_(kind) {}
  TypeKind kind_ = TypeKind::kDyn;
  std::shared_ptr<const std::vector<Type>> params_;
  std::shared_ptr<const ObjectType> object_;
};

/// A record type: a name and typed fields, e.g. one row of a fact table.
/// Every field of a record value is present; a missing value is null.
class ZHUCUN_API ObjectType {
 public:
  /// A record type with the given fields (names unique).
  static std::shared_ptr<const ObjectType> Make(
      std::string name, std::vector<std::pair<std::string, Type>> fields);
  const std::string& name() const { return name_; }
  const std::vector<std::pair<std::string, Type>>& fields() const {
    return fields_;
  }
  /// The type of a field, or nullptr if there is no such field.
  const Type* FindField(std::string_view field) const;

  /// A record type whose fields are added afterwards with AddField, for
  /// types that refer to each other (a team's members, a member's team).
  static std::shared_ptr<ObjectType> MakeEmpty(std::string name);
  /// Adds a field. Only while the type is being built, before any Env or
  /// Program uses it.
  void AddField(std::string field, Type type);

 private:
  std::string name_;
  std::vector<std::pair<std::string, Type>> fields_;
};

}  // namespace zhucun

#endif  // ZHUCUN_TYPE_H_
