#include "zhucun/column.h"

#include <string_view>
#include <unordered_map>

namespace zhucun {

Value ColumnView::Get(size_t i) const {
  if (!IsValid(i)) return Value::Null();
  switch (type) {
    case ColumnType::kBool:
      return Value::Bool(static_cast<const uint8_t*>(data)[i] != 0);
    case ColumnType::kInt:
      return Value::Int(static_cast<const int64_t*>(data)[i]);
    case ColumnType::kDouble:
      return Value::Double(static_cast<const double*>(data)[i]);
    case ColumnType::kDecimal:
      return Value::FromDecimal(
          Decimal::FromUnscaled(static_cast<const int64_t*>(data)[i], scale));
    case ColumnType::kDate:
      return Value::FromDate(
          Date::FromDayNumber(static_cast<const int32_t*>(data)[i]));
    case ColumnType::kString:
      return Value::String(
          (*dictionary)[static_cast<size_t>(static_cast<const int32_t*>(data)[i])]);
    case ColumnType::kMonth: {
      const int32_t m = static_cast<const int32_t*>(data)[i];
      auto p = Period::FromIndex(PeriodKind::kMonth, m / 12, m % 12 + 1);
      return p ? Value::FromPeriod(*p) : Value::Error("month out of range");
    }
    case ColumnType::kValue:
      return static_cast<const Value*>(data)[i];
  }
  return Value::Null();
}

namespace {
size_t ElementSize(ColumnType type) {
  switch (type) {
    case ColumnType::kBool: return sizeof(uint8_t);
    case ColumnType::kInt: return sizeof(int64_t);
    case ColumnType::kDouble: return sizeof(double);
    case ColumnType::kDecimal: return sizeof(int64_t);
    case ColumnType::kDate: return sizeof(int32_t);
    case ColumnType::kString:
    case ColumnType::kMonth: return sizeof(int32_t);
    case ColumnType::kValue: return sizeof(Value);
  }
  return 1;
}
}  // namespace

ColumnView ColumnView::Slice(size_t offset, size_t count) const {
  ColumnView v = *this;
  v.size = count;
  v.data = static_cast<const char*>(data) + offset * ElementSize(type);
  if (valid != nullptr) v.valid = valid + offset;
  return v;
}

Column::Column(const Column& other)
    : type_(other.type_),
      scale_(other.scale_),
      bools_(other.bools_),
      ints_(other.ints_),
      doubles_(other.doubles_),
      int32s_(other.int32s_),
      values_(other.values_),
      dictionary_(std::make_shared<std::vector<std::string>>(*other.dictionary_)),
      valid_(other.valid_) {}

Column& Column::operator=(const Column& other) {
  if (this != &other) *this = Column(other);
  return *this;
}

Column Column::StringsCodedAs(const Column& coded_as, std::vector<int32_t> codes) {
  Column c(ColumnType::kString);
  c.dictionary_ = coded_as.dictionary_;
  c.int32s_ = std::move(codes);
  return c;
}

std::vector<std::string>& Column::dictionary() {
  if (dictionary_.use_count() > 1) {  // shared (StringsCodedAs): this one's own copy
    dictionary_ = std::make_shared<std::vector<std::string>>(*dictionary_);
  }
  return *dictionary_;
}

Column Column::Bools(std::vector<uint8_t> v) {
  Column c(ColumnType::kBool);
  c.bools_ = std::move(v);
  return c;
}
Column Column::Ints(std::vector<int64_t> v) {
  Column c(ColumnType::kInt);
  c.ints_ = std::move(v);
  return c;
}
Column Column::Doubles(std::vector<double> v) {
  Column c(ColumnType::kDouble);
  c.doubles_ = std::move(v);
  return c;
}
Column Column::Decimals(std::vector<int64_t> coefficients, int scale) {
  Column c(ColumnType::kDecimal, scale);
  c.ints_ = std::move(coefficients);
  return c;
}
Column Column::Dates(std::vector<int32_t> day_numbers) {
  Column c(ColumnType::kDate);
  c.int32s_ = std::move(day_numbers);
  return c;
}
Column Column::Strings(const std::vector<std::string>& v) {
  Column c(ColumnType::kString);
  std::unordered_map<std::string_view, int32_t> codes;
  c.int32s_.reserve(v.size());
  for (const std::string& s : v) {
    auto it = codes.find(s);
    if (it == codes.end()) {
      c.dictionary_->push_back(s);
      it = codes.emplace(s, static_cast<int32_t>(c.dictionary_->size() - 1)).first;
    }
    c.int32s_.push_back(it->second);
  }
  return c;
}
Column Column::Months(std::vector<int32_t> months) {
  Column c(ColumnType::kMonth);
  c.int32s_ = std::move(months);
  return c;
}

Column Column::Values(std::vector<Value> v) {
  Column c(ColumnType::kValue);
  c.values_ = std::move(v);
  return c;
}

size_t Column::size() const {
  switch (type_) {
    case ColumnType::kBool: return bools_.size();
    case ColumnType::kInt:
    case ColumnType::kDecimal: return ints_.size();
    case ColumnType::kDouble: return doubles_.size();
    case ColumnType::kDate:
    case ColumnType::kString:
    case ColumnType::kMonth: return int32s_.size();
    case ColumnType::kValue: return values_.size();
  }
  return 0;
}

void Column::set_valid_row(size_t i, bool valid) {
  if (valid_.empty()) {
    if (valid) return;
    valid_.assign(size(), 1);
  }
  valid_[i] = valid ? 1 : 0;
}

ColumnView Column::view() const {
  ColumnView v;
  v.type = type_;
  v.size = size();
  v.scale = scale_;
  v.valid = valid_.empty() ? nullptr : valid_.data();
  v.dictionary = dictionary_.get();
  switch (type_) {
    case ColumnType::kBool: v.data = bools_.data(); break;
    case ColumnType::kInt:
    case ColumnType::kDecimal: v.data = ints_.data(); break;
    case ColumnType::kDouble: v.data = doubles_.data(); break;
    case ColumnType::kDate:
    case ColumnType::kString:
    case ColumnType::kMonth: v.data = int32s_.data(); break;
    case ColumnType::kValue: v.data = values_.data(); break;
  }
  return v;
}

}  // namespace zhucun
