#include "zhucun/type.h"

#include <cctype>

namespace zhucun {

Type Type::List(Type elem) {
  Type t(TypeKind::kList);
  t.params_ = std::make_shared<const std::vector<Type>>(
      std::vector<Type>{std::move(elem)});
  return t;
}

Type Type::Map(Type key, Type value) {
  Type t(TypeKind::kMap);
  t.params_ = std::make_shared<const std::vector<Type>>(
      std::vector<Type>{std::move(key), std::move(value)});
  return t;
}

Type Type::Object(std::shared_ptr<const ObjectType> object) {
  Type t(TypeKind::kObject);
  t.object_ = std::move(object);
  return t;
}

namespace {

// Recursive-descent parser for type names; depth-bounded.
class TypeParser {
 public:
  explicit TypeParser(std::string_view s) : s_(s) {}

  std::optional<Type> ParseAll() {
    auto t = ParseType(0);
    SkipSpace();
    if (!t || pos_ != s_.size()) return std::nullopt;
    return t;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view Name() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
            s_[pos_] == '_' || s_[pos_] == '.')) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  std::optional<Type> ParseType(int depth) {
    if (depth > 32) return std::nullopt;
    std::string_view name = Name();
    if (name == "list") {
      if (!Eat('(')) return std::nullopt;
      auto elem = ParseType(depth + 1);
      if (!elem || !Eat(')')) return std::nullopt;
      return Type::List(*elem);
    }
    if (name == "map") {
      if (!Eat('(')) return std::nullopt;
      auto key = ParseType(depth + 1);
      if (!key || !Eat(',')) return std::nullopt;
      auto value = ParseType(depth + 1);
      if (!value || !Eat(')')) return std::nullopt;
      return Type::Map(*key, *value);
    }
    if (name == "dyn") return Type::Dyn();
    if (name == "null_type") return Type::Null();
    if (name == "bool") return Type::Bool();
    if (name == "int") return Type::Int();
    if (name == "uint") return Type::Uint();
    if (name == "double") return Type::Double();
    if (name == "string") return Type::String();
    if (name == "bytes") return Type::Bytes();
    if (name == "date") return Type::Date();
    if (name == "decimal") return Type::Decimal();
    if (name == "period") return Type::Period();
    if (name == "type") return Type::TypeType();
    return std::nullopt;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<Type> Type::Parse(std::string_view text) {
  return TypeParser(text).ParseAll();
}

std::string Type::ToString() const {
  switch (kind_) {
    case TypeKind::kDyn: return "dyn";
    case TypeKind::kNull: return "null_type";
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "int";
    case TypeKind::kUint: return "uint";
    case TypeKind::kDouble: return "double";
    case TypeKind::kString: return "string";
    case TypeKind::kBytes: return "bytes";
    case TypeKind::kList: return "list(" + elem().ToString() + ")";
    case TypeKind::kMap:
      return "map(" + key().ToString() + ", " + value().ToString() + ")";
    case TypeKind::kDate: return "date";
    case TypeKind::kDecimal: return "decimal";
    case TypeKind::kPeriod: return "period";
    case TypeKind::kType: return "type";
    case TypeKind::kObject: return object_->name();
  }
  return "dyn";
}

bool operator==(const Type& a, const Type& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case TypeKind::kList: return a.elem() == b.elem();
    case TypeKind::kMap: return a.key() == b.key() && a.value() == b.value();
    case TypeKind::kObject:
      return a.object_ == b.object_ || a.object_->name() == b.object_->name();
    default: return true;
  }
}

std::shared_ptr<const ObjectType> ObjectType::Make(
    std::string name, std::vector<std::pair<std::string, Type>> fields) {
  auto t = std::make_shared<ObjectType>();
  t->name_ = std::move(name);
  t->fields_ = std::move(fields);
  return t;
}

std::shared_ptr<ObjectType> ObjectType::MakeEmpty(std::string name) {
  auto t = std::make_shared<ObjectType>();
  t->name_ = std::move(name);
  return t;
}

void ObjectType::AddField(std::string field, Type type) {
  fields_.emplace_back(std::move(field), std::move(type));
}

const Type* ObjectType::FindField(std::string_view field) const {
  for (const auto& [name, type] : fields_) {
    if (name == field) return &type;
  }
  return nullptr;
}

}  // namespace zhucun
