// Value, ValueMap, Type, Column and ColumnView: rendering, structural
// equality, CEL map-key equality, type names, dictionary encoding and views.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/column.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun {

// Shows values as their DebugString in test failures.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

Value Dec(int64_t coefficient, int scale) {
  return Value::FromDecimal(Decimal::FromUnscaled(coefficient, scale));
}

Value DateOf(int y, int m, int d) {
  return Value::FromDate(Date::FromYmd(y, m, d).value());
}

Value MapOf(std::vector<std::pair<Value, Value>> entries) {
  ValueMap m;
  for (auto& [k, v] : entries) EXPECT_TRUE(m.Insert(k, v)) << k.DebugString();
  return Value::Map(std::move(m));
}

// ---------------------------------------------------------------------------
// Value

TEST(ValueTest, KindsAndTypeNames) {
  struct Case {
    Value value;
    ValueKind kind;
    std::string_view type_name;
  };
  const Case cases[] = {
      {Value(), ValueKind::kNull, "null_type"},
      {Value::Null(), ValueKind::kNull, "null_type"},
      {Value::Bool(true), ValueKind::kBool, "bool"},
      {Value::Int(1), ValueKind::kInt, "int"},
      {Value::Uint(1), ValueKind::kUint, "uint"},
      {Value::Double(1), ValueKind::kDouble, "double"},
      {Value::String("s"), ValueKind::kString, "string"},
      {Value::Bytes("b"), ValueKind::kBytes, "bytes"},
      {Value::List({}), ValueKind::kList, "list"},
      {Value::Map(ValueMap()), ValueKind::kMap, "map"},
      {DateOf(2023, 1, 1), ValueKind::kDate, "date"},
      {Dec(150, 2), ValueKind::kDecimal, "decimal"},
      {Value::FromPeriod(Period::Parse("2023-Q1").value()), ValueKind::kPeriod,
       "period"},
      {Value::Type("int"), ValueKind::kType, "type"},
      {Value::Error("boom"), ValueKind::kError, "error"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.value.kind(), c.kind) << c.type_name;
    EXPECT_EQ(c.value.TypeName(), c.type_name);
    EXPECT_EQ(c.value.is_null(), c.kind == ValueKind::kNull);
    EXPECT_EQ(c.value.is_error(), c.kind == ValueKind::kError);
  }
}

TEST(ValueTest, Accessors) {
  EXPECT_TRUE(Value::Bool(true).bool_value());
  EXPECT_EQ(Value::Int(-5).int_value(), -5);
  EXPECT_EQ(Value::Uint(5).uint_value(), 5u);
  EXPECT_EQ(Value::Double(2.5).double_value(), 2.5);
  EXPECT_EQ(Value::String("驻村").string_value(), "驻村");
  EXPECT_EQ(Value::Bytes(std::string("\0\1", 2)).bytes_value(),
            std::string("\0\1", 2));
  EXPECT_EQ(Value::List({Value::Int(1)}).list_value().size(), 1u);
  EXPECT_EQ(DateOf(2024, 2, 29).date_value().ToString(), "2024-02-29");
  EXPECT_EQ(Dec(150, 2).decimal_value().ToString(), "1.50");
  EXPECT_EQ(Value::FromPeriod(Period::Parse("2023-H2").value())
                .period_value()
                .label(),
            "2023-H2");
  EXPECT_EQ(Value::Type("list").type_name(), "list");
  EXPECT_EQ(Value::Error("boom").error_message(), "boom");
}

TEST(ValueTest, DebugString) {
  struct Case {
    Value value;
    std::string_view want;
  };
  const Case cases[] = {
      {Value(), "null"},
      {Value::Bool(true), "true"},
      {Value::Bool(false), "false"},
      {Value::Int(1), "1"},
      {Value::Int(-9223372036854775807 - 1), "-9223372036854775808"},
      {Value::Uint(2), "2u"},
      {Value::Uint(18446744073709551615u), "18446744073709551615u"},
      {Value::Double(1.5), "1.5"},
      {Value::Double(1.0), "1.0"},
      {Value::Double(-2.0), "-2.0"},
      {Value::Double(0.1), "0.1"},
      {Value::Double(12.0), "12.0"},
      {Value::Double(100.0), "100.0"},
      {Value::Double(1000.0), "1000.0"},
      {Value::Double(123456.0), "123456.0"},
      {Value::Double(1e100), "1e+100"},
      {Value::Double(1.0 / 3), "0.3333333333333333"},
      {Value::Double(std::nan("")), "NaN"},
      {Value::Double(INFINITY), "+Infinity"},
      {Value::Double(-INFINITY), "-Infinity"},
      {Value::String("s"), "\"s\""},
      {Value::String(""), "\"\""},
      {Value::String("a\"b\\c\nd\te"), "\"a\\\"b\\\\c\\nd\\te\""},
      {Value::String("驻村"), "\"驻村\""},
      {Value::String(std::string("\x01", 1)), "\"\\x01\""},
      {Value::Bytes("ab"), "b\"ab\""},
      {Value::Bytes("\x01\xff"), "b\"\\x01\\xff\""},
      {Value::List({}), "[]"},
      {Value::List({Value::Int(1), Value::String("a")}), "[1, \"a\"]"},
      {Value::List({Value::List({Value::Uint(1)}), Value()}), "[[1u], null]"},
      {Value::Map(ValueMap()), "{}"},
      {MapOf({{Value::String("k"), Value::Int(1)},
              {Value::Int(2), Value::Bool(false)}}),
       "{\"k\": 1, 2: false}"},
      {DateOf(2023, 1, 1), "date(\"2023-01-01\")"},
      {Dec(150, 2), "decimal(\"1.50\")"},
      {Dec(-5, 2), "decimal(\"-0.05\")"},
      {Dec(0, 0), "decimal(\"0\")"},
      {Value::FromPeriod(Period::Parse("2023-Q1").value()),
       "period(\"2023-Q1\")"},
      {Value::FromPeriod(Period::Parse("2023").value()), "period(\"2023\")"},
      {Value::Type("int"), "int"},
      {Value::Error("division by zero"), "error: division by zero"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.value.DebugString(), c.want);
  }
}

TEST(ValueTest, StructuralEquality) {
  // Same kind and contents.
  EXPECT_EQ(Value(), Value::Null());
  EXPECT_EQ(Value::Int(1), Value::Int(1));
  EXPECT_EQ(Value::String("a"), Value::String("a"));
  EXPECT_EQ(Value::Bytes("a"), Value::Bytes("a"));
  EXPECT_EQ(Value::List({Value::Int(1), Value::Int(2)}),
            Value::List({Value::Int(1), Value::Int(2)}));
  EXPECT_EQ(DateOf(2023, 7, 1), DateOf(2023, 7, 1));
  EXPECT_EQ(Value::FromPeriod(Period::Parse("2023-H1").value()),
            Value::FromPeriod(Period::Parse("2023-H1").value()));
  EXPECT_EQ(Value::Type("int"), Value::Type("int"));
  EXPECT_EQ(Value::Error("x"), Value::Error("x"));
  // Decimals compare by value: 1.5 == 1.50.
  EXPECT_EQ(Dec(15, 1), Dec(150, 2));
  // NaN equals NaN, also inside containers.
  EXPECT_EQ(Value::Double(std::nan("")), Value::Double(std::nan("")));
  EXPECT_EQ(Value::List({Value::Double(std::nan(""))}),
            Value::List({Value::Double(std::nan(""))}));
  // Maps regardless of order.
  EXPECT_EQ(MapOf({{Value::String("a"), Value::Int(1)},
                   {Value::String("b"), Value::Int(2)}}),
            MapOf({{Value::String("b"), Value::Int(2)},
                   {Value::String("a"), Value::Int(1)}}));

  // Not CEL's ==: different kinds are different values.
  EXPECT_NE(Value::Int(1), Value::Uint(1));
  EXPECT_NE(Value::Int(1), Value::Double(1.0));
  EXPECT_NE(Value::Int(0), Value::Bool(false));
  EXPECT_NE(Value::String("a"), Value::Bytes("a"));
  EXPECT_NE(Value(), Value::Int(0));
  EXPECT_NE(Value::List({Value::Int(1)}), Value::List({Value::Uint(1)}));
  EXPECT_NE(Value::List({Value::Int(1)}),
            Value::List({Value::Int(1), Value::Int(1)}));
  EXPECT_NE(MapOf({{Value::String("a"), Value::Int(1)}}),
            MapOf({{Value::String("a"), Value::Double(1.0)}}));
  EXPECT_NE(MapOf({{Value::String("a"), Value::Int(1)}}),
            MapOf({{Value::String("a"), Value::Int(1)},
                   {Value::String("b"), Value::Int(1)}}));
  EXPECT_NE(Value::FromPeriod(Period::Parse("2023").value()),
            Value::FromPeriod(Period::Parse("2023-H1").value()));
  EXPECT_NE(Value::Error("x"), Value::Error("y"));
  EXPECT_NE(Value::Double(0.0), Value::Double(std::nan("")));
}

// Map keys of different kinds are different contents, even when CEL's key
// equality would let one find the other.
TEST(ValueTest, StructuralEqualityOfMapsComparesKeyKinds) {
  EXPECT_NE(MapOf({{Value::Int(1), Value::String("a")}}),
            MapOf({{Value::Uint(1), Value::String("a")}}));
}

TEST(ValueTest, CopiesShareButDoNotAlias) {
  Value a = Value::String("abc");
  Value b = a;
  a = Value::Int(1);
  EXPECT_EQ(b, Value::String("abc"));
  EXPECT_EQ(&b.string_value(), &Value(b).string_value());  // shared
}

// ---------------------------------------------------------------------------
// ValueMap

TEST(ValueMapTest, NumericKeysOfEveryKindAreTheSameKey) {
  ValueMap m;
  EXPECT_TRUE(m.Insert(Value::Int(1), Value::String("one")));
  EXPECT_FALSE(m.Insert(Value::Uint(1), Value::String("uno")));
  EXPECT_FALSE(m.Insert(Value::Double(1.0), Value::String("un")));
  EXPECT_FALSE(m.Insert(Value::Int(1), Value::String("again")));
  EXPECT_EQ(m.size(), 1u);

  for (const Value& key : {Value::Int(1), Value::Uint(1), Value::Double(1.0)}) {
    const Value* v = m.Find(key);
    ASSERT_NE(v, nullptr) << key.DebugString();
    EXPECT_EQ(*v, Value::String("one"));
  }
  EXPECT_EQ(m.Find(Value::Double(1.5)), nullptr);
  EXPECT_EQ(m.Find(Value::Int(2)), nullptr);
  EXPECT_EQ(m.Find(Value::Bool(true)), nullptr);
  EXPECT_EQ(m.Find(Value::String("1")), nullptr);
  EXPECT_EQ(m.Find(Value::Double(std::nan(""))), nullptr);
  EXPECT_EQ(m.Find(std::string_view("1")), nullptr);
}

TEST(ValueMapTest, KeyEqualityAtTheEdgesOfTheIntegerRanges) {
  ValueMap m;
  EXPECT_TRUE(m.Insert(Value::Int(-1), Value::Int(0)));
  EXPECT_TRUE(m.Insert(Value::Uint(18446744073709551615u), Value::Int(1)));
  EXPECT_TRUE(m.Insert(Value::Int(kMax), Value::Int(2)));
  // 2^63 is one more than the largest int.
  EXPECT_TRUE(m.Insert(Value::Uint(9223372036854775808u), Value::Int(3)));
  EXPECT_EQ(m.size(), 4u);
  const Value* v = m.Find(Value::Double(9223372036854775808.0));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, Value::Int(3));
  EXPECT_EQ(m.Find(Value::Double(-1.0))->int_value(), 0);
  EXPECT_EQ(m.Find(Value::Double(INFINITY)), nullptr);
}

TEST(ValueMapTest, StringAndBoolKeys) {
  ValueMap m;
  EXPECT_TRUE(m.Insert(Value::String("a"), Value::Int(1)));
  EXPECT_TRUE(m.Insert(Value::String("驻村"), Value::Int(2)));
  EXPECT_TRUE(m.Insert(Value::Bool(true), Value::Int(3)));
  EXPECT_TRUE(m.Insert(Value::Int(1), Value::Int(4)));  // not the same as true
  EXPECT_FALSE(m.Insert(Value::String("a"), Value::Int(5)));
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(*m.Find(std::string_view("驻村")), Value::Int(2));
  EXPECT_EQ(*m.Find(Value::String("a")), Value::Int(1));
  EXPECT_EQ(*m.Find(Value::Bool(true)), Value::Int(3));
  EXPECT_EQ(m.Find(Value::Bool(false)), nullptr);
  EXPECT_EQ(m.Find(std::string_view("b")), nullptr);
  // Insertion order is kept.
  ASSERT_EQ(m.entries().size(), 4u);
  EXPECT_EQ(m.entries()[0].first, Value::String("a"));
  EXPECT_EQ(m.entries()[3].first, Value::Int(1));
}

// ---------------------------------------------------------------------------
// Type

TEST(TypeTest, ParseAndToStringRoundTrip) {
  const std::string_view names[] = {
      "dyn",       "null_type",        "bool",
      "int",       "uint",             "double",
      "string",    "bytes",            "date",
      "decimal",   "period",           "type",
      "list(int)", "list(list(date))", "map(string, dyn)",
      "map(int, list(decimal))", "list(map(string, map(bool, period)))",
  };
  for (std::string_view name : names) {
    std::optional<Type> t = Type::Parse(name);
    ASSERT_TRUE(t.has_value()) << name;
    EXPECT_EQ(t->ToString(), name);
    EXPECT_EQ(Type::Parse(t->ToString()), t) << name;
  }
}

TEST(TypeTest, ParseNormalizesSpaces) {
  EXPECT_EQ(Type::Parse("map(string,int)")->ToString(), "map(string, int)");
  EXPECT_EQ(Type::Parse(" list( int ) ")->ToString(), "list(int)");
}

TEST(TypeTest, ParseRejects) {
  for (std::string_view bad :
       {"", "Int", "integer", "list", "list()", "list(int", "list(int))",
        "map(string)", "map(string, int, int)", "int int", "list<int>",
        "member", "list(foo)", "map(,int)"}) {
    EXPECT_FALSE(Type::Parse(bad).has_value()) << bad;
  }
  // Deep nesting is bounded, not a stack overflow.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "list(";
  deep += "int";
  for (int i = 0; i < 100000; ++i) deep += ")";
  EXPECT_FALSE(Type::Parse(deep).has_value());
}

TEST(TypeTest, StructureAndEquality) {
  const Type m = Type::Map(Type::String(), Type::List(Type::Int()));
  EXPECT_EQ(m.kind(), TypeKind::kMap);
  EXPECT_EQ(m.key(), Type::String());
  EXPECT_EQ(m.value(), Type::List(Type::Int()));
  EXPECT_EQ(m.value().elem(), Type::Int());
  EXPECT_TRUE(Type().is_dyn());
  EXPECT_EQ(Type(), Type::Dyn());
  EXPECT_NE(Type::Int(), Type::Uint());
  EXPECT_NE(Type::List(Type::Int()), Type::List(Type::Dyn()));
  EXPECT_NE(Type::Map(Type::String(), Type::Int()),
            Type::Map(Type::Int(), Type::Int()));
}

TEST(TypeTest, ObjectTypes) {
  auto member = ObjectType::Make(
      "member", {{"role", Type::String()}, {"end_date", Type::Date()}});
  const Type t = Type::Object(member);
  EXPECT_EQ(t.kind(), TypeKind::kObject);
  EXPECT_EQ(t.ToString(), "member");
  EXPECT_EQ(&t.object(), member.get());
  ASSERT_NE(member->FindField("end_date"), nullptr);
  EXPECT_EQ(*member->FindField("end_date"), Type::Date());
  EXPECT_EQ(member->FindField("end_dat"), nullptr);
  EXPECT_EQ(member->fields().size(), 2u);
  EXPECT_EQ(member->fields()[0].first, "role");
  EXPECT_EQ(t, Type::Object(member));
  EXPECT_NE(t, Type::Object(ObjectType::Make("team", {})));
  EXPECT_EQ(Type::List(t).ToString(), "list(member)");
}

// ---------------------------------------------------------------------------
// Column and ColumnView

TEST(ColumnTest, StringsAreDictionaryEncoded) {
  const Column c = Column::Strings({"b", "a", "b", "驻村", "a", ""});
  EXPECT_EQ(c.type(), ColumnType::kString);
  EXPECT_EQ(c.size(), 6u);
  EXPECT_EQ(c.int32s(), (std::vector<int32_t>{0, 1, 0, 2, 1, 3}));
  const ColumnView v = c.view();
  ASSERT_NE(v.dictionary, nullptr);
  EXPECT_EQ(*v.dictionary, (std::vector<std::string>{"b", "a", "驻村", ""}));
  EXPECT_EQ(v.type, ColumnType::kString);
  EXPECT_EQ(v.size, 6u);
  EXPECT_EQ(v.valid, nullptr);
  EXPECT_EQ(c.Get(0), Value::String("b"));
  EXPECT_EQ(c.Get(3), Value::String("驻村"));
  EXPECT_EQ(c.Get(5), Value::String(""));
  const Column empty = Column::Strings({});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.view().dictionary->empty());
}

TEST(ColumnTest, TypedColumnsGetValues) {
  const Column b = Column::Bools({1, 0});
  EXPECT_EQ(b.type(), ColumnType::kBool);
  EXPECT_EQ(b.Get(0), Value::Bool(true));
  EXPECT_EQ(b.Get(1), Value::Bool(false));

  const Column i = Column::Ints({-1, kMax});
  EXPECT_EQ(i.type(), ColumnType::kInt);
  EXPECT_EQ(i.Get(1), Value::Int(kMax));

  const Column f = Column::Doubles({0.5, -0.0});
  EXPECT_EQ(f.Get(0), Value::Double(0.5));

  const Column d = Column::Decimals({150, -5, 0}, 2);
  EXPECT_EQ(d.type(), ColumnType::kDecimal);
  EXPECT_EQ(d.scale(), 2);
  EXPECT_EQ(d.view().scale, 2);
  EXPECT_EQ(d.Get(0).DebugString(), "decimal(\"1.50\")");
  EXPECT_EQ(d.Get(1).DebugString(), "decimal(\"-0.05\")");
  EXPECT_EQ(d.Get(2).DebugString(), "decimal(\"0.00\")");

  const int32_t day = Date::FromYmd(2023, 7, 1)->day_number();
  const Column dates = Column::Dates({day, 0});
  EXPECT_EQ(dates.type(), ColumnType::kDate);
  EXPECT_EQ(dates.Get(0), DateOf(2023, 7, 1));
  EXPECT_EQ(dates.Get(1), DateOf(1970, 1, 1));

  const Column values = Column::Values({Value::List({}), Value::Uint(3)});
  EXPECT_EQ(values.type(), ColumnType::kValue);
  EXPECT_EQ(values.Get(1), Value::Uint(3));

  const Column none;
  EXPECT_EQ(none.type(), ColumnType::kValue);
  EXPECT_EQ(none.size(), 0u);
}

TEST(ColumnTest, ValidityMask) {
  Column c = Column::Ints({1, 2, 3});
  EXPECT_TRUE(c.valid().empty());
  c.set_valid_row(1, true);  // nothing to record: all rows are valid
  EXPECT_TRUE(c.valid().empty());
  c.set_valid_row(1, false);
  EXPECT_EQ(c.valid(), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(c.Get(0), Value::Int(1));
  EXPECT_TRUE(c.Get(1).is_null());
  EXPECT_FALSE(c.view().IsValid(1));
  EXPECT_TRUE(c.view().IsValid(2));
  c.set_valid_row(1, true);
  EXPECT_EQ(c.Get(1), Value::Int(2));

  Column s = Column::Strings({"x", "y"});
  s.set_valid({0, 1});
  EXPECT_TRUE(s.Get(0).is_null());
  EXPECT_EQ(s.Get(1), Value::String("y"));
}

TEST(ColumnViewTest, SliceAndGet) {
  Column c = Column::Decimals({100, 200, 300, 400, 500}, 2);
  c.set_valid({1, 1, 0, 1, 1});
  const ColumnView all = c.view();
  const ColumnView mid = all.Slice(1, 3);
  EXPECT_EQ(mid.type, ColumnType::kDecimal);
  EXPECT_EQ(mid.size, 3u);
  EXPECT_EQ(mid.scale, 2);
  EXPECT_EQ(mid.Get(0), Dec(200, 2));
  EXPECT_TRUE(mid.Get(1).is_null());
  EXPECT_EQ(mid.Get(2), Dec(400, 2));
  // A slice of a slice.
  const ColumnView last = mid.Slice(2, 1);
  EXPECT_EQ(last.size, 1u);
  EXPECT_EQ(last.Get(0), Dec(400, 2));
  // Empty slice at the end.
  EXPECT_EQ(all.Slice(5, 0).size, 0u);
}

TEST(ColumnViewTest, SliceKeepsTheDictionaryAndHasNoMaskWhenAllValid) {
  const Column c = Column::Strings({"a", "b", "c", "a"});
  const ColumnView v = c.view().Slice(2, 2);
  EXPECT_EQ(v.valid, nullptr);
  EXPECT_EQ(v.dictionary, c.view().dictionary);
  EXPECT_EQ(v.Get(0), Value::String("c"));
  EXPECT_EQ(v.Get(1), Value::String("a"));

  const Column dates = Column::Dates({10, 20, 30});
  const ColumnView dv = dates.view().Slice(1, 2);
  EXPECT_EQ(dv.Get(1), Value::FromDate(Date::FromDayNumber(30)));

  const Column values = Column::Values({Value::Int(1), Value::String("x")});
  EXPECT_EQ(values.view().Slice(1, 1).Get(0), Value::String("x"));

  const Column bools = Column::Bools({0, 1, 1});
  EXPECT_EQ(bools.view().Slice(1, 2).Get(0), Value::Bool(true));

  const Column doubles = Column::Doubles({0.5, 1.5});
  EXPECT_EQ(doubles.view().Slice(1, 1).Get(0), Value::Double(1.5));
}

TEST(ColumnViewTest, ViewsOfCallerArrays) {
  const std::vector<int64_t> data = {7, 8, 9};
  const std::vector<uint8_t> valid = {1, 0, 1};
  ColumnView v;
  v.type = ColumnType::kInt;
  v.size = data.size();
  v.data = data.data();
  v.valid = valid.data();
  EXPECT_EQ(v.Get(0), Value::Int(7));
  EXPECT_TRUE(v.Get(1).is_null());
  EXPECT_EQ(v.Slice(2, 1).Get(0), Value::Int(9));
}

// A copy of a column owns its data: changing the copy leaves the original.
TEST(ColumnTest, CopiesAreIndependent) {
  const Column original = Column::Strings({"a", "b"});
  Column copy = original;
  copy.dictionary().push_back("c");
  copy.int32s()[0] = 2;
  EXPECT_EQ(original.view().dictionary->size(), 2u);
  EXPECT_EQ(original.Get(0), Value::String("a"));
  EXPECT_EQ(copy.Get(0), Value::String("c"));
}

}  // namespace
}  // namespace zhucun
