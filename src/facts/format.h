#ifndef ZHUCUN_SRC_FACTS_FORMAT_H_
#define ZHUCUN_SRC_FACTS_FORMAT_H_

// The pack format, written once: for every kind of map in a pack's files
// (pack.yaml and its parameters, functions and summary; rule files, rules,
// subjects, derived tables; schema.yaml, its tables and columns; pack test
// files, their cases and expectations) one table of its keys: the key, the
// shape of its value, whether it is required, and a one-line description in
// English and in Chinese. The arguments of the domain rule kinds are the
// same kind of table, next to their expansions (KindDef, rules/kinds.cc).
//
// From these tables come
//  - the keys the loaders accept, and so the did-you-mean of a misspelled
//    key (Names(), given to YamlChecker::ReadFields; a loader's index of a
//    key is IndexOf() at compile time),
//  - the JSON Schemas of the pack files that editors use (rules/json_schema.h,
//    `zhucun schema`, schemas/*.schema.json),
//  - the key reference in docs/rules.md (`zhucun schema --docs`).
// The loaders still check what a table cannot say (that a table named in a
// rule exists, an expression's types, a parameter's default against its
// type); their messages are their own.
//
// The facts layer holds it because it is the lowest layer the three loaders
// share (schema.yaml: facts; packs: rules; pack tests: engine).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zhucun::internal::format {

// The shape of a key's value.
enum class Shape : uint8_t {
  kText,         // any scalar, taken as text: a title, a clause, a version
  kName,         // a name: ASCII letters, digits and `_`, not first a digit
  kRuleId,       // a rule id: lowercase words joined by dots, `area.name`
  kExpr,         // a CEL expression
  kTemplate,     // a message: text with `{expression}` holes
  kDate,         // a date, `2024-06-30`
  kBool,         // `true` or `false`
  kScale,        // an integer from 0 to 18
  kPeriodLabel,  // a period: `2023`, `2023-H1`, `2023-Q3`, `2023-07`
  kEnum,         // one of Key::values
  kTypeName,     // a parameter type: `int`, `list(string)`, `map(K, V)`
  kAny,          // any value but nothing (a parameter's value)
  kLanguages,    // a text, or a map of language (kLanguageNames) -> text
  kPaths,        // a path or pattern in the pack, or a list of them
  kTexts,        // a list of texts, at least one
  kNames,        // a name or a list of names
  kNameSets,     // a list of lists of names, each with at least one
  kObject,       // a map with the keys of Key::table
  kObjects,      // a list of maps with the keys of Key::table
  kNamedObjects, // a map from names to maps with the keys of Key::table
  kSubject,      // a table name, `prefecture`, or a map of Key::table
  kExprMap,      // a map from names to CEL expressions, in order
  kFunctions,    // a map from signatures `name(a, b)` to CEL expressions
  kValueMap,     // a map from names to values (parameters in a test)
  kCsvMap,       // a map from table names to CSV text (header and rows)
  kLabels,       // a map of language (kLanguageNames) -> {code: label}
};

// Whether a key must be given.
enum class Need : uint8_t {
  kOptional,
  kRequired,
  // Required in a general rule (`kind: check` or none), optional in a
  // domain kind (where `when:` is a precondition).
  kRequiredInCheck,
  // Required in a rule of a kind that gives findings, not allowed in one
  // that gives none (`weighted_score`).
  kRequiredForFindings,
  // Optional in a rule of a kind that gives findings, not allowed in one
  // that gives none.
  kOnlyForFindings,
};

struct Table;

// One key of a map.
struct Key {
  std::string_view name;
  Shape shape;
  Need need;
  std::string_view doc;     // one line, English
  std::string_view doc_zh;  // one line, Chinese
  const Table* table = nullptr;                   // kObject ... kSubject
  std::span<const std::string_view> values = {};  // kEnum
};

// The keys of one kind of map.
struct Table {
  std::string_view id;    // a name for it: "rule" (the schema's definitions)
  std::string_view what;  // how messages name one: "a rule"
  std::string_view doc;   // one line, English
  std::span<const Key> keys;
  // Keys of which at least one must be given (a rule of the table's
  // meaning: `effective` has `from`, `until` or both) ...
  std::span<const std::string_view> at_least_one = {};
  // ... or exactly one (`default` or `history`).
  bool exactly_one = false;
};

// ---------------------------------------------------------------------------
// Closed sets of values.

inline constexpr std::string_view kSeverityNames[] = {"error", "warning"};
inline constexpr std::string_view kPeriodKindNames[] = {"year", "half", "quarter",
                                                        "month"};
// `check` (a general rule) and the domain kinds (rules/kinds.cc).
inline constexpr std::string_view kRuleKindNames[] = {
    "check",        "visit_quota",     "mapping",        "composition",
    "required_set", "allowed_reasons", "weighted_score", "share_cap",
    "days_present"};
// The languages of a rule's `title` and `message` (the CLI's `--lang`).
inline constexpr std::string_view kLanguageNames[] = {"en", "zh"};
// The cell types of schema.yaml, in the order of zhucun::CellType.
inline constexpr std::string_view kCellTypeNames[] = {
    "id", "text", "code", "date", "month", "int", "decimal", "bool"};
// The scalar types of parameters; `list(T)` and `map(K, V)` are built of them.
inline constexpr std::string_view kParamTypeNames[] = {
    "int", "uint", "double", "decimal", "string", "bool", "date", "period", "list", "map"};

// ---------------------------------------------------------------------------
// pack.yaml

inline constexpr Key kChangeKeys[] = {
    {"from", Shape::kDate, Need::kRequired, "the first day the value is in force",
     "该值生效的第一天"},
    {"value", Shape::kAny, Need::kRequired, "the parameter's value from that day, of its type",
     "自该日起参数的取值，须符合参数类型"},
};
inline constexpr Table kChange{"history_entry", "a value of the history",
                               "one value of a parameter and the day it comes into force",
                               kChangeKeys};

inline constexpr Key kParamKeys[] = {
    {"type", Shape::kTypeName, Need::kRequired,
     "`int`, `uint`, `double`, `decimal`, `string`, `bool`, `date`, `period`, "
     "`list(T)` or `map(K, V)`",
     "参数类型：int、uint、double、decimal、string、bool、date、period、list(T) 或 map(K, V)"},
    {"default", Shape::kAny, Need::kOptional, "the value the pack uses, of the parameter's type",
     "本政策包使用的取值，须符合参数类型"},
    {"doc", Shape::kText, Need::kOptional, "what the figure means, for readers",
     "该数值的含义，供阅读"},
    {"source", Shape::kText, Need::kOptional, "the policy clause the figure comes from",
     "该数值出自的政策条款"},
    {"history", Shape::kObjects, Need::kOptional,
     "instead of `default`: the values by date, earliest first", "代替 default：按日期排列的取值，最早的在前",
     &kChange},
};
inline constexpr std::string_view kParamOneOf[] = {"default", "history"};
inline constexpr Table kParameter{"parameter", "a parameter",
                                  "a policy figure: its type and its value (or values by date)",
                                  kParamKeys, kParamOneOf, /*exactly_one=*/true};

inline constexpr Key kSummaryKeys[] = {
    {"by", Shape::kLanguages, Need::kRequired,
     "what a group is called, e.g. `county`, or one name per language: `{en: county, zh: 县}`",
     "分组的名称，如 county；或按语言分别给出：`{en: county, zh: 县}`"},
    {"key", Shape::kExprMap, Need::kRequired,
     "subject table -> the expression that gives a row's group", "主体表 -> 给出该行所属分组的表达式"},
};
inline constexpr Table kSummary{"summary", "`summary`",
                                "how the findings are counted by group in the summary",
                                kSummaryKeys};

inline constexpr Key kExceptionFindingKeys[] = {
    {"unknown_rule", Shape::kRuleId, Need::kOptional,
     "the rule id of a record whose `rule` is not a rule of the pack",
     "例外记录的 rule 不是本包规则时的规则编号"},
    {"unknown_subject", Shape::kRuleId, Need::kOptional,
     "the rule id of a record whose `subject` is not a subject of its rule",
     "例外记录的 subject 不是该规则主体时的规则编号"},
    {"unknown_period", Shape::kRuleId, Need::kOptional,
     "the rule id of a record whose `period` does not fit its rule",
     "例外记录的 period 与规则不符时的规则编号"},
    {"not_in_force", Shape::kRuleId, Need::kOptional,
     "the rule id of a record not approved or not valid on the finding's date",
     "例外记录未批准或在问题日期不在有效期时的规则编号"},
};
inline constexpr Table kExceptionFindings{
    "exception_findings", "`exception_findings`",
    "the rule ids of the findings about exception records", kExceptionFindingKeys};

inline constexpr Key kManifestKeys[] = {
    {"name", Shape::kText, Need::kRequired, "the pack's name, e.g. `qiannan`",
     "政策包名称，如 qiannan"},
    {"version", Shape::kText, Need::kOptional, "the pack's version, e.g. `0.1.0`",
     "政策包版本，如 0.1.0"},
    {"title", Shape::kText, Need::kOptional, "the policy's title", "政策名称"},
    {"labels", Shape::kLabels, Need::kOptional,
     "per language, how a page shows the data's codes, e.g. `{zh: {excellent: 优秀}}` "
     "(the grades of a report)",
     "按语言给出数据代码的显示名称，如 `{zh: {excellent: 优秀}}`（报告中的等次）"},
    {"parameters", Shape::kNamedObjects, Need::kOptional,
     "every policy figure, by name; rules read them as `params.<name>`",
     "全部政策数值，按名称；规则中写作 params.<名称>", &kParameter},
    {"functions", Shape::kFunctions, Need::kOptional,
     "named CEL expressions, `name(a, b): <CEL>`, usable in every rule",
     "命名的 CEL 表达式，name(a, b): <CEL>，所有规则可用"},
    {"includes", Shape::kPaths, Need::kOptional,
     "the schema and the rule files, in order (paths or patterns in the pack)",
     "按顺序列出数据表定义和规则文件（包内路径或通配）"},
    {"tests", Shape::kPaths, Need::kOptional, "the pack's test files (paths or patterns)",
     "政策包的测试文件（路径或通配）"},
    {"summary", Shape::kObject, Need::kOptional, "how findings are counted by group",
     "问题按分组统计的方式", &kSummary},
    {"exception_findings", Shape::kObject, Need::kOptional,
     "the rule ids of the findings about exception records", "关于例外记录的问题所用的规则编号",
     &kExceptionFindings},
};
inline constexpr Table kManifest{"pack", "`pack.yaml`",
                                 "the manifest of a policy pack: `pack.yaml`", kManifestKeys};

// ---------------------------------------------------------------------------
// Rule files

inline constexpr Key kEffectiveKeys[] = {
    {"from", Shape::kDate, Need::kOptional, "the first day the rule is in force",
     "规则生效的第一天"},
    {"until", Shape::kDate, Need::kOptional, "the last day the rule is in force",
     "规则有效的最后一天"},
};
inline constexpr std::string_view kEffectiveAtLeastOne[] = {"from", "until"};
inline constexpr Table kEffective{"effective", "`effective`",
                                  "the days a rule is in force (both included)", kEffectiveKeys,
                                  kEffectiveAtLeastOne};

inline constexpr Key kSubjectKeys[] = {
    {"table", Shape::kName, Need::kRequired, "the table the rule is about, or `prefecture`",
     "规则针对的表，或 prefecture"},
    {"group_by", Shape::kText, Need::kOptional,
     "one subject per distinct value of this column", "按该列的不同取值，每个取值一个主体"},
    {"label", Shape::kText, Need::kOptional, "the subjects' name in findings, e.g. `persons`",
     "问题中主体的名称，如 persons"},
    {"as", Shape::kName, Need::kOptional, "the name of the row (or of a group's rows)",
     "行（或分组各行）在表达式中的名称"},
};
inline constexpr Table kSubject{"subject", "a subject",
                                "who a finding is about: a table, grouped or not",
                                kSubjectKeys};

inline constexpr Key kRuleKeys[] = {
    {"id", Shape::kRuleId, Need::kRequired,
     "unique in the pack, `area.name`; the `rule` column of a finding",
     "包内唯一，形如 area.name；问题的 rule 列"},
    {"title", Shape::kLanguages, Need::kOptional,
     "for readers: a text, or one per language `{en: ..., zh: ...}`",
     "标题：一段文字，或按语言 {en: ..., zh: ...}"},
    {"severity", Shape::kEnum, Need::kRequiredForFindings, "`error` or `warning`",
     "error（错误）或 warning（警告）", nullptr, kSeverityNames},
    {"source", Shape::kText, Need::kOptional, "the policy clause", "政策条款"},
    {"kind", Shape::kEnum, Need::kOptional,
     "`check` (the default: a general rule) or a domain kind", "check（默认，通用规则）或领域规则类型",
     nullptr, kRuleKindNames},
    {"subject", Shape::kSubject, Need::kRequired,
     "who a finding is about: a table, `prefecture`, or `{table, group_by, label, as}`",
     "问题针对的主体：表名、prefecture 或 {table, group_by, label, as}", &kSubject},
    {"as", Shape::kName, Need::kOptional,
     "the name of the subject's row in expressions (default: the table's singular)",
     "主体行在表达式中的名称（默认为表名单数）"},
    {"period", Shape::kEnum, Need::kOnlyForFindings,
     "`year`, `half`, `quarter` or `month`: judged once per subject per period",
     "year、half、quarter 或 month：每个主体每期判断一次", nullptr, kPeriodKindNames},
    {"periods", Shape::kExpr, Need::kOnlyForFindings,
     "instead of `period`: a CEL list of periods, per subject", "代替 period：每个主体的期间列表（CEL）"},
    {"let", Shape::kExprMap, Need::kOnlyForFindings,
     "named values, in order, each seeing those above it", "命名的中间值，按顺序，可引用前面的值"},
    {"when", Shape::kExpr, Need::kRequiredInCheck,
     "CEL, true or false: a finding when true (in a domain kind: a precondition)",
     "CEL 条件，为真时产生问题（领域规则中为前提条件）"},
    {"message", Shape::kLanguages, Need::kOnlyForFindings,
     "text with `{expr}` holes, or one per language `{en: ..., zh: ...}`",
     "带 {表达式} 的提示文字，或按语言 {en: ..., zh: ...}"},
    {"effective", Shape::kObject, Need::kOptional,
     "the days the rule is in force: `{from: D, until: D}`, either or both",
     "规则的有效期：{from: 日期, until: 日期}，可只写其一", &kEffective},
};
inline constexpr Table kRule{"rule", "a rule", "one rule of the policy", kRuleKeys};

inline constexpr Key kDerivedKeys[] = {
    {"name", Shape::kName, Need::kRequired, "the table's name, and of its output file",
     "派生表名称，也是输出文件名"},
    {"from", Shape::kName, Need::kRequired, "the table whose rows it is computed from",
     "据以计算的表"},
    {"as", Shape::kName, Need::kOptional, "the name of a row in expressions (default: the singular)",
     "行在表达式中的名称（默认为单数）"},
    {"let", Shape::kExprMap, Need::kOptional, "named values, in order", "命名的中间值，按顺序"},
    {"columns", Shape::kExprMap, Need::kRequired, "column name -> its CEL expression, in order",
     "列名 -> 其 CEL 表达式，按顺序"},
    {"sort_by", Shape::kNames, Need::kOptional, "the columns the rows are sorted by",
     "排序所依据的列"},
};
inline constexpr Table kDerived{"derived", "a derived table",
                                "a table with one row per row of another, computed by CEL",
                                kDerivedKeys};

inline constexpr Key kRuleFileKeys[] = {
    {"rules", Shape::kObjects, Need::kOptional, "the rules of the file", "本文件的规则", &kRule},
    {"derived", Shape::kObjects, Need::kOptional, "derived tables", "派生表", &kDerived},
};
inline constexpr Table kRuleFile{"rule_file", "a rule file",
                                 "a rule file of a policy pack: rules and derived tables",
                                 kRuleFileKeys};

// ---------------------------------------------------------------------------
// schema.yaml

inline constexpr Key kColumnKeys[] = {
    {"name", Shape::kName, Need::kRequired, "the column's name, as in the CSV header",
     "列名，与 CSV 表头一致"},
    {"type", Shape::kEnum, Need::kRequired,
     "`id`, `text`, `code`, `date`, `month`, `int`, `decimal` or `bool`",
     "单元格类型：id、text、code、date、month、int、decimal 或 bool", nullptr, kCellTypeNames},
    {"nullable", Shape::kBool, Need::kOptional, "whether a cell may be empty (default `false`)",
     "单元格是否可为空（默认 false）"},
    {"codes", Shape::kTexts, Need::kOptional, "a `code` column's allowed codes",
     "code 列允许的代码"},
    {"scale", Shape::kScale, Need::kOptional,
     "a `decimal` column's most digits after the point (0 to 18)", "decimal 列小数位数上限（0 到 18）"},
    {"references", Shape::kName, Need::kOptional, "the table whose key an `id` column holds",
     "id 列所引用的表"},
    {"null_iff", Shape::kName, Need::kOptional,
     "another nullable column that is empty exactly when this one is",
     "另一个可空列，与本列同时为空"},
};
inline constexpr Table kColumn{"column", "a column", "one column of a fact table", kColumnKeys};

inline constexpr Key kTableKeys[] = {
    {"name", Shape::kName, Need::kRequired, "the table's name; its file is `<name>.csv`",
     "表名；其文件为 <表名>.csv"},
    {"key", Shape::kName, Need::kOptional, "the `id` column that other tables reference",
     "其他表引用的 id 列"},
    {"unique", Shape::kNameSets, Need::kOptional,
     "column sets whose values together are unique, e.g. `[[member_id, year]]`",
     "取值组合唯一的列组，如 [[member_id, year]]"},
    {"columns", Shape::kObjects, Need::kRequired, "the table's columns, at least one",
     "表的各列，至少一列", &kColumn},
};
inline constexpr Table kTable{"table", "a table", "one fact table: one CSV file", kTableKeys};

inline constexpr Key kSchemaKeys[] = {
    {"tables", Shape::kObjects, Need::kRequired, "the fact tables", "事实数据表", &kTable},
};
inline constexpr Table kSchema{"schema", "the schema",
                               "the fact tables of a policy pack: `schema.yaml`", kSchemaKeys};

// ---------------------------------------------------------------------------
// Pack test files (docs/pack-tests.md)

inline constexpr Key kExpectKeys[] = {
    {"rule", Shape::kRuleId, Need::kRequired, "the rule's id", "规则编号"},
    {"subject", Shape::kText, Need::kOptional, "whose finding, e.g. `members:M1`",
     "问题主体，如 members:M1"},
    {"period", Shape::kPeriodLabel, Need::kOptional, "the period, for a rule judged per period",
     "期间（按期判断的规则）"},
    {"message", Shape::kText, Need::kOptional, "the finding's message, exactly",
     "问题的提示文字，须完全一致"},
};
inline constexpr Table kExpect{"expectation", "an expected finding",
                               "a finding that must be there", kExpectKeys};

inline constexpr Key kExpectNotKeys[] = {
    {"rule", Shape::kRuleId, Need::kRequired, "the rule's id", "规则编号"},
    {"subject", Shape::kText, Need::kOptional, "whose finding, e.g. `members:M1`",
     "问题主体，如 members:M1"},
    {"period", Shape::kPeriodLabel, Need::kOptional, "the period, for a rule judged per period",
     "期间（按期判断的规则）"},
};
inline constexpr Table kExpectNot{"expect_not", "an `expect_not` item",
                                  "a finding that must not be there", kExpectNotKeys};

inline constexpr Key kExpectExemptedKeys[] = {
    {"rule", Shape::kRuleId, Need::kRequired, "the rule's id", "规则编号"},
    {"subject", Shape::kText, Need::kOptional, "whose finding, e.g. `members:M1`",
     "问题主体，如 members:M1"},
    {"period", Shape::kPeriodLabel, Need::kOptional, "the period, for a rule judged per period",
     "期间（按期判断的规则）"},
    {"exception", Shape::kText, Need::kOptional, "the id of the exception record that exempts it",
     "豁免该问题的例外记录编号"},
};
inline constexpr Table kExpectExempted{"expect_exempted", "an `expect_exempted` item",
                                       "a finding that an exception record must exempt",
                                       kExpectExemptedKeys};

inline constexpr Key kCaseKeys[] = {
    {"name", Shape::kText, Need::kRequired, "a sentence saying what the case checks",
     "说明本用例检查什么的一句话"},
    {"as_of", Shape::kDate, Need::kOptional, "the evaluation date (else the file's)",
     "评估日期（否则用文件的）"},
    {"from", Shape::kDate, Need::kOptional, "the window's start (else the file's)",
     "评估窗口起始日（否则用文件的）"},
    {"params", Shape::kValueMap, Need::kOptional, "parameters overridden, by name",
     "覆盖的参数，按名称"},
    {"tables", Shape::kCsvMap, Need::kOptional,
     "table -> its rows as CSV text (replaces the file's table of that name)",
     "表名 -> CSV 文本（替换文件中同名的表）"},
    {"expect", Shape::kObjects, Need::kOptional, "findings that must be there", "必须出现的问题",
     &kExpect},
    {"expect_not", Shape::kObjects, Need::kOptional, "findings that must not be there",
     "不得出现的问题", &kExpectNot},
    {"derived", Shape::kCsvMap, Need::kOptional, "derived table -> its expected rows as CSV text",
     "派生表 -> 期望的行（CSV 文本）"},
    {"expect_exempted", Shape::kObjects, Need::kOptional,
     "findings an exception record must exempt", "必须被例外记录豁免的问题", &kExpectExempted},
};
inline constexpr std::string_view kCaseAtLeastOne[] = {"expect", "expect_not", "derived",
                                                       "expect_exempted"};
inline constexpr Table kCase{"case", "a case", "one case: data, and the findings expected",
                             kCaseKeys, kCaseAtLeastOne};

inline constexpr Key kTestFileKeys[] = {
    {"cases", Shape::kObjects, Need::kRequired, "the cases", "测试用例", &kCase},
    {"as_of", Shape::kDate, Need::kOptional, "the cases' evaluation date", "各用例的评估日期"},
    {"from", Shape::kDate, Need::kOptional, "the cases' window start", "各用例的评估窗口起始日"},
    {"params", Shape::kValueMap, Need::kOptional, "parameters overridden in every case",
     "所有用例覆盖的参数"},
    {"tables", Shape::kCsvMap, Need::kOptional, "tables every case starts from (CSV text)",
     "所有用例共用的表（CSV 文本）"},
};
inline constexpr Table kTestFile{"test_file", "a test file",
                                 "a pack test file (docs/pack-tests.md)", kTestFileKeys};

// ---------------------------------------------------------------------------
// Use.

// The index of `key` in `table`; a compile error if there is none, so that a
// loader's index constants follow the table.
consteval size_t IndexOf(const Table& table, std::string_view key) {
  for (size_t i = 0; i < table.keys.size(); ++i) {
    if (table.keys[i].name == key) return i;
  }
  throw "no such key in the table";
}

// The keys of `table` in order, as YamlChecker::ReadFields takes them.
const std::vector<std::string>& Names(const Table& table);

// Values as strings (kSeverityNames, ...), in order.
std::vector<std::string> Strings(std::span<const std::string_view> values);

// The files of a pack, each a root table: pack.yaml, rule files,
// schema.yaml, test files.
struct FileKind {
  std::string_view id;     // "pack": schemas/pack.schema.json
  std::string_view title;  // "pack.yaml"
  const Table* root;
};
inline constexpr FileKind kFileKinds[] = {
    {"pack", "pack.yaml, the manifest", &kManifest},
    {"rules", "a rule file", &kRuleFile},
    {"schema", "schema.yaml, the fact tables", &kSchema},
    {"tests", "a pack test file", &kTestFile},
};

}  // namespace zhucun::internal::format

#endif  // ZHUCUN_SRC_FACTS_FORMAT_H_
