#ifndef ZHUCUN_COLUMN_H_
#define ZHUCUN_COLUMN_H_

/// \file
/// Columns: the batch form of values. Expressions evaluate column-at-a-time
/// over a batch of rows (DESIGN.md, "Columnar and batched"): dates are int32
/// day numbers, decimals int64 coefficients with one scale per column,
/// strings dictionary codes, and nulls a validity mask.
///
/// ColumnView is a non-owning window on typed storage (a fact table's column,
/// or a caller's arrays); Column owns its storage and hands out views.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zhucun/export.h"
#include "zhucun/value.h"

namespace zhucun {

/// The physical type of a column.
enum class ColumnType : uint8_t {
  kBool,     ///< uint8_t, 0 or 1
  kInt,      ///< int64_t
  kDouble,   ///< double
  kDecimal,  ///< int64_t coefficient; the column's scale applies to every row
  kDate,     ///< int32_t day number (days since 1970-01-01)
  kString,   ///< int32_t code into the column's dictionary
  kMonth,    ///< int32_t months since year 0 (year * 12 + month - 1); a month period
  kValue,    ///< zhucun::Value, for anything else (lists, maps, dyn)
};

/// A non-owning view of `size` rows of typed data.
struct ColumnView {
  ColumnType type = ColumnType::kValue;
  size_t size = 0;
  /// Row data; its element type is given by `type` (see ColumnType).
  const void* data = nullptr;
  /// One byte per row, nonzero = present; nullptr means every row is present.
  const uint8_t* valid = nullptr;
  /// kDecimal: the number of fractional digits of every coefficient.
  int scale = 0;
  /// kString: the strings that codes refer to.
  const std::vector<std::string>* dictionary = nullptr;

  /// True when row `i` is not null.
  bool IsValid(size_t i) const { return valid == nullptr || valid[i] != 0; }
  /// The value of row `i` as a Value (null when not valid).
  Value Get(size_t i) const;
  /// The rows [offset, offset + count) of this view.
  ColumnView Slice(size_t offset, size_t count) const;
};

/// A column that owns its data.
class ZHUCUN_API Column {
 public:
  Column() = default;
  explicit Column(ColumnType type, int scale = 0) : type_(type), scale_(scale) {}
  /// Copies are deep (the dictionary too); moves keep views valid.
  Column(const Column& other);
  Column& operator=(const Column& other);
  Column(Column&&) = default;
  Column& operator=(Column&&) = default;

  static Column Bools(std::vector<uint8_t> v);
  static Column Ints(std::vector<int64_t> v);
  static Column Doubles(std::vector<double> v);
  /// Coefficients at a fixed scale.
  static Column Decimals(std::vector<int64_t> coefficients, int scale);
  static Column Dates(std::vector<int32_t> day_numbers);
  /// Dictionary-encodes the strings.
  static Column Strings(const std::vector<std::string>& v);
  /// Strings as codes into the dictionary of `coded_as` (a kString column):
  /// the two share it until either changes it (dictionary() copies first).
  static Column StringsCodedAs(const Column& coded_as, std::vector<int32_t> codes);
  /// Months as year * 12 + month - 1.
  static Column Months(std::vector<int32_t> months);
  static Column Values(std::vector<Value> v);

  ColumnType type() const { return type_; }
  size_t size() const;
  int scale() const { return scale_; }
  /// Marks rows as null (one byte per row; empty = all valid).
  void set_valid(std::vector<uint8_t> valid) { valid_ = std::move(valid); }
  const std::vector<uint8_t>& valid() const { return valid_; }
  /// Marks one row as present or null.
  void set_valid_row(size_t i, bool valid);

  /// Typed storage; use the one that matches type().
  std::vector<uint8_t>& bools() { return bools_; }
  std::vector<int64_t>& ints() { return ints_; }
  std::vector<double>& doubles() { return doubles_; }
  std::vector<int32_t>& int32s() { return int32s_; }
  std::vector<Value>& values() { return values_; }
  std::vector<std::string>& dictionary();
  const std::vector<uint8_t>& bools() const { return bools_; }
  const std::vector<int64_t>& ints() const { return ints_; }
  const std::vector<double>& doubles() const { return doubles_; }
  const std::vector<int32_t>& int32s() const { return int32s_; }
  const std::vector<Value>& values() const { return values_; }
  const std::vector<std::string>& dictionary() const { return *dictionary_; }

  /// A view of all rows.
  ColumnView view() const;
  /// The value of row `i` (null when not valid).
  Value Get(size_t i) const { return view().Get(i); }

 private:
  ColumnType type_ = ColumnType::kValue;
  int scale_ = 0;
  std::vector<uint8_t> bools_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<int32_t> int32s_;  // dates, string codes and months
  std::vector<Value> values_;
  std::shared_ptr<std::vector<std::string>> dictionary_ =
      std::make_shared<std::vector<std::string>>();
  std::vector<uint8_t> valid_;
};

}  // namespace zhucun

#endif  // ZHUCUN_COLUMN_H_
