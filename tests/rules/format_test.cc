// The pack format's tables (src/facts/format.h) and the domain kinds'
// argument tables (src/rules/kinds.cc): what the loaders, the JSON Schemas
// and docs/rules.md's key reference are written from.

#include "facts/format.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rules/kinds_expander.h"
#include "zhucun/pack_format.h"
#include "zhucun/schema.h"

namespace zhucun::internal {
namespace {

void CheckTable(const format::Table& table, std::set<const format::Table*>* seen) {
  if (!seen->insert(&table).second) return;
  SCOPED_TRACE(std::string(table.id));
  EXPECT_FALSE(table.doc.empty());
  std::set<std::string_view> names;
  for (const format::Key& key : table.keys) {
    EXPECT_TRUE(names.insert(key.name).second) << "duplicate key " << key.name;
    EXPECT_FALSE(key.doc.empty()) << key.name;
    EXPECT_FALSE(key.doc_zh.empty()) << key.name;
    const bool nested = key.shape == format::Shape::kObject ||
                        key.shape == format::Shape::kObjects ||
                        key.shape == format::Shape::kNamedObjects ||
                        key.shape == format::Shape::kSubject;
    EXPECT_EQ(nested, key.table != nullptr) << key.name;
    EXPECT_EQ(key.shape == format::Shape::kEnum, !key.values.empty()) << key.name;
    if (key.table != nullptr) CheckTable(*key.table, seen);
  }
  for (std::string_view k : table.at_least_one) {
    EXPECT_TRUE(names.count(k)) << "at_least_one names no key " << k;
  }
  // The loaders' lists are the table's keys, in order.
  const std::vector<std::string>& list = format::Names(table);
  ASSERT_EQ(list.size(), table.keys.size());
  for (size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i], table.keys[i].name);
}

TEST(FormatTest, TablesAreWellFormed) {
  std::set<const format::Table*> seen;
  for (const format::FileKind& kind : format::kFileKinds) CheckTable(*kind.root, &seen);
  EXPECT_GE(seen.size(), 17u);
}

TEST(FormatTest, CellTypesAreTheSchemaLoaders) {
  // In the order of zhucun::CellType.
  for (size_t i = 0; i < std::size(format::kCellTypeNames); ++i) {
    EXPECT_EQ(CellTypeName(static_cast<CellType>(i)), format::kCellTypeNames[i]);
  }
}

TEST(FormatTest, EveryDomainKindIsAKindNameAndDocumented) {
  std::set<std::string_view> names(std::begin(format::kRuleKindNames),
                                   std::end(format::kRuleKindNames));
  EXPECT_TRUE(names.count("check"));
  EXPECT_EQ(kinds::Kinds().size() + 1, names.size());
  for (const kinds::KindDef& k : kinds::Kinds()) {
    SCOPED_TRACE(k.name);
    EXPECT_TRUE(names.count(k.name));
    EXPECT_NE(k.doc, nullptr);
    EXPECT_NE(k.doc_zh, nullptr);
    std::set<std::string> args;
    for (const kinds::ArgDef& a : k.args) {
      EXPECT_TRUE(args.insert(a.name).second) << a.name;
      EXPECT_NE(a.doc, nullptr) << a.name;
      EXPECT_NE(a.doc_zh, nullptr) << a.name;
      // An argument is no general key of a rule (those are read first).
      for (const format::Key& key : format::kRule.keys) EXPECT_NE(key.name, a.name);
    }
    for (const std::string& a : k.at_least_one) EXPECT_TRUE(args.count(a)) << a;
  }
}

TEST(FormatTest, SchemasNameEveryKindAndKey) {
  const std::vector<PackSchemaFile> files = PackSchemas();
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[1].name, "rules.schema.json");
  for (const kinds::KindDef& k : kinds::Kinds()) {
    EXPECT_NE(files[1].json.find("\"const\": \"" + std::string(k.name) + "\""),
              std::string::npos)
        << k.name;
    for (const kinds::ArgDef& a : k.args) {
      EXPECT_NE(files[1].json.find("\"" + std::string(a.name) + "\": {"), std::string::npos);
    }
  }
  EXPECT_NE(PackKeyReference().find("| `exception_findings` |"), std::string::npos);
}

}  // namespace
}  // namespace zhucun::internal
