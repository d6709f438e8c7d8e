#include "../source/translated.h"
#include "zhucun/schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

const std::string kSourceDir = ZHUCUN_SOURCE_DIR;

// Parses `yaml` as "schema.yaml" and renders the diagnostics.
std::string Render(const std::string& yaml, bool* ok = nullptr) {
  SourceManager sources;
  const FileId file = sources.Add("schema.yaml", yaml);
  const Result<Schema> result = ParseSchema(file, sources);
  if (ok != nullptr) *ok = result.ok();
  testing::ExpectTranslated(result.diagnostics());
  return result.diagnostics().Render(sources);
}

// ---------------------------------------------------------------------------
// The Qiannan schema.

class QiannanSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Schema> result =
        LoadSchema(kSourceDir + "/rules/qiannan/schema.yaml", sources_);
    ASSERT_TRUE(result.ok()) << result.diagnostics().Render(sources_);
    EXPECT_TRUE(result.diagnostics().empty())
        << result.diagnostics().Render(sources_);
    schema_ = std::move(result).value();
  }

  const TableSchema& Table(const char* name) {
    const TableSchema* t = schema_.FindTable(name);
    EXPECT_NE(t, nullptr) << name;
    static const TableSchema kNone;
    return t != nullptr ? *t : kNone;
  }
  const ColumnSchema& Column(const char* table, const char* column) {
    const ColumnSchema* c = Table(table).FindColumn(column);
    EXPECT_NE(c, nullptr) << table << "." << column;
    static const ColumnSchema kNone;
    return c != nullptr ? *c : kNone;
  }

  SourceManager sources_;
  Schema schema_;
};

// The eighteen tables of DATA.md, then the optional exception records
// (docs/rules.md, "Exceptions"; issue 13).
TEST_F(QiannanSchemaTest, HasTheEighteenTablesOfDataMdAndExceptions) {
  std::vector<std::string> names;
  for (const TableSchema& t : schema_.tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "counties", "villages", "units", "teams", "members",
                       "leaders", "visits", "handovers", "bundles",
                       "assessments", "unit_ratings", "payments", "work_funds",
                       "insurance", "health_checks", "trainings",
                       "enterprises", "absences", "exceptions"}));
  EXPECT_EQ(schema_.TableIndex("members"), 4);
  EXPECT_EQ(schema_.TableIndex("member"), -1);
  EXPECT_EQ(schema_.FindTable("nope"), nullptr);
}

TEST_F(QiannanSchemaTest, ColumnsInOrder) {
  const auto columns = [&](const char* table) {
    std::vector<std::string> out;
    for (const ColumnSchema& c : Table(table).columns) out.push_back(c.name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(columns("counties"), (V{"county_id", "name"}));
  EXPECT_EQ(columns("villages"),
            (V{"village_id", "county_id", "township", "name", "category"}));
  EXPECT_EQ(columns("members"),
            (V{"member_id", "person_id", "name", "team_id", "unit_id", "role",
               "start_date", "end_date", "end_reason"}));
  EXPECT_EQ(columns("handovers"),
            (V{"handover_id", "outgoing_member_id", "incoming_member_id",
               "start_date", "end_date", "signed_outgoing", "signed_incoming",
               "approved_village_leader", "approved_township_committee"}));
  EXPECT_EQ(columns("bundles"), (V{"bundle_id", "unit_id", "team_id", "kind",
                                   "reference", "amount"}));
  EXPECT_EQ(columns("assessments"),
            (V{"member_id", "year", "daily_score", "half_year_score",
               "year_end_score"}));
  EXPECT_EQ(columns("payments"), (V{"member_id", "month", "living_allowance",
                                    "transport_reimbursements"}));
  EXPECT_EQ(columns("insurance"),
            (V{"member_id", "coverage", "start_date", "end_date"}));
  EXPECT_EQ(columns("enterprises"), (V{"member_id", "date", "kind"}));
  EXPECT_EQ(Table("members").ColumnIndex("end_reason"), 8);
  EXPECT_EQ(Table("members").ColumnIndex("end_reasons"), -1);
  EXPECT_EQ(Table("members").FindColumn("x"), nullptr);
}

TEST_F(QiannanSchemaTest, KeysAndUniqueSets) {
  for (const char* t : {"counties", "villages", "units", "teams", "members",
                        "leaders", "visits", "handovers", "bundles"}) {
    const TableSchema& table = Table(t);
    // The key is the first column, an id.
    ASSERT_FALSE(table.columns.empty()) << t;
    EXPECT_EQ(table.key, table.columns[0].name) << t;
    EXPECT_EQ(table.columns[0].type, CellType::kId) << t;
    EXPECT_FALSE(table.columns[0].nullable) << t;
    EXPECT_TRUE(table.unique.empty()) << t;
  }
  EXPECT_EQ(Table("members").key, "member_id");
  for (const char* t : {"assessments", "unit_ratings", "payments", "work_funds",
                        "insurance", "health_checks", "trainings",
                        "enterprises"}) {
    EXPECT_EQ(Table(t).key, "") << t;
  }
  using Sets = std::vector<std::vector<std::string>>;
  EXPECT_EQ(Table("assessments").unique, (Sets{{"member_id", "year"}}));
  EXPECT_EQ(Table("unit_ratings").unique, (Sets{{"unit_id", "year"}}));
  EXPECT_EQ(Table("payments").unique, (Sets{{"member_id", "month"}}));
  EXPECT_TRUE(Table("work_funds").unique.empty());
}

TEST_F(QiannanSchemaTest, TypesCodesAndNulls) {
  EXPECT_EQ(Column("villages", "category").type, CellType::kCode);
  EXPECT_EQ(Column("villages", "category").codes,
            (std::vector<std::string>{"weak", "disorderly", "poor", "industry",
                                      "specialized", "ordinary"}));
  EXPECT_EQ(Column("units", "sector").codes,
            (std::vector<std::string>{"party_mass", "political_legal",
                                      "economic", "agriculture",
                                      "science_tech", "other"}));
  EXPECT_EQ(Column("members", "role").codes,
            (std::vector<std::string>{"first_secretary", "resident_cadre",
                                      "selected_graduate", "tech_commissioner",
                                      "grid_worker", "other"}));
  const ColumnSchema& end_reason = Column("members", "end_reason");
  EXPECT_EQ(end_reason.codes,
            (std::vector<std::string>{"term_complete", "job_transfer", "health",
                                      "recall", "other"}));
  EXPECT_TRUE(end_reason.nullable);
  EXPECT_EQ(end_reason.null_iff, "end_date");
  EXPECT_TRUE(Column("members", "end_date").nullable);
  EXPECT_EQ(Column("members", "end_date").null_iff, "");
  EXPECT_FALSE(Column("members", "start_date").nullable);
  EXPECT_EQ(Column("members", "start_date").type, CellType::kDate);
  EXPECT_TRUE(Column("teams", "end_date").nullable);
  EXPECT_TRUE(Column("leaders", "end_date").nullable);
  EXPECT_FALSE(Column("insurance", "end_date").nullable);
  EXPECT_TRUE(Column("bundles", "reference").nullable);
  EXPECT_EQ(Column("bundles", "reference").type, CellType::kText);
  EXPECT_TRUE(Column("bundles", "amount").nullable);
  EXPECT_EQ(Column("bundles", "amount").type, CellType::kDecimal);
  EXPECT_EQ(Column("bundles", "amount").scale, 2);
  EXPECT_EQ(Column("assessments", "year").type, CellType::kInt);
  EXPECT_EQ(Column("assessments", "daily_score").scale, 2);
  EXPECT_EQ(Column("payments", "month").type, CellType::kMonth);
  EXPECT_EQ(Column("payments", "transport_reimbursements").type,
            CellType::kInt);
  EXPECT_EQ(Column("handovers", "approved_township_committee").type,
            CellType::kBool);
  EXPECT_EQ(Column("unit_ratings", "grade").codes,
            (std::vector<std::string>{"excellent", "good", "fair", "poor"}));
  EXPECT_EQ(Column("enterprises", "kind").codes,
            (std::vector<std::string>{"economic_organisation",
                                      "market_entity"}));
  EXPECT_EQ(Column("absences", "kind").codes,
            (std::vector<std::string>{"official_out", "leave", "absent"}));
  EXPECT_EQ(Column("absences", "approved_by").codes,
            (std::vector<std::string>{"township", "county"}));
  EXPECT_TRUE(Column("absences", "approved_on").nullable);
  EXPECT_FALSE(Column("absences", "end_date").nullable);
  // Only end_date columns, bundles' optional fields and a leave's approval
  // may be null (8), and an exception's period, approval and end (4).
  int nullable = 0;
  for (const TableSchema& t : schema_.tables) {
    for (const ColumnSchema& c : t.columns) nullable += c.nullable ? 1 : 0;
  }
  EXPECT_EQ(nullable, 12);
}

TEST_F(QiannanSchemaTest, References) {
  EXPECT_EQ(Column("villages", "county_id").references, "counties");
  EXPECT_EQ(Column("teams", "village_id").references, "villages");
  EXPECT_EQ(Column("teams", "unit_id").references, "units");
  EXPECT_EQ(Column("members", "team_id").references, "teams");
  EXPECT_EQ(Column("absences", "member_id").references, "members");
  EXPECT_EQ(Column("members", "unit_id").references, "units");
  EXPECT_EQ(Column("members", "person_id").references, "");
  EXPECT_EQ(Column("leaders", "unit_id").references, "units");
  EXPECT_EQ(Column("visits", "leader_id").references, "leaders");
  EXPECT_EQ(Column("visits", "village_id").references, "villages");
  EXPECT_EQ(Column("handovers", "outgoing_member_id").references, "members");
  EXPECT_EQ(Column("handovers", "incoming_member_id").references, "members");
  EXPECT_EQ(Column("bundles", "unit_id").references, "units");
  EXPECT_EQ(Column("bundles", "team_id").references, "teams");
  EXPECT_EQ(Column("unit_ratings", "unit_id").references, "units");
  for (const char* t : {"assessments", "payments", "work_funds", "insurance",
                        "health_checks", "trainings", "enterprises"}) {
    EXPECT_EQ(Column(t, "member_id").references, "members") << t;
  }
  // Every reference names a table with a key.
  for (const TableSchema& t : schema_.tables) {
    for (const ColumnSchema& c : t.columns) {
      if (c.references.empty()) continue;
      const TableSchema* target = schema_.FindTable(c.references);
      ASSERT_NE(target, nullptr) << c.references;
      EXPECT_FALSE(target->key.empty()) << c.references;
      EXPECT_EQ(c.type, CellType::kId) << t.name << "." << c.name;
    }
  }
}

TEST_F(QiannanSchemaTest, SpansPointAtNames) {
  const TableSchema& members = Table("members");
  const std::string_view text = sources_.text(members.span.file);
  EXPECT_EQ(text.substr(members.span.begin,
                        members.span.end - members.span.begin),
            "members");
  const ColumnSchema& role = Column("members", "role");
  EXPECT_EQ(role.span.file, members.span.file);
  EXPECT_EQ(text.substr(role.span.begin, role.span.end - role.span.begin),
            "role");
  EXPECT_GT(role.span.begin, members.span.begin);
}

TEST(SchemaTest, CellTypeNames) {
  EXPECT_STREQ(CellTypeName(CellType::kId), "id");
  EXPECT_STREQ(CellTypeName(CellType::kText), "text");
  EXPECT_STREQ(CellTypeName(CellType::kCode), "code");
  EXPECT_STREQ(CellTypeName(CellType::kDate), "date");
  EXPECT_STREQ(CellTypeName(CellType::kMonth), "month");
  EXPECT_STREQ(CellTypeName(CellType::kInt), "int");
  EXPECT_STREQ(CellTypeName(CellType::kDecimal), "decimal");
  EXPECT_STREQ(CellTypeName(CellType::kBool), "bool");
}

TEST(SchemaTest, EveryFormOfAGoodSchema) {
  SourceManager sources;
  const FileId file = sources.Add("good.yaml", R"(# 一个小表
tables:
  - name: people
    key: id
    unique: [[name, born]]
    columns:
      - {name: id, type: id}
      - {name: name, type: text}
      - {name: born, type: date, nullable: false}
      - name: died
        type: date
        nullable: true
      - name: cause
        type: code
        codes: ["a b", 'c', 是]
        nullable: true
        null_iff: died
      - {name: height, type: decimal, scale: 0}
      - {name: weight, type: decimal}
      - {name: ok, type: bool}
      - {name: month, type: month}
      - {name: n, type: int}
      - {name: parent, type: id, references: people, nullable: true}
  - name: later
    columns: [{name: person, type: id, references: people}]
)");
  const Result<Schema> result = ParseSchema(file, sources);
  ASSERT_TRUE(result.ok()) << result.diagnostics().Render(sources);
  EXPECT_TRUE(result.diagnostics().empty());
  const TableSchema& people = result.value().tables.at(0);
  EXPECT_EQ(people.key, "id");
  EXPECT_EQ(people.columns.size(), 11u);
  EXPECT_EQ(people.FindColumn("cause")->codes,
            (std::vector<std::string>{"a b", "c", "是"}));
  EXPECT_EQ(people.FindColumn("height")->scale, 0);
  EXPECT_EQ(people.FindColumn("weight")->scale, 2);  // the default
  EXPECT_FALSE(people.FindColumn("born")->nullable);
  EXPECT_EQ(people.FindColumn("parent")->references, "people");
  EXPECT_EQ(result.value().tables.at(1).columns.at(0).references, "people");
}

TEST(SchemaTest, EmptyTableListIsAnEmptySchema) {
  bool ok = false;
  EXPECT_EQ(Render("tables: []\n", &ok), "");
  EXPECT_TRUE(ok);
}

// ---------------------------------------------------------------------------
// Bad schemas: the exact rendered diagnostics.

struct BadCase {
  const char* name;
  std::string yaml;
  std::string expected;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

const BadCase kBadCases[] = {
    // clang-format off
    {"YamlSyntaxUnclosedFlow",
     "tables:\n  - name: t\n    columns: [{name: a, type: id}\n",
     "schema.yaml:4:1: error[schema.yaml_syntax]: invalid yaml: end of sequence flow not found\n"
     " |\n"
     " | ^\n"},
    {"YamlSyntaxBadIndent",
     "tables:\n  - name: t\n   columns: []\n",
     "schema.yaml:3:4: error[schema.yaml_syntax]: invalid yaml: end of sequence not found\n"
     " |    columns: []\n"
     " |    ^\n"},
    {"YamlSyntaxBadEscape",
     "tables:\n  - name: \"t\\q\"\n    columns: []\n",
     "schema.yaml:2:15: error[schema.yaml_syntax]: invalid yaml: unknown escape character: `q`\n"
     " |   - name: \"t\\q\"\n"
     " |               ^\n"},
    {"SecondDocument",
     "tables: []\n---\ntables: []\n",
     "schema.yaml:2:1: error[schema.yaml_syntax]: invalid yaml: a schema file holds one document, found a second one\n"
     " | ---\n"
     " | ^\n"
     " = help: remove the `---` line and what follows\n"},
    {"UnknownKeyDidYouMean",
     "tables:\n  - name: t\n    key: a\n    columns:\n"
     "      - {name: a, type: id}\n"
     "      - {name: b, type: id, refrences: t}\n",
     "schema.yaml:6:29: error[schema.unknown_key]: unknown key `refrences` in a column\n"
     " |       - {name: b, type: id, refrences: t}\n"
     " |                             ^~~~~~~~~\n"
     " = help: did you mean `references`?\n"},
    {"UnknownKeyListsTheKeys",
     "tables:\n  - name: t\n    comment: x\n    columns: [{name: a, type: id}]\n"
     "version: 2\n",
     "schema.yaml:3:5: error[schema.unknown_key]: unknown key `comment` in a table\n"
     " |     comment: x\n"
     " |     ^~~~~~~\n"
     " = help: a table has the keys `name`, `key`, `unique` and `columns`\n"
     "schema.yaml:5:1: error[schema.unknown_key]: unknown key `version` in the schema\n"
     " | version: 2\n"
     " | ^~~~~~~\n"
     " = help: the schema has the key `tables`\n"},
    {"UnknownTypeDidYouMean",
     "tables:\n  - name: t\n    columns: [{name: a, type: decmal}]\n",
     "schema.yaml:3:31: error[schema.unknown_type]: unknown cell type `decmal`\n"
     " |     columns: [{name: a, type: decmal}]\n"
     " |                               ^~~~~~\n"
     " = help: did you mean `decimal`?\n"},
    {"UnknownTypeListsTheTypes",
     "tables:\n  - name: t\n    columns: [{name: a, type: string}]\n",
     "schema.yaml:3:31: error[schema.unknown_type]: unknown cell type `string`\n"
     " |     columns: [{name: a, type: string}]\n"
     " |                               ^~~~~~\n"
     " = help: the cell types are `id`, `text`, `code`, `date`, `month`, `int`, `decimal` and `bool`\n"},
    {"DuplicateTable",
     "tables:\n  - name: t\n    columns: [{name: a, type: id}]\n"
     "  - name: t\n    columns: [{name: b, type: id}]\n",
     "schema.yaml:4:11: error[schema.duplicate_table]: duplicate table `t`\n"
     " |   - name: t\n"
     " |           ^\n"
     " = help: the table is first declared on line 2\n"},
    {"DuplicateColumn",
     "tables:\n  - name: t\n    columns:\n      - {name: a, type: id}\n"
     "      - {name: a, type: text}\n",
     "schema.yaml:5:16: error[schema.duplicate_column]: duplicate column `a` in table `t`\n"
     " |       - {name: a, type: text}\n"
     " |                ^\n"
     " = help: the column is first declared on line 4\n"},
    {"DuplicateKey",
     "tables:\n  - name: t\n    columns: [{name: a, type: id, type: text}]\n",
     "schema.yaml:3:35: error[schema.duplicate_key]: duplicate key `type`\n"
     " |     columns: [{name: a, type: id, type: text}]\n"
     " |                                   ^~~~\n"
     " = help: the key is first given on line 3\n"},
    {"BadKeyNotAColumn",
     "tables:\n  - name: t\n    key: member\n    columns: [{name: member_id, type: id}]\n",
     "schema.yaml:3:10: error[schema.bad_key]: key `member` is not a column of table `t`\n"
     " |     key: member\n"
     " |          ^~~~~~\n"},
    {"BadKeyNotAnId",
     "tables:\n  - name: t\n    key: a\n    columns: [{name: a, type: text}]\n",
     "schema.yaml:3:10: error[schema.bad_key]: key column `a` has type `text`, not `id`\n"
     " |     key: a\n"
     " |          ^\n"
     " = help: a key column has type `id`\n"},
    {"BadKeyNullable",
     "tables:\n  - name: t\n    key: a\n    columns: [{name: a, type: id, nullable: true}]\n",
     "schema.yaml:3:10: error[schema.bad_key]: key column `a` is nullable\n"
     " |     key: a\n"
     " |          ^\n"
     " = help: every row has a key: remove `nullable: true`\n"},
    {"BadUniqueSets",
     "tables:\n  - name: t\n    unique: [[a, yeer], [], [a, a]]\n"
     "    columns: [{name: a, type: id}, {name: year, type: int}]\n",
     "schema.yaml:3:18: error[schema.bad_key]: unique column `yeer` is not a column of table `t`\n"
     " |     unique: [[a, yeer], [], [a, a]]\n"
     " |                  ^~~~\n"
     " = help: did you mean `year`?\n"
     "schema.yaml:3:25: error[schema.bad_key]: empty unique column set\n"
     " |     unique: [[a, yeer], [], [a, a]]\n"
     " |                         ^\n"
     " = help: list the columns whose values together are unique, as in `[member_id, year]`\n"
     "schema.yaml:3:33: error[schema.bad_key]: column `a` is listed twice in a unique set\n"
     " |     unique: [[a, yeer], [], [a, a]]\n"
     " |                                 ^\n"},
    {"BadReferenceUnknownTable",
     "tables:\n  - name: teams\n    key: team_id\n    columns: [{name: team_id, type: id}]\n"
     "  - name: members\n    columns: [{name: team_id, type: id, references: tems}]\n",
     "schema.yaml:6:53: error[schema.bad_reference]: column `team_id` references unknown table `tems`\n"
     " |     columns: [{name: team_id, type: id, references: tems}]\n"
     " |                                                     ^~~~\n"
     " = help: did you mean `teams`?\n"},
    {"BadReferenceTableWithoutKey",
     "tables:\n  - name: a\n    columns: [{name: x, type: id, references: b}]\n"
     "  - name: b\n    columns: [{name: y, type: id}]\n",
     "schema.yaml:3:47: error[schema.bad_reference]: column `x` references table `b`, which has no key\n"
     " |     columns: [{name: x, type: id, references: b}]\n"
     " |                                               ^\n"
     " = help: a referenced table declares its id column with `key:`\n"},
    {"BadReferenceFromANonIdColumn",
     "tables:\n  - name: a\n    key: x\n    columns: [{name: x, type: id}, {name: n, type: int, references: a}]\n",
     "schema.yaml:4:69: error[schema.bad_reference]: column `n` of type `int` references a table\n"
     " |     columns: [{name: x, type: id}, {name: n, type: int, references: a}]\n"
     " |                                                                     ^\n"
     " = help: only `id` columns reference tables\n"},
    {"CodesMissing",
     "tables:\n  - name: t\n    columns: [{name: role, type: code}]\n",
     "schema.yaml:3:22: error[schema.codes]: code column `role` has no `codes`\n"
     " |     columns: [{name: role, type: code}]\n"
     " |                      ^~~~\n"
     " = help: add `codes:` with the list of allowed codes\n"},
    {"CodesOnATextColumn",
     "tables:\n  - name: t\n    columns: [{name: name, type: text, codes: [a, b]}]\n",
     "schema.yaml:3:40: error[schema.codes]: column `name` of type `text` has `codes`\n"
     " |     columns: [{name: name, type: text, codes: [a, b]}]\n"
     " |                                        ^~~~~\n"
     " = help: only `code` columns have codes\n"},
    {"CodesDuplicateAndEmpty",
     "tables:\n  - name: t\n    columns:\n      - name: c\n        type: code\n"
     "        codes: [x, y, x, '']\n      - {name: d, type: code, codes: []}\n",
     "schema.yaml:6:23: error[schema.codes]: duplicate code `x` in column `c`\n"
     " |         codes: [x, y, x, '']\n"
     " |                       ^\n"
     " = help: the code is first listed on line 6\n"
     "schema.yaml:6:26: error[schema.codes]: empty code in column `c`\n"
     " |         codes: [x, y, x, '']\n"
     " |                          ^~\n"
     " = help: an empty cell is null, so a code cannot be empty\n"
     "schema.yaml:7:31: error[schema.codes]: column `d` has an empty list of codes\n"
     " |       - {name: d, type: code, codes: []}\n"
     " |                               ^~~~~\n"},
    {"BadScaleOutOfRange",
     "tables:\n  - name: t\n    columns: [{name: a, type: decimal, scale: 19}]\n",
     "schema.yaml:3:47: error[schema.bad_scale]: expected an integer from 0 to 18 for `scale`, found `19`\n"
     " |     columns: [{name: a, type: decimal, scale: 19}]\n"
     " |                                               ^~\n"
     " = help: the scale is the most digits after the decimal point\n"},
    {"BadScaleNotAnInteger",
     "tables:\n  - name: t\n    columns:\n      - {name: a, type: decimal, scale: 1.5}\n"
     "      - {name: b, type: decimal, scale: \"2\"}\n      - {name: c, type: decimal, scale: -1}\n",
     "schema.yaml:4:41: error[schema.bad_scale]: expected an integer from 0 to 18 for `scale`, found `1.5`\n"
     " |       - {name: a, type: decimal, scale: 1.5}\n"
     " |                                         ^~~\n"
     " = help: the scale is the most digits after the decimal point\n"
     "schema.yaml:5:41: error[schema.bad_scale]: expected an integer from 0 to 18 for `scale`, found `2`\n"
     " |       - {name: b, type: decimal, scale: \"2\"}\n"
     " |                                         ^~~\n"
     " = help: the scale is the most digits after the decimal point\n"
     "schema.yaml:6:41: error[schema.bad_scale]: expected an integer from 0 to 18 for `scale`, found `-1`\n"
     " |       - {name: c, type: decimal, scale: -1}\n"
     " |                                         ^~\n"
     " = help: the scale is the most digits after the decimal point\n"},
    {"BadScaleOnAnIntColumn",
     "tables:\n  - name: t\n    columns: [{name: a, type: int, scale: 2}]\n",
     "schema.yaml:3:36: error[schema.bad_scale]: column `a` of type `int` has a `scale`\n"
     " |     columns: [{name: a, type: int, scale: 2}]\n"
     " |                                    ^~~~~\n"
     " = help: only `decimal` columns have a scale\n"},
    {"BadNullIffUnknownColumn",
     "tables:\n  - name: t\n    columns:\n      - {name: end_date, type: date, nullable: true}\n"
     "      - {name: end_reason, type: text, nullable: true, null_iff: end_dat}\n",
     "schema.yaml:5:66: error[schema.bad_null_iff]: `null_iff` of column `end_reason` names `end_dat`, which is not a column of table `t`\n"
     " |       - {name: end_reason, type: text, nullable: true, null_iff: end_dat}\n"
     " |                                                                  ^~~~~~~\n"
     " = help: did you mean `end_date`?\n"},
    {"BadNullIffItself",
     "tables:\n  - name: t\n    columns:\n      - {name: a, type: date, nullable: true, null_iff: a}\n",
     "schema.yaml:4:57: error[schema.bad_null_iff]: `null_iff` of column `a` names the column itself\n"
     " |       - {name: a, type: date, nullable: true, null_iff: a}\n"
     " |                                                         ^\n"
     " = help: `null_iff` names another column of the same table\n"},
    {"BadNullIffNotNullable",
     "tables:\n  - name: t\n    columns:\n      - {name: a, type: date, nullable: true}\n"
     "      - {name: b, type: text, null_iff: a}\n      - {name: c, type: date}\n"
     "      - {name: d, type: text, nullable: true, null_iff: c}\n",
     "schema.yaml:5:41: error[schema.bad_null_iff]: column `b` has `null_iff` but is not nullable\n"
     " |       - {name: b, type: text, null_iff: a}\n"
     " |                                         ^\n"
     " = help: add `nullable: true`\n"
     "schema.yaml:7:57: error[schema.bad_null_iff]: `null_iff` of column `d` names column `c`, which is not nullable\n"
     " |       - {name: d, type: text, nullable: true, null_iff: c}\n"
     " |                                                         ^\n"
     " = help: `null_iff` names a nullable column of the same table\n"},
    {"ExpectedMapAtTheTop",
     "- tables\n",
     "schema.yaml:1:1: error[schema.expected_map]: expected a map for the schema, found a list\n"
     " | - tables\n"
     " | ^\n"},
    {"ExpectedMapForATableAndAColumn",
     "tables:\n  - members\n  - name: t\n    columns: [a]\n",
     "schema.yaml:2:5: error[schema.expected_map]: expected a map for a table, found `members`\n"
     " |   - members\n"
     " |     ^~~~~~~\n"
     "schema.yaml:4:15: error[schema.expected_map]: expected a map for a column, found `a`\n"
     " |     columns: [a]\n"
     " |               ^\n"},
    {"ExpectedList",
     "tables:\n  - name: t\n    unique: [a, b]\n    columns: {name: a, type: id}\n",
     "schema.yaml:3:14: error[schema.expected_list]: expected a list for a unique column set, found `a`\n"
     " |     unique: [a, b]\n"
     " |              ^\n"
     "schema.yaml:3:17: error[schema.expected_list]: expected a list for a unique column set, found `b`\n"
     " |     unique: [a, b]\n"
     " |                 ^\n"
     "schema.yaml:4:14: error[schema.expected_list]: expected a list for `columns`, found a map\n"
     " |     columns: {name: a, type: id}\n"
     " |              ^\n"},
    {"ExpectedListAtTheTop",
     "tables: {name: t}\n",
     "schema.yaml:1:9: error[schema.expected_list]: expected a list for `tables`, found a map\n"
     " | tables: {name: t}\n"
     " |         ^\n"},
    {"ExpectedScalar",
     "tables:\n  - name: [t]\n    columns:\n      - {name: a, type: [id], references: {t: 1}}\n"
     "      - {name: b, type: text, nullable:}\n",
     "schema.yaml:2:11: error[schema.expected_scalar]: expected a scalar for `name`, found a list\n"
     " |   - name: [t]\n"
     " |           ^\n"
     "schema.yaml:4:25: error[schema.expected_scalar]: expected a scalar for `type`, found a list\n"
     " |       - {name: a, type: [id], references: {t: 1}}\n"
     " |                         ^\n"
     "schema.yaml:4:43: error[schema.expected_scalar]: expected a scalar for `references`, found a map\n"
     " |       - {name: a, type: [id], references: {t: 1}}\n"
     " |                                           ^\n"
     "schema.yaml:5:31: error[schema.expected_scalar]: expected a scalar for `nullable`, found nothing\n"
     " |       - {name: b, type: text, nullable:}\n"
     " |                               ^~~~~~~~\n"},
    {"ExpectedBool",
     "tables:\n  - name: t\n    columns:\n      - {name: a, type: text, nullable: yes}\n"
     "      - {name: b, type: text, nullable: \"true\"}\n",
     "schema.yaml:4:41: error[schema.expected_bool]: expected `true` or `false` for `nullable`, found `yes`\n"
     " |       - {name: a, type: text, nullable: yes}\n"
     " |                                         ^~~\n"
     "schema.yaml:5:41: error[schema.expected_bool]: expected `true` or `false` for `nullable`, found `true`\n"
     " |       - {name: b, type: text, nullable: \"true\"}\n"
     " |                                         ^~~~~~\n"},
    {"MissingTables",
     "",
     "schema.yaml:1:1: error[schema.missing]: the schema has no `tables`\n"
     " |\n"
     " | ^\n"
     " = help: a schema file starts with `tables:`, a list of tables\n"},
    {"MissingTablesAfterAComment",
     "# 表\ntables_: []\n",
     "schema.yaml:2:1: error[schema.unknown_key]: unknown key `tables_` in the schema\n"
     " | tables_: []\n"
     " | ^~~~~~~\n"
     " = help: did you mean `tables`?\n"
     "schema.yaml:2:1: error[schema.missing]: the schema has no `tables`\n"
     " | tables_: []\n"
     " | ^\n"
     " = help: a schema file starts with `tables:`, a list of tables\n"},
    {"MissingNamesAndColumns",
     "tables:\n  - key: a\n    columns: [{name: a, type: id}]\n  - name: t\n"
     "  - name: u\n    columns: []\n  - name: v\n    columns: [{type: id}, {name: b}]\n",
     "schema.yaml:2:5: error[schema.missing]: table has no `name`\n"
     " |   - key: a\n"
     " |     ^\n"
     "schema.yaml:4:11: error[schema.missing]: table `t` has no `columns`\n"
     " |   - name: t\n"
     " |           ^\n"
     "schema.yaml:6:5: error[schema.missing]: table `u` has no columns\n"
     " |     columns: []\n"
     " |     ^~~~~~~\n"
     "schema.yaml:8:15: error[schema.missing]: column has no `name`\n"
     " |     columns: [{type: id}, {name: b}]\n"
     " |               ^\n"
     "schema.yaml:8:34: error[schema.missing]: column `b` has no `type`\n"
     " |     columns: [{type: id}, {name: b}]\n"
     " |                                  ^\n"
     " = help: add `type:` with one of `id`, `text`, `code`, `date`, `month`, `int`, `decimal` or `bool`\n"},
    {"BadNames",
     "tables:\n  - name: 成员\n    columns: [{name: 1st, type: id}, {name: a-b, type: id}]\n",
     "schema.yaml:2:11: error[schema.bad_name]: table name `成员` is not an identifier\n"
     " |   - name: 成员\n"
     " |           ^~~~\n"
     " = help: names are made of ASCII letters, digits and `_`, and do not start with a digit\n"
     "schema.yaml:3:22: error[schema.bad_name]: column name `1st` is not an identifier\n"
     " |     columns: [{name: 1st, type: id}, {name: a-b, type: id}]\n"
     " |                      ^~~\n"
     " = help: names are made of ASCII letters, digits and `_`, and do not start with a digit\n"
     "schema.yaml:3:45: error[schema.bad_name]: column name `a-b` is not an identifier\n"
     " |     columns: [{name: 1st, type: id}, {name: a-b, type: id}]\n"
     " |                                             ^~~\n"
     " = help: names are made of ASCII letters, digits and `_`, and do not start with a digit\n"},
    {"ErrorAfterChineseTextInAComment",
     "# 黔南州驻村帮扶：队员表\ntables:\n  - name: members  # 队员（一人一次派驻一行）\n"
     "    columns:\n      - {name: member_id, type: id}  # 编号\n"
     "      - {name: end_date, type: date, nullable: true}   # 离岗日期\n"
     "      - {name: end_reason, type: decmal}  # 离岗原因\n",
     "schema.yaml:7:34: error[schema.unknown_type]: unknown cell type `decmal`\n"
     " |       - {name: end_reason, type: decmal}  # 离岗原因\n"
     " |                                  ^~~~~~\n"
     " = help: did you mean `decimal`?\n"},
    {"ErrorAfterChineseTextOnTheSameLine",
     "tables:\n  - name: members\n    columns:\n"
     "      - {name: role, type: code, codes: [第一书记, 驻村干部, 第一书记]}\n",
     "schema.yaml:4:54: error[schema.codes]: duplicate code `第一书记` in column `role`\n"
     " |       - {name: role, type: code, codes: [第一书记, 驻村干部, 第一书记]}\n"
     " |                                                              ^~~~~~~~\n"
     " = help: the code is first listed on line 4\n"},
    {"Alias",
     "tables:\n  - name: t\n    columns:\n      - &col {name: a, type: id}\n"
     "      - *col\n      - {name: b, type: code, codes: &codes [x, y]}\n"
     "      - {name: c, type: code, codes: *codes}\n",
     "schema.yaml:5:9: error[schema.alias]: aliases are not allowed in a schema file\n"
     " |       - *col\n"
     " |         ^~~~\n"
     " = help: write the value out in full\n"
     "schema.yaml:7:38: error[schema.alias]: aliases are not allowed in a schema file\n"
     " |       - {name: c, type: code, codes: *codes}\n"
     " |                                      ^~~~~~\n"
     " = help: write the value out in full\n"},
    {"MergeKeyIsAnAlias",
     "tables:\n  - name: t\n    columns:\n      - &base {name: a, type: id}\n"
     "      - {<<: *base, name: b}\n",
     "schema.yaml:5:10: error[schema.unknown_key]: unknown key `<<` in a column\n"
     " |       - {<<: *base, name: b}\n"
     " |          ^~\n"
     " = help: a column has the keys `name`, `type`, `nullable`, `codes`, `scale`, `references` and `null_iff`\n"
     "schema.yaml:5:14: error[schema.alias]: aliases are not allowed in a schema file\n"
     " |       - {<<: *base, name: b}\n"
     " |              ^~~~~\n"
     " = help: write the value out in full\n"
     "schema.yaml:5:27: error[schema.missing]: column `b` has no `type`\n"
     " |       - {<<: *base, name: b}\n"
     " |                           ^\n"
     " = help: add `type:` with one of `id`, `text`, `code`, `date`, `month`, `int`, `decimal` or `bool`\n"},
    {"NotUtf8",
     "tables:\n  - name: t  # \xb3\xc9\xd4\xb1\n",
     "schema.yaml:2:16: error[schema.bad_encoding]: the schema file is not valid utf-8: byte 0xb3\n"
     " |   - name: t  # ��Ա\n"
     " |                ^\n"
     " = help: save the file as UTF-8\n"},
    {"NulByte",
     std::string("tables: []\n\0\n", 13),
     "schema.yaml:2:1: error[schema.bad_encoding]: the schema file holds a nul byte\n"
     " | ␀\n"
     " | ^\n"},
    {"ByteOrderMarkAndCrlf",
     "\xEF\xBB\xBFtables:\r\n  - name: t\r\n    colums: []\r\n",
     "schema.yaml:2:11: error[schema.missing]: table `t` has no `columns`\n"
     " |   - name: t\n"
     " |           ^\n"
     "schema.yaml:3:5: error[schema.unknown_key]: unknown key `colums` in a table\n"
     " |     colums: []\n"
     " |     ^~~~~~\n"
     " = help: did you mean `columns`?\n"},
    {"SeveralErrorsAllReported",
     "# 队员表 (members)\ntables:\n  - name: members\n    key: member_id\n"
     "    columns:\n      - {name: member_id, type: id}\n"
     "      - {name: team_id, type: id, refrences: teams}\n"
     "      - {name: score, type: decmal, scale: 2}\n"
     "      - {name: role, type: code}\n"
     "      - {name: member_id, type: text}\n"
     "  - name: payments\n    unique: [[member_id, mont]]\n"
     "    columns:\n      - {name: member_id, type: id, references: member}\n"
     "      - {name: month, type: month, nullable: maybe}\n",
     "schema.yaml:7:35: error[schema.unknown_key]: unknown key `refrences` in a column\n"
     " |       - {name: team_id, type: id, refrences: teams}\n"
     " |                                   ^~~~~~~~~\n"
     " = help: did you mean `references`?\n"
     "schema.yaml:8:29: error[schema.unknown_type]: unknown cell type `decmal`\n"
     " |       - {name: score, type: decmal, scale: 2}\n"
     " |                             ^~~~~~\n"
     " = help: did you mean `decimal`?\n"
     "schema.yaml:9:16: error[schema.codes]: code column `role` has no `codes`\n"
     " |       - {name: role, type: code}\n"
     " |                ^~~~\n"
     " = help: add `codes:` with the list of allowed codes\n"
     "schema.yaml:10:16: error[schema.duplicate_column]: duplicate column `member_id` in table `members`\n"
     " |       - {name: member_id, type: text}\n"
     " |                ^~~~~~~~~\n"
     " = help: the column is first declared on line 6\n"
     "schema.yaml:12:26: error[schema.bad_key]: unique column `mont` is not a column of table `payments`\n"
     " |     unique: [[member_id, mont]]\n"
     " |                          ^~~~\n"
     " = help: did you mean `month`?\n"
     "schema.yaml:14:49: error[schema.bad_reference]: column `member_id` references unknown table `member`\n"
     " |       - {name: member_id, type: id, references: member}\n"
     " |                                                 ^~~~~~\n"
     " = help: did you mean `members`?\n"
     "schema.yaml:15:46: error[schema.expected_bool]: expected `true` or `false` for `nullable`, found `maybe`\n"
     " |       - {name: month, type: month, nullable: maybe}\n"
     " |                                              ^~~~~\n"},
    // clang-format on
};

class BadSchemaTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadSchemaTest, RendersExactDiagnostics) {
  const BadCase& c = GetParam();
  bool ok = true;
  EXPECT_EQ(Render(c.yaml, &ok), c.expected);
  EXPECT_FALSE(ok);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadSchemaTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

// Every diagnostic code is exercised by at least one case above.
TEST(SchemaTest, EveryCodeIsTested) {
  std::set<std::string> codes;
  for (const BadCase& c : kBadCases) {
    SourceManager sources;
    const Result<Schema> r = ParseSchema(sources.Add("s", c.yaml), sources);
    for (const Diagnostic& d : r.diagnostics().items()) codes.insert(d.code);
  }
  for (const char* code :
       {"schema.yaml_syntax", "schema.unknown_key", "schema.unknown_type",
        "schema.duplicate_table", "schema.duplicate_column",
        "schema.duplicate_key", "schema.bad_key", "schema.bad_reference",
        "schema.codes", "schema.bad_scale", "schema.bad_null_iff",
        "schema.expected_map", "schema.expected_list",
        "schema.expected_scalar", "schema.expected_bool", "schema.missing",
        "schema.bad_name", "schema.alias", "schema.bad_encoding"}) {
    EXPECT_EQ(codes.count(code), 1u) << code;
  }
}

// ---------------------------------------------------------------------------
// Hostile input: bounded work, no crash.

// At most 1,000 tables, and 1,000 columns in a table (issue 11, item 6).
TEST(SchemaTest, TooManyTablesOrColumns) {
  std::string tables = "tables:\n";
  for (int i = 0; i < 1001; ++i) {
    tables += "  - {name: t" + std::to_string(i) + ", columns: [{name: id, type: id}]}\n";
  }
  bool ok = true;
  EXPECT_EQ(Render(tables, &ok),
            "schema.yaml:1:1: error[schema.too_large]: the schema has 1001 tables; the most "
            "is 1000\n"
            " | tables:\n"
            " | ^~~~~~\n");
  EXPECT_FALSE(ok);
  tables.resize(tables.rfind("  - {name: t1000"));
  EXPECT_EQ(Render(tables, &ok), "");
  EXPECT_TRUE(ok);

  std::string columns = "tables:\n  - name: t\n    columns:\n";
  for (int i = 0; i < 1001; ++i) {
    columns += "      - {name: c" + std::to_string(i) + ", type: id}\n";
  }
  EXPECT_EQ(Render(columns, &ok),
            "schema.yaml:3:5: error[schema.too_large]: table `t` has 1001 columns; the most "
            "is 1000\n"
            " |     columns:\n"
            " |     ^~~~~~~\n");
  EXPECT_FALSE(ok);
  columns.resize(columns.rfind("      - {name: c1000"));
  EXPECT_EQ(Render(columns, &ok), "");
  EXPECT_TRUE(ok);
}

TEST(SchemaTest, DeepFlowNestingIsRejected) {
  for (const std::string& yaml :
       {std::string(100000, '['), std::string(100000, '[') +
                                      std::string(100000, ']'),
        "tables:\n  - " + std::string(100000, '{'),
        "tables: [" + [] {
          std::string s;
          for (int i = 0; i < 50000; ++i) s += "{a: [";
          return s;
        }()}) {
    SourceManager sources;
    const Result<Schema> r = ParseSchema(sources.Add("deep.yaml", yaml), sources);
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.diagnostics().size(), 1u) << r.diagnostics().Render(sources);
    const Diagnostic& d = r.diagnostics().items()[0];
    EXPECT_EQ(d.code, "schema.too_deep");
    EXPECT_EQ(d.message, "the schema is nested more than 64 levels deep");
    EXPECT_LT(d.span.begin, 1000u);  // stopped early, not at the end
  }
}

TEST(SchemaTest, DeepBlockNestingIsRejected) {
  std::string yaml = "tables:\n";
  for (int i = 0; i < 100000; ++i) yaml += "- ";
  yaml += "x\n";
  SourceManager sources;
  const Result<Schema> r = ParseSchema(sources.Add("deep.yaml", yaml), sources);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  EXPECT_EQ(r.diagnostics().items()[0].code, "schema.too_deep");
  const LineColumn at =
      sources.Locate(r.diagnostics().items()[0].span.file,
                     r.diagnostics().items()[0].span.begin);
  EXPECT_EQ(at.line, 2u);
  EXPECT_EQ(at.column, 127u);  // the 64th `-` (the top map is level 1)
}

TEST(SchemaTest, SixtyFourLevelsAreAllowed) {
  // Nesting inside an unknown key is still parsed (and then reported as
  // unknown), up to the limit.
  const std::string yaml =
      "x: " + std::string(63, '[') + std::string(63, ']') + "\n";
  const std::string shown = yaml.substr(0, 120) + "...";
  EXPECT_EQ(Render(yaml),
            "schema.yaml:1:1: error[schema.unknown_key]: unknown key `x` in "
            "the schema\n | " + shown + "\n | ^\n"
            " = help: the schema has the key `tables`\n"
            "schema.yaml:1:1: error[schema.missing]: the schema has no "
            "`tables`\n | " + shown + "\n | ^\n"
            " = help: a schema file starts with `tables:`, a list of "
            "tables\n");
  const std::string deeper =
      "x: " + std::string(64, '[') + std::string(64, ']') + "\n";
  EXPECT_NE(Render(deeper).find("schema.too_deep"), std::string::npos);
}

TEST(SchemaTest, BillionLaughsIsRejectedWithoutExpanding) {
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'z'; ++c) {
    yaml += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) {
      yaml += std::string(i > 0 ? ", " : "") + "*" + static_cast<char>(c - 1);
    }
    yaml += "]\n";
  }
  SourceManager sources;
  const Result<Schema> r = ParseSchema(sources.Add("lol.yaml", yaml), sources);
  ASSERT_FALSE(r.ok());
  size_t aliases = 0;
  for (const Diagnostic& d : r.diagnostics().items()) {
    aliases += d.code == "schema.alias" ? 1 : 0;
  }
  EXPECT_EQ(aliases, 250u);
}

TEST(SchemaTest, TooLargeIsRejectedBeforeParsing) {
  std::string yaml = "# big\n";
  while (yaml.size() <= (1u << 20)) yaml += "# ....................\n";
  EXPECT_EQ(Render(yaml),
            "schema.yaml:1:1: error[schema.too_large]: the schema file has " +
                std::to_string(yaml.size()) +
                " bytes, more than the limit of 1048576\n | # big\n | ^\n");
}

TEST(SchemaTest, JunkNeverThrows) {
  // Byte soup, truncated documents and odd YAML features: each gives
  // diagnostics, never an exception or a crash.
  const std::vector<std::string> junk = {
      "\xff\xfe\x00t", "{", "}", "[", "]", "---", "...", "%YAML 1.2\n---\n[",
      "? [a]\n: b\n", "!!map {}", "tables: !!str x", "tables:\n  - !t {}",
      "tables: [[[]]]", "tables: [{columns: [[]]}]", "&a x", "*a",
      "tables: [{name: t, columns: [{name: c, type: code, codes: [[a]]}]}]",
      "tables:\n\t- x", "\"\\q\"", "tables: |\n  x\n", std::string(5000, '-'),
      "{{{{{{}}}}}}: x", "tables: [{name: t, columns: [{? a : b}]}]"};
  for (const std::string& yaml : junk) {
    SourceManager sources;
    const Result<Schema> r = ParseSchema(sources.Add("j.yaml", yaml), sources);
    EXPECT_FALSE(r.ok()) << yaml;
    EXPECT_TRUE(r.diagnostics().has_errors()) << yaml;
    EXPECT_FALSE(r.diagnostics().Render(sources).empty());
  }
}

TEST(SchemaTest, UnknownFileIdIsAnError) {
  SourceManager sources;
  const Result<Schema> r = ParseSchema(7, sources);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().Render(sources),
            "error[schema.unreadable]: no such source file\n");
}

// ---------------------------------------------------------------------------
// Files.

TEST(SchemaTest, MissingFile) {
  SourceManager sources;
  const Result<Schema> r =
      LoadSchema(kSourceDir + "/tests/testdata/schema/no_such_file.yaml", sources);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(sources.size(), 0u);
  EXPECT_EQ(r.diagnostics().Render(sources),
            "error[schema.unreadable]: cannot read schema file `" + kSourceDir +
                "/tests/testdata/schema/no_such_file.yaml`: no such file or "
                "directory\n");
}

TEST(SchemaTest, DirectoryIsNotAFile) {
  SourceManager sources;
  const Result<Schema> r =
      LoadSchema(kSourceDir + "/tests/testdata/schema", sources);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().Render(sources),
            "error[schema.unreadable]: cannot read schema file `" + kSourceDir +
                "/tests/testdata/schema`: it is a directory\n");
}

TEST(SchemaTest, FileWithErrorsIsNamedInTheDiagnostics) {
  SourceManager sources;
  const std::string path = kSourceDir + "/tests/testdata/schema/bad.yaml";
  const Result<Schema> r = LoadSchema(path, sources);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources.name(0), path);
  std::string rendered = r.diagnostics().Render(sources);
  // Make the expectation independent of the checkout's location.
  for (size_t at; (at = rendered.find(kSourceDir + "/")) != std::string::npos;) {
    rendered.erase(at, kSourceDir.size() + 1);
  }
  EXPECT_EQ(rendered,
            "tests/testdata/schema/bad.yaml:10:34: error[schema.unknown_type]: unknown cell type `dat`\n"
            " |       - {name: start_date, type: dat}        # 开始日期\n"
            " |                                  ^~~\n"
            " = help: did you mean `date`?\n"
            "tests/testdata/schema/bad.yaml:11:48: error[schema.expected_bool]: expected `true` or `false` for `nullable`, found `ture`\n"
            " |       - {name: end_date, type: date, nullable: ture}\n"
            " |                                                ^~~~\n"
            "tests/testdata/schema/bad.yaml:18:35: error[schema.unknown_key]: unknown key `refrences` in a column\n"
            " |       - {name: team_id, type: id, refrences: teams}\n"
            " |                                   ^~~~~~~~~\n"
            " = help: did you mean `references`?\n"
            "tests/testdata/schema/bad.yaml:21:50: error[schema.codes]: duplicate code `first_secretary` in column `role`\n"
            " |         codes: [first_secretary, resident_cadre, first_secretary]\n"
            " |                                                  ^~~~~~~~~~~~~~~\n"
            " = help: the code is first listed on line 21\n"
            "tests/testdata/schema/bad.yaml:22:83: error[schema.bad_null_iff]: `null_iff` of column `end_reason` names `end_date`, which is not a column of table `members`\n"
            " |       - {name: end_reason, type: code, codes: [recall], nullable: true, null_iff: end_date}\n"
            " |                                                                                   ^~~~~~~~\n");
}

}  // namespace
}  // namespace zhucun
