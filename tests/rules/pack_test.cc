#include "rules/pack.h"

#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../source/translated.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = ZHUCUN_SOURCE_DIR;
const std::string kOkPack = kSourceDir + "/tests/testdata/packs/ok";

using Files = std::vector<std::pair<std::string, std::string>>;

// A pack folder written to a fresh temporary directory, removed at the end.
class TempPack {
 public:
  explicit TempPack(const Files& files) {
    std::string tmpl =
        (fs::temp_directory_path() / "zhucun_pack_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    root_ = tmpl;
    dir_ = root_ + "/pack";
    fs::create_directory(dir_);
    for (const auto& [name, text] : files) Write(name, text);
  }
  ~TempPack() {
    std::error_code ec;
    if (!root_.empty()) fs::remove_all(root_, ec);
  }
  TempPack(const TempPack&) = delete;
  TempPack& operator=(const TempPack&) = delete;

  // Writes a file; a name starting with "../" lands next to the pack.
  void Write(const std::string& name, const std::string& text) const {
    const fs::path path = fs::path(dir_) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void Symlink(const std::string& target, const std::string& name) const {
    fs::create_symlink(target, fs::path(dir_) / name);
  }

  const std::string& dir() const { return dir_; }
  const std::string& root() const { return root_; }

  // Loads the pack and renders its diagnostics, with the temporary folder
  // left out of the file names.
  std::string Render(bool* ok = nullptr) {
    const Result<PackSpec> result = LoadPack(dir_, sources_);
    if (ok != nullptr) *ok = result.ok();
    testing::ExpectTranslated(result.diagnostics());
    std::string rendered = result.diagnostics().Render(sources_);
    for (size_t at; (at = rendered.find(dir_ + "/")) != std::string::npos;) {
      rendered.erase(at, dir_.size() + 1);
    }
    return rendered;
  }

 private:
  std::string root_;
  std::string dir_;
  SourceManager sources_;
};

const char kSchema[] = R"(tables:
  - name: counties
    key: county_id
    columns:
      - {name: county_id, type: id}
      - {name: name, type: text}
  - name: teams
    key: team_id
    columns:
      - {name: team_id, type: id}
      - {name: county_id, type: id, references: counties}
  - name: members
    key: member_id
    columns:
      - {name: member_id, type: id}
      - {name: person_id, type: id}
      - {name: team_id, type: id, references: teams}
      - {name: role, type: text}
      - {name: end_date, type: date, nullable: true}
)";

const char kManifest[] = "name: t\nincludes: [schema.yaml, rules.yaml]\n";

// A pack whose rules.yaml is `rules`.
Files WithRules(const std::string& rules) {
  return {{"pack.yaml", kManifest},
          {"schema.yaml", kSchema},
          {"rules.yaml", rules}};
}
// A pack whose pack.yaml is `manifest`.
Files WithManifest(const std::string& manifest) {
  return {{"pack.yaml", manifest},
          {"schema.yaml", kSchema},
          {"rules.yaml", "rules: []\n"}};
}

// ---------------------------------------------------------------------------
// A good pack.

class OkPackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<PackSpec> result = LoadPack(kOkPack, sources_);
    ASSERT_TRUE(result.ok()) << result.diagnostics().Render(sources_);
    EXPECT_TRUE(result.diagnostics().empty())
        << result.diagnostics().Render(sources_);
    pack_ = std::move(result).value();
  }

  const RuleSpec& Rule(const std::string& id) {
    for (const RuleSpec& r : pack_.rules) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no rule " << id;
    static const RuleSpec kNone;
    return kNone;
  }
  const ParamSpec& Param(const std::string& name) {
    for (const ParamSpec& p : pack_.params) {
      if (p.name == name) return p;
    }
    ADD_FAILURE() << "no parameter " << name;
    static const ParamSpec kNone;
    return kNone;
  }
  // The file text a span covers.
  std::string_view At(SourceSpan span) {
    return sources_.text(span.file).substr(span.begin, span.end - span.begin);
  }

  SourceManager sources_;
  PackSpec pack_;
};

TEST_F(OkPackTest, Manifest) {
  EXPECT_EQ(pack_.dir, kOkPack);
  EXPECT_EQ(pack_.name, "mini");
  EXPECT_EQ(pack_.version, "0.1.0");
  EXPECT_EQ(pack_.title, "黔南州驻村工作队管理办法（节选）");
  ASSERT_NE(pack_.file, kNoFile);
  EXPECT_EQ(sources_.name(pack_.file), kOkPack + "/pack.yaml");
  EXPECT_EQ(pack_.test_files,
            (std::vector<std::string>{kOkPack + "/tests/handover.yaml",
                                      kOkPack + "/tests/rotation.yaml"}));
  std::vector<std::string> tables;
  for (const TableSchema& t : pack_.schema.tables) tables.push_back(t.name);
  EXPECT_EQ(tables,
            (std::vector<std::string>{"counties", "villages", "teams",
                                      "members", "handovers", "assessments"}));
}

TEST_F(OkPackTest, ParametersAreTypedInOrder) {
  std::vector<std::string> names;
  std::vector<std::string> types;
  for (const ParamSpec& p : pack_.params) {
    names.push_back(p.name);
    types.push_back(p.type.ToString());
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "window_start", "term_years", "core_roles",
                       "min_handover_days", "max_excellent_share",
                       "sector_of_category", "strict", "first_quarter"}));
  EXPECT_EQ(types, (std::vector<std::string>{
                       "date", "int", "list(string)", "int", "decimal",
                       "map(string, string)", "bool", "period"}));

  EXPECT_EQ(Param("window_start").value,
            Value::FromDate(*Date::Parse("2021-06-01")));
  EXPECT_EQ(Param("window_start").doc, "default --from (chosen)");
  EXPECT_EQ(Param("term_years").value, Value::Int(2));
  EXPECT_EQ(Param("term_years").source, "两年一轮换");
  EXPECT_EQ(Param("core_roles").value,
            Value::List({Value::String("first_secretary"),
                         Value::String("resident_cadre")}));
  // Exactly 0.10, read from the text: scale 2, never through a double.
  const Value& share = Param("max_excellent_share").value;
  ASSERT_EQ(share.kind(), ValueKind::kDecimal);
  EXPECT_EQ(share.decimal_value().coefficient(), 10);
  EXPECT_EQ(share.decimal_value().scale(), 2);
  EXPECT_EQ(share.decimal_value().ToString(), "0.10");
  ValueMap sectors;
  sectors.Insert(Value::String("weak"), Value::String("party_mass"));
  sectors.Insert(Value::String("poor"), Value::String("economic"));
  EXPECT_EQ(Param("sector_of_category").value, Value::Map(sectors));
  EXPECT_EQ(Param("sector_of_category").doc, "村类别对应的派出单位系统");
  EXPECT_EQ(Param("strict").value, Value::Bool(false));
  EXPECT_EQ(Param("first_quarter").value,
            Value::FromPeriod(*Period::Parse("2023-Q1")));

  EXPECT_EQ(At(Param("term_years").span), "term_years");
  EXPECT_EQ(At(Param("term_years").value_span), "2");
  EXPECT_EQ(At(Param("core_roles").value_span).substr(0, 1), "[");
}

TEST_F(OkPackTest, Functions) {
  ASSERT_EQ(pack_.functions.size(), 2u);
  const FunctionSpec& core = pack_.functions[0];
  EXPECT_EQ(core.name, "core");
  EXPECT_EQ(core.params, (std::vector<std::string>{"m"}));
  EXPECT_EQ(core.body.text, "m.role in params.core_roles");
  EXPECT_TRUE(core.body.exact);
  EXPECT_EQ(At(core.span), "core(m)");
  const FunctionSpec& days = pack_.functions[1];
  EXPECT_EQ(days.name, "days");
  EXPECT_EQ(days.params, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(days.body.text, "b - a + 1");
}

TEST_F(OkPackTest, RulesInFileOrder) {
  std::vector<std::string> ids;
  for (const RuleSpec& r : pack_.rules) ids.push_back(r.id);
  EXPECT_EQ(
      ids, (std::vector<std::string>{"rotation.early_exit", "member.overlap",
                                     "rotation.ratio", "assess.excellent_share",
                                     "handover.period", "assess.score_range"}));
}

TEST_F(OkPackTest, RuleParts) {
  const RuleSpec& early = Rule("rotation.early_exit");
  EXPECT_EQ(early.title, "未满两年不得提前撤离");
  EXPECT_EQ(early.severity, "error");
  EXPECT_EQ(early.source, "黔南州驻村工作队管理办法·轮换");
  EXPECT_EQ(early.kind, "check");
  EXPECT_EQ(early.subject.kind, SubjectSpec::Kind::kTable);
  EXPECT_EQ(early.subject.table, "members");
  EXPECT_EQ(early.subject.label, "members");
  EXPECT_EQ(early.subject.as, "member");  // the default: members -> member
  EXPECT_FALSE(early.period.has_value());
  EXPECT_FALSE(early.periods.present());
  ASSERT_EQ(early.lets.size(), 2u);  // in file order
  EXPECT_EQ(early.lets[0].name, "term_end");
  EXPECT_EQ(early.lets[0].expr.text,
            "add_years(member.start_date, params.term_years) - 1");
  EXPECT_EQ(early.lets[1].name, "early");
  EXPECT_EQ(early.lets[1].expr.text,
            "member.end_date != null && member.end_date < term_end");
  EXPECT_EQ(early.when.text,
            "core(member) && early && !(member.end_reason in ['job_transfer', "
            "'health', 'recall'])");
  EXPECT_TRUE(early.when.exact);
  EXPECT_EQ(early.message.text,
            "{member.member_id} left on {member.end_date}, before {term_end}");
  EXPECT_TRUE(early.message.exact);
  EXPECT_EQ(At(early.span), "rotation.early_exit");
  EXPECT_TRUE(early.args.empty());

  const RuleSpec& overlap = Rule("member.overlap");
  EXPECT_EQ(overlap.severity, "warning");
  EXPECT_EQ(overlap.subject.kind, SubjectSpec::Kind::kGroup);
  EXPECT_EQ(overlap.subject.table, "members");
  EXPECT_EQ(overlap.subject.group_by, "person_id");
  EXPECT_EQ(overlap.subject.label, "persons");
  EXPECT_EQ(overlap.subject.as, "postings");
  EXPECT_EQ(overlap.when.text,
            "postings.exists(a, postings.exists(b,\n"
            "  a != b && a.start_date <= b.start_date))\n");
  EXPECT_FALSE(overlap.when.exact);  // folded

  const RuleSpec& ratio = Rule("rotation.ratio");
  EXPECT_EQ(ratio.subject.as, "county");  // counties -> county
  ASSERT_TRUE(ratio.period.has_value());
  EXPECT_EQ(*ratio.period, PeriodKind::kYear);
  EXPECT_FALSE(ratio.when.exact);  // literal block

  const RuleSpec& share = Rule("assess.excellent_share");
  EXPECT_EQ(share.kind, "share_cap");
  EXPECT_EQ(share.subject.kind, SubjectSpec::Kind::kPrefecture);
  EXPECT_EQ(share.subject.label, "prefecture");
  EXPECT_EQ(share.subject.as, "");
  EXPECT_EQ(At(share.kind_span), "share_cap");
  ASSERT_EQ(share.args.size(), 3u);
  EXPECT_EQ(share.args[0].first, "at_most");
  EXPECT_EQ(share.args[0].second.text, "params.max_excellent_share");
  EXPECT_TRUE(share.args[0].second.exact);
  EXPECT_EQ(share.args[2].first, "of");
  EXPECT_EQ(share.args[2].second.text, "facts.assessments.size()");
  // Expanded (tests/rules/kinds_test.cc): the kind's lets and condition.
  ASSERT_EQ(share.lets.size(), 2u);
  EXPECT_EQ(share.lets[0].name, "count");
  EXPECT_EQ(share.lets[1].name, "base");

  const RuleSpec& handover = Rule("handover.period");
  EXPECT_EQ(handover.subject.table, "handovers");
  EXPECT_EQ(handover.subject.as, "h");  // explicit
  EXPECT_EQ(handover.message.text,
            "handover lasted {days(h.start_date, h.end_date)} days");
  EXPECT_TRUE(handover.message.exact);  // single-quoted, no ''

  const RuleSpec& range = Rule("assess.score_range");
  EXPECT_EQ(range.subject.kind, SubjectSpec::Kind::kTable);
  EXPECT_EQ(range.subject.as, "assessment");
  EXPECT_EQ(range.periods.text, "[period(string(assessment.year))]");
  EXPECT_TRUE(range.periods.exact);
  EXPECT_EQ(sources_.name(range.periods.file), kOkPack + "/handover.yaml");
}

TEST_F(OkPackTest, DerivedTable) {
  ASSERT_EQ(pack_.derived.size(), 1u);
  const DerivedSpec& d = pack_.derived[0];
  EXPECT_EQ(d.name, "assessment_grades");
  EXPECT_EQ(d.from, "assessments");
  EXPECT_EQ(d.as, "assessment");
  ASSERT_EQ(d.lets.size(), 1u);
  EXPECT_EQ(d.lets[0].name, "composite");
  std::vector<std::string> columns;
  for (const auto& [name, expr] : d.columns) columns.push_back(name);
  EXPECT_EQ(columns,
            (std::vector<std::string>{"member_id", "year", "composite"}));
  EXPECT_EQ(d.columns[0].second.text, "assessment.member_id");
  EXPECT_EQ(d.sort_by, (std::vector<std::string>{"member_id", "year"}));
  EXPECT_EQ(At(d.span), "assessment_grades");
}

// Every expression knows where its text is in the file, also after Chinese
// text on the same line (offsets are bytes): `exact` expressions are the
// file's bytes at `offset`; the others start at `offset`, and their span
// covers the whole scalar.
TEST(PackTest, ExpressionPositions) {
  TempPack pack(
      WithRules("rules:\n"
                "  - {id: a.plain, title: 交接期不少于十五天, severity: error, "
                "subject: members, when: member.role == '第一书记'}\n"
                "  - id: a.styles\n"
                "    title: 第一书记\n"
                "    severity: error\n"
                "    subject: members\n"
                "    let:\n"
                "      plain: member.role + ' 队员'  # 注释\n"
                "      single: '队员 {member.role}'\n"
                "      doubled: '队员''s'\n"
                "      double: \"队员 {member.role}\"\n"
                "      escaped: \"队员\\t{member.role}\"\n"
                "      multi: member.role ==\n"
                "        '第一书记'\n"
                "      folded: >\n"
                "        队员 ==\n"
                "        '第一书记'\n"
                "    when: |\n"
                "      member.role ==\n"
                "        '驻村干部'\n"
                "    message: 队员 {member.member_id} 离岗\n"));
  SourceManager sources;
  Result<PackSpec> result = LoadPack(pack.dir(), sources);
  ASSERT_TRUE(result.ok()) << result.diagnostics().Render(sources);
  const PackSpec& spec = result.value();
  ASSERT_EQ(spec.rules.size(), 2u);
  const auto from_offset = [&](const ExprText& e, size_t n) {
    return std::string(sources.text(e.file).substr(e.offset, n));
  };
  const auto spanned = [&](const ExprText& e) {
    return std::string(sources.text(e.span.file)
                           .substr(e.span.begin, e.span.end - e.span.begin));
  };
  const auto exact = [&](const ExprText& e) {
    EXPECT_TRUE(e.exact) << e.text;
    EXPECT_EQ(from_offset(e, e.text.size()), e.text);
  };

  const ExprText& plain = spec.rules[0].when;
  EXPECT_EQ(plain.text, "member.role == '第一书记'");
  exact(plain);
  EXPECT_EQ(spanned(plain), plain.text);
  EXPECT_EQ(sources.Locate(plain.file, plain.offset).line, 2u);
  EXPECT_EQ(sources.Locate(plain.file, plain.offset).column, 78u);

  const std::vector<LetSpec>& lets = spec.rules[1].lets;
  ASSERT_EQ(lets.size(), 7u);
  std::vector<std::string> names;
  for (const LetSpec& let : lets) names.push_back(let.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"plain", "single", "doubled", "double",
                                      "escaped", "multi", "folded"}));

  EXPECT_EQ(lets[0].expr.text, "member.role + ' 队员'");
  exact(lets[0].expr);
  EXPECT_EQ(spanned(lets[0].expr), "member.role + ' 队员'");

  EXPECT_EQ(lets[1].expr.text, "队员 {member.role}");
  exact(lets[1].expr);
  EXPECT_EQ(spanned(lets[1].expr), "'队员 {member.role}'");

  EXPECT_EQ(lets[2].expr.text, "队员's");  // '' is not contiguous
  EXPECT_FALSE(lets[2].expr.exact);
  EXPECT_EQ(from_offset(lets[2].expr, 6), "队员");
  EXPECT_EQ(spanned(lets[2].expr), "'队员''s'");

  EXPECT_EQ(lets[3].expr.text, "队员 {member.role}");
  exact(lets[3].expr);
  EXPECT_EQ(spanned(lets[3].expr), "\"队员 {member.role}\"");

  EXPECT_EQ(lets[4].expr.text, "队员\t{member.role}");  // an escape
  EXPECT_FALSE(lets[4].expr.exact);
  EXPECT_EQ(from_offset(lets[4].expr, 6), "队员");
  EXPECT_EQ(spanned(lets[4].expr), "\"队员\\t{member.role}\"");

  EXPECT_EQ(lets[5].expr.text, "member.role == '第一书记'");  // folded line
  EXPECT_FALSE(lets[5].expr.exact);
  EXPECT_EQ(from_offset(lets[5].expr, 11), "member.role");
  EXPECT_EQ(spanned(lets[5].expr), "member.role ==\n        '第一书记'");

  EXPECT_EQ(lets[6].expr.text, "队员 == '第一书记'\n");
  EXPECT_FALSE(lets[6].expr.exact);
  EXPECT_EQ(from_offset(lets[6].expr, 6), "队员");
  EXPECT_EQ(spanned(lets[6].expr), ">\n        队员 ==\n        '第一书记'");

  // A literal block keeps its lines, but not their indentation.
  const ExprText& when = spec.rules[1].when;
  EXPECT_EQ(when.text, "member.role ==\n  '驻村干部'\n");
  EXPECT_FALSE(when.exact);
  EXPECT_EQ(from_offset(when, 11), "member.role");
  EXPECT_EQ(sources.Locate(when.file, when.offset).line, 19u);
  EXPECT_EQ(sources.Locate(when.file, when.offset).column, 7u);
  EXPECT_EQ(spanned(when), "|\n      member.role ==\n        '驻村干部'");

  const ExprText& message = spec.rules[1].message;
  EXPECT_EQ(message.text, "队员 {member.member_id} 离岗");
  exact(message);
  EXPECT_EQ(sources.Locate(message.file, message.offset).column, 14u);
}

// ---------------------------------------------------------------------------
// Bad packs: the exact rendered diagnostics.

struct BadCase {
  const char* name;
  Files files;
  std::string expected;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

const BadCase kBadCases[] = {
    // clang-format off
    // The clerk's mistakes of issue 4.
    {"TypoInAKey",
     WithRules("rules:\n  - id: handover.period\n    severity: error\n"
               "    subject: members\n    wehn: member.end_date == null\n"),
     "rules.yaml:5:5: error[pack.unknown_key]: unknown key `wehn` in a rule\n"
     " |     wehn: member.end_date == null\n"
     " |     ^~~~\n"
     " = help: did you mean `when`?\n"},
    {"BadSeverity",
     WithRules("rules:\n  - {id: a.b, severity: eror, subject: members, when: 'true'}\n"),
     "rules.yaml:2:25: error[pack.bad_severity]: unknown severity `eror`\n"
     " |   - {id: a.b, severity: eror, subject: members, when: 'true'}\n"
     " |                         ^~~~\n"
     " = help: did you mean `error`?\n"},
    {"BadDefault",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                  "  max_excellent_share: {type: decimal, default: abc}\n"),
     "pack.yaml:4:49: error[pack.bad_default]: expected a decimal number such as `0.25` for the default of `max_excellent_share`, found `abc`\n"
     " |   max_excellent_share: {type: decimal, default: abc}\n"
     " |                                                 ^~~\n"},
    {"IncludeOutside",
     {{"pack.yaml", "name: t\nincludes: [schema.yaml, ../outside.yaml]\n"},
      {"schema.yaml", kSchema}, {"../outside.yaml", "rules: []\n"}},
     "pack.yaml:2:25: error[pack.include_outside]: include `../outside.yaml` is outside the pack folder\n"
     " | includes: [schema.yaml, ../outside.yaml]\n"
     " |                         ^~~~~~~~~~~~~~~\n"
     " = help: a pack reads only files inside its folder, named relative to it\n"},
    {"DuplicateRuleIds",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: members, when: 'true'}\n"
               "  - {id: a.b, severity: error, subject: members, when: 'false'}\n"),
     "rules.yaml:3:10: error[pack.duplicate_rule]: duplicate rule id `a.b`\n"
     " |   - {id: a.b, severity: error, subject: members, when: 'false'}\n"
     " |          ^~~\n"
     " = help: the id is first used on line 2\n"},
    {"UnknownSubjectTable",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: member, when: 'true'}\n"),
     "rules.yaml:2:41: error[pack.unknown_table]: unknown table `member`\n"
     " |   - {id: a.b, severity: error, subject: member, when: 'true'}\n"
     " |                                         ^~~~~~\n"
     " = help: did you mean `members`?\n"},

    // YAML.
    {"YamlSyntax",
     WithRules("rules:\n  - id: a.b\n   when: x\n"),
     "rules.yaml:3:4: error[pack.yaml_syntax]: invalid yaml: end of sequence not found\n"
     " |    when: x\n"
     " |    ^\n"},
    {"YamlSyntaxInPackYaml",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml\n"),
     "pack.yaml:3:1: error[pack.yaml_syntax]: invalid yaml: end of sequence flow not found\n"
     " |\n"
     " | ^\n"},
    {"Alias",
     WithRules("rules:\n  - &r {id: a.b, severity: error, subject: members, when: 'true'}\n  - *r\n"),
     "rules.yaml:3:5: error[pack.alias]: aliases are not allowed in a pack file\n"
     " |   - *r\n"
     " |     ^~\n"
     " = help: write the value out in full\n"},
    {"TooDeep",
     WithRules("rules: " + std::string(70, '[') + std::string(70, ']') + "\n"),
     "rules.yaml:1:71: error[pack.too_deep]: the pack file is nested more than 64 levels deep\n"
     " | ...[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
     " |                                               ^\n"},
    {"BadEncoding",
     WithRules("rules: []  # \xb3\xc9\n"),
     "rules.yaml:1:14: error[pack.bad_encoding]: the pack file is not valid utf-8: byte 0xb3\n"
     " | rules: []  # ��\n"
     " |              ^\n"
     " = help: save the file as UTF-8\n"},
    {"DuplicateKey",
     WithRules("rules:\n  - id: a.b\n    severity: error\n    subject: members\n"
               "    when: 'true'\n    when: 'false'\n"),
     "rules.yaml:6:5: error[pack.duplicate_key]: duplicate key `when`\n"
     " |     when: 'false'\n"
     " |     ^~~~\n"
     " = help: the key is first given on line 5\n"},
    {"ExpectedMap",
     WithRules("rules:\n  - a.b\n"),
     "rules.yaml:2:5: error[pack.expected_map]: expected a map for a rule, found `a.b`\n"
     " |   - a.b\n"
     " |     ^~~\n"},
    {"ExpectedList",
     WithRules("rules: {id: a.b}\n"),
     "rules.yaml:1:8: error[pack.expected_list]: expected a list for `rules`, found a map\n"
     " | rules: {id: a.b}\n"
     " |        ^\n"},
    {"ExpectedScalar",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: members, when: [x]}\n"),
     "rules.yaml:2:56: error[pack.expected_scalar]: expected a scalar for `when`, found a list\n"
     " |   - {id: a.b, severity: error, subject: members, when: [x]}\n"
     " |                                                        ^\n"},
    {"ExpectedScalarForSubject",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: [members], when: x}\n"),
     "rules.yaml:2:41: error[pack.expected_scalar]: expected a table name or a map for `subject`, found a list\n"
     " |   - {id: a.b, severity: error, subject: [members], when: x}\n"
     " |                                         ^\n"
     " = help: write `subject: members`, or `subject: {table: members, group_by: person_id}`\n"},

    // Keys.
    {"TypoInAManifestKey",
     WithManifest("name: t\ntitel: 黔南\nincludes: [schema.yaml, rules.yaml]\n"),
     "pack.yaml:2:1: error[pack.unknown_key]: unknown key `titel` in `pack.yaml`\n"
     " | titel: 黔南\n"
     " | ^~~~~\n"
     " = help: did you mean `title`?\n"},
    {"TypoInIncludesIsNotAlsoNoSchema",
     WithManifest("name: t\ninclude: [schema.yaml, rules.yaml]\n"),
     "pack.yaml:2:1: error[pack.unknown_key]: unknown key `include` in `pack.yaml`\n"
     " | include: [schema.yaml, rules.yaml]\n"
     " | ^~~~~~~\n"
     " = help: did you mean `includes`?\n"},
    {"UnknownKeyListsTheKeys",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: members, when: x, comment: y}\n"),
     "rules.yaml:2:59: error[pack.unknown_key]: unknown key `comment` in a rule\n"
     " |   - {id: a.b, severity: error, subject: members, when: x, comment: y}\n"
     " |                                                           ^~~~~~~\n"
     " = help: a rule has the keys `id`, `title`, `severity`, `source`, `kind`, `subject`, `as`, `period`, `periods`, `let`, `when`, `message` and `effective`\n"},
    {"TypoInASubjectKey",
     WithRules("rules:\n  - id: a.b\n    severity: error\n"
               "    subject: {table: members, grup_by: person_id}\n    when: x\n"),
     "rules.yaml:4:31: error[pack.unknown_key]: unknown key `grup_by` in a subject\n"
     " |     subject: {table: members, grup_by: person_id}\n"
     " |                               ^~~~~~~\n"
     " = help: did you mean `group_by`?\n"},
    {"TypoInARuleFileKey",
     WithRules("rule:\n  - {id: a.b, severity: error, subject: members, when: x}\n"),
     "rules.yaml:1:1: error[pack.unknown_key]: unknown key `rule` in a rule file\n"
     " | rule:\n"
     " | ^~~~\n"
     " = help: did you mean `rules`?\n"},
    {"TypoOfAGeneralKeyInADomainKind",
     WithRules("rules:\n  - {id: visits.deputy, kind: visit_quota, sevrity: error, rank: deputy}\n"),
     "rules.yaml:2:44: error[pack.unknown_key]: unknown key `sevrity` in a rule\n"
     " |   - {id: visits.deputy, kind: visit_quota, sevrity: error, rank: deputy}\n"
     " |                                            ^~~~~~~\n"
     " = help: did you mean `severity`?\n"},
    {"MissingName",
     WithManifest("title: 黔南\nincludes: [schema.yaml, rules.yaml]\n"),
     "pack.yaml:1:1: error[pack.missing]: the pack has no `name`\n"
     " | title: 黔南\n"
     " | ^\n"
     " = help: add the pack's `name:`, e.g. `name: qiannan`\n"},
    {"MissingNameInAnEmptyManifest",
     WithManifest(""),
     "pack.yaml:1:1: error[pack.missing]: the pack has no `name`\n"
     " |\n"
     " | ^\n"
     " = help: `pack.yaml` starts with the pack's `name:`, e.g. `name: qiannan`\n"},
    {"MissingRuleKeys",
     WithRules("rules:\n  - id: a.b\n    title: 只有编号\n"),
     "rules.yaml:2:9: error[pack.missing]: rule `a.b` has no `severity`, `subject` or `when`\n"
     " |   - id: a.b\n"
     " |         ^~~\n"
     " = help: a rule has `id`, `severity`, `subject` and `when`\n"},
    {"MissingId",
     WithRules("rules:\n  - {severity: error, subject: members, when: x}\n"),
     "rules.yaml:2:5: error[pack.missing]: the rule has no `id`\n"
     " |   - {severity: error, subject: members, when: x}\n"
     " |     ^\n"
     " = help: add `id:`, such as `id: handover.period`\n"},
    {"MissingParameterType",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                  "  a: {default: 1}\n  b:\n"),
     "pack.yaml:4:3: error[pack.missing]: parameter `a` has no `type`\n"
     " |   a: {default: 1}\n"
     " |   ^\n"
     " = help: add `type:`, e.g. `type: int` or `type: list(string)`\n"
     "pack.yaml:5:3: error[pack.missing]: parameter `b` has no `type`\n"
     " |   b:\n"
     " |   ^\n"
     " = help: declare it as `b: {type: int, default: 1}`\n"},
    {"MissingDerivedKeys",
     WithRules("derived:\n  - {name: grades}\n"),
     "rules.yaml:2:12: error[pack.missing]: derived table `grades` has no `from` or `columns`\n"
     " |   - {name: grades}\n"
     " |            ^~~~~~\n"
     " = help: a derived table has `name`, `from` and `columns`\n"},

    // Rules.
    {"DuplicateRuleIdsAcrossFiles",
     {{"pack.yaml", "name: t\nincludes: [schema.yaml, a.yaml, b.yaml]\n"},
      {"schema.yaml", kSchema},
      {"a.yaml", "rules:\n  - {id: a.b, severity: error, subject: members, when: x}\n"},
      {"b.yaml", "# 第二个文件\nrules:\n  - {id: a.b, severity: error, subject: members, when: x}\n"}},
     "b.yaml:3:10: error[pack.duplicate_rule]: duplicate rule id `a.b`\n"
     " |   - {id: a.b, severity: error, subject: members, when: x}\n"
     " |          ^~~\n"
     " = help: the id is first used at a.yaml:2:10\n"},
    {"BadId",
     WithRules("rules:\n  - {id: Handover-Period, severity: error, subject: members, when: x}\n"
               "  - {id: handover, severity: error, subject: members, when: x}\n"),
     "rules.yaml:2:10: error[pack.bad_id]: bad rule id `Handover-Period`\n"
     " |   - {id: Handover-Period, severity: error, subject: members, when: x}\n"
     " |          ^~~~~~~~~~~~~~~\n"
     " = help: an id is lowercase words of letters, digits and `_` joined by dots, such as `handover.period`\n"
     "rules.yaml:3:10: error[pack.bad_id]: bad rule id `handover`\n"
     " |   - {id: handover, severity: error, subject: members, when: x}\n"
     " |          ^~~~~~~~\n"
     " = help: an id is lowercase words of letters, digits and `_` joined by dots, such as `handover.period`\n"},
    {"BadPeriod",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: members, period: quater, when: x}\n"
               "  - {id: a.c, severity: error, subject: members, period: week, when: x}\n"),
     "rules.yaml:2:58: error[pack.bad_period]: unknown period `quater`\n"
     " |   - {id: a.b, severity: error, subject: members, period: quater, when: x}\n"
     " |                                                          ^~~~~~\n"
     " = help: did you mean `quarter`?\n"
     "rules.yaml:3:58: error[pack.bad_period]: unknown period `week`\n"
     " |   - {id: a.c, severity: error, subject: members, period: week, when: x}\n"
     " |                                                          ^~~~\n"
     " = help: a period is `year`, `half`, `quarter` or `month`\n"},
    {"UnknownKind",
     WithRules("rules:\n  - {id: visits.deputy, kind: visit_qouta, rank: deputy}\n"),
     "rules.yaml:2:31: error[pack.unknown_kind]: unknown rule kind `visit_qouta`\n"
     " |   - {id: visits.deputy, kind: visit_qouta, rank: deputy}\n"
     " |                               ^~~~~~~~~~~\n"
     " = help: did you mean `visit_quota`?\n"},
    {"UnknownGroupByColumn",
     WithRules("rules:\n  - id: member.overlap\n    severity: error\n"
               "    subject: {table: members, group_by: person, as: postings}\n"
               "    when: postings.size() > 1\n"),
     "rules.yaml:4:41: error[pack.unknown_column]: table `members` has no column `person`\n"
     " |     subject: {table: members, group_by: person, as: postings}\n"
     " |                                         ^~~~~~\n"
     " = help: the columns are `member_id`, `person_id`, `team_id`, `role` and `end_date`\n"},
    {"UnknownDerivedFromTable",
     WithRules("derived:\n  - {name: grades, from: membrs, columns: {a: x}}\n"),
     "rules.yaml:2:26: error[pack.unknown_table]: unknown table `membrs`\n"
     " |   - {name: grades, from: membrs, columns: {a: x}}\n"
     " |                          ^~~~~~\n"
     " = help: did you mean `members`?\n"},
    {"UnknownSortColumn",
     WithRules("derived:\n  - name: grades\n    from: members\n"
               "    columns: {member_id: member.member_id, year: 2023}\n"
               "    sort_by: [member_id, yaer]\n"),
     "rules.yaml:5:26: error[pack.unknown_column]: sort column `yaer` is not a column of derived table `grades`\n"
     " |     sort_by: [member_id, yaer]\n"
     " |                          ^~~~\n"
     " = help: did you mean `year`?\n"},
    {"DuplicateDerivedTable",
     WithRules("derived:\n  - {name: grades, from: members, columns: {a: x}}\n"
               "  - {name: grades, from: members, columns: {a: x}}\n"),
     "rules.yaml:3:12: error[pack.duplicate_table]: duplicate derived table `grades`\n"
     " |   - {name: grades, from: members, columns: {a: x}}\n"
     " |            ^~~~~~\n"
     " = help: the table is first defined on line 2\n"},
    {"BadNames",
     WithRules("rules:\n  - id: a.b\n    severity: error\n    subject: members\n"
               "    as: 队员\n    let: {period: x, 2x: y}\n    when: x\n"),
     "rules.yaml:5:9: error[pack.bad_name]: row name `队员` is not a name\n"
     " |     as: 队员\n"
     " |         ^~~~\n"
     " = help: names are made of ASCII letters, digits and `_`, and do not start with a digit\n"
     "rules.yaml:6:11: error[pack.bad_name]: let `period` is a name every expression already has\n"
     " |     let: {period: x, 2x: y}\n"
     " |           ^~~~~~\n"
     " = help: the names `params`, `period`, `as_of`, `from` and `facts` are taken\n"
     "rules.yaml:6:22: error[pack.bad_name]: let `2x` is not a name\n"
     " |     let: {period: x, 2x: y}\n"
     " |                      ^~\n"
     " = help: names are made of ASCII letters, digits and `_`, and do not start with a digit\n"},
    {"DuplicateLet",
     WithRules("rules:\n  - id: a.b\n    severity: error\n    subject: members\n"
               "    let:\n      a: x\n      a: y\n    when: a\n"),
     "rules.yaml:7:7: error[pack.duplicate_key]: duplicate let `a`\n"
     " |       a: y\n"
     " |       ^\n"
     " = help: the name is first given on line 6\n"},
    {"PrefectureHasNoRow",
     WithRules("rules:\n  - {id: a.b, severity: error, subject: prefecture, as: p, when: x}\n"),
     "rules.yaml:2:57: error[pack.bad_subject]: a `prefecture` rule has no row to name with `as`\n"
     " |   - {id: a.b, severity: error, subject: prefecture, as: p, when: x}\n"
     " |                                                         ^\n"
     " = help: remove `as:`; the rule sees all rows through `facts.<table>`\n"},
    {"AsGivenTwice",
     WithRules("rules:\n  - id: a.b\n    severity: error\n"
               "    subject: {table: members, group_by: person_id, as: postings}\n"
               "    as: member\n    when: x\n"),
     "rules.yaml:5:5: error[pack.duplicate_key]: `as` is given both in the rule and in its subject\n"
     " |     as: member\n"
     " |     ^~\n"
     " = help: the subject's `as` is on line 4\n"},

    // Parameters and functions.
    {"BadType",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                  "  a: {type: decmal, default: 1}\n"
                  "  b: {type: list(strng), default: []}\n"
                  "  c: {type: bytes, default: x}\n"
                  "  d: {type: 'map(decimal, int)', default: {}}\n"),
     "pack.yaml:4:13: error[pack.bad_type]: unknown type `decmal`\n"
     " |   a: {type: decmal, default: 1}\n"
     " |             ^~~~~~\n"
     " = help: did you mean `decimal`?\n"
     "pack.yaml:5:13: error[pack.bad_type]: unknown type `list(strng)`\n"
     " |   b: {type: list(strng), default: []}\n"
     " |             ^~~~~~~~~~~\n"
     " = help: `strng` is no type: did you mean `string`?\n"
     "pack.yaml:6:13: error[pack.bad_type]: a parameter cannot have type `bytes`\n"
     " |   c: {type: bytes, default: x}\n"
     " |             ^~~~~\n"
     " = help: the parameter types are `int`, `uint`, `double`, `decimal`, `string`, `bool`, `date`, `period`, `list(T)` and `map(K, V)` of those\n"
     "pack.yaml:7:13: error[pack.bad_type]: a parameter cannot have type `map(decimal, int)`\n"
     " |   d: {type: 'map(decimal, int)', default: {}}\n"
     " |             ^~~~~~~~~~~~~~~~~~~\n"
     " = help: the parameter types are `int`, `uint`, `double`, `decimal`, `string`, `bool`, `date`, `period`, `list(T)` and `map(K, V)` of those\n"},
    {"BadDefaults",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                  "  a: {type: int, default: 2.5}\n"
                  "  b: {type: date, default: 2021-02-30}\n"
                  "  c: {type: list(string), default: [x, [y]]}\n"
                  "  d: {type: map(string, int), default: {x: 1, y: z}}\n"
                  "  e: {type: bool, default: ture}\n"
                  "  f: {type: int, default: 99999999999999999999}\n"
                  "  g: {type: decimal, default: 0.1234567890123456789}\n"
                  "  h: {type: period, default: 2023-Q5}\n"
                  "  i: {type: string, default: }\n"
                  "  j: {type: list(int), default: 3}\n"),
     "pack.yaml:4:27: error[pack.bad_default]: expected an integer such as `15` for the default of `a`, found `2.5`\n"
     " |   a: {type: int, default: 2.5}\n"
     " |                           ^~~\n"
     "pack.yaml:5:28: error[pack.bad_default]: expected a date such as `2021-06-01` for the default of `b`, found `2021-02-30`\n"
     " |   b: {type: date, default: 2021-02-30}\n"
     " |                            ^~~~~~~~~~\n"
     "pack.yaml:6:40: error[pack.bad_default]: expected a text for an item of the default of `c`, found a list\n"
     " |   c: {type: list(string), default: [x, [y]]}\n"
     " |                                        ^\n"
     "pack.yaml:7:50: error[pack.bad_default]: expected an integer such as `15` for the value of `y` in the default of `d`, found `z`\n"
     " |   d: {type: map(string, int), default: {x: 1, y: z}}\n"
     " |                                                  ^\n"
     "pack.yaml:8:28: error[pack.bad_default]: expected `true` or `false` for the default of `e`, found `ture`\n"
     " |   e: {type: bool, default: ture}\n"
     " |                            ^~~~\n"
     " = help: did you mean `true`?\n"
     "pack.yaml:9:27: error[pack.bad_default]: expected an integer such as `15` for the default of `f`, found `99999999999999999999`\n"
     " |   f: {type: int, default: 99999999999999999999}\n"
     " |                           ^~~~~~~~~~~~~~~~~~~~\n"
     " = help: the number is too large\n"
     "pack.yaml:10:31: error[pack.bad_default]: expected a decimal number such as `0.25` for the default of `g`, found `0.1234567890123456789`\n"
     " |   g: {type: decimal, default: 0.1234567890123456789}\n"
     " |                               ^~~~~~~~~~~~~~~~~~~~~\n"
     " = help: a decimal has at most 18 digits after the point\n"
     "pack.yaml:11:30: error[pack.bad_default]: expected a period such as `2023`, `2023-H1`, `2023-Q3` or `2023-07` for the default of `h`, found `2023-Q5`\n"
     " |   h: {type: period, default: 2023-Q5}\n"
     " |                              ^~~~~~~\n"
     "pack.yaml:12:21: error[pack.bad_default]: expected a text for the default of `i`, found nothing\n"
     " |   i: {type: string, default: }\n"
     " |                     ^~~~~~~\n"
     "pack.yaml:13:33: error[pack.bad_default]: expected a list such as `[a, b]` for the default of `j`, found `3`\n"
     " |   j: {type: list(int), default: 3}\n"
     " |                                 ^\n"},
    {"DuplicateParam",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                  "  term_years: {type: int, default: 2}\n"
                  "  term_years: {type: int, default: 3}\n"),
     "pack.yaml:5:3: error[pack.duplicate_param]: duplicate parameter `term_years`\n"
     " |   term_years: {type: int, default: 3}\n"
     " |   ^~~~~~~~~~\n"
     " = help: the parameter is first declared on line 4\n"},
    {"BadFunction",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nfunctions:\n"
                  "  core m: m.role == 'x'\n"
                  "  f(a, a): a\n"
                  "  g(a,): a\n"
                  "  h(): 1\n"
                  "  h(x): x\n"),
     "pack.yaml:4:3: error[pack.bad_function]: bad function signature `core m`\n"
     " |   core m: m.role == 'x'\n"
     " |   ^~~~~~\n"
     " = help: write the function's name and its parameters, such as `core(m)` or `between(d, a, b)`\n"
     "pack.yaml:5:3: error[pack.bad_function]: parameter `a` is listed twice in `f(a, a)`\n"
     " |   f(a, a): a\n"
     " |   ^~~~~~~\n"
     "pack.yaml:6:3: error[pack.bad_function]: bad function signature `g(a,)`\n"
     " |   g(a,): a\n"
     " |   ^~~~~\n"
     " = help: write the function's name and its parameters, such as `core(m)` or `between(d, a, b)`\n"
     "pack.yaml:8:3: error[pack.bad_function]: function `h` is defined twice\n"
     " |   h(x): x\n"
     " |   ^~~~\n"
     " = help: the function is first defined on line 7\n"},

    // Files.
    {"IncludeAbsolute",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml, /etc/passwd]\n"),
     "pack.yaml:2:37: error[pack.include_outside]: include `/etc/passwd` is outside the pack folder\n"
     " | includes: [schema.yaml, rules.yaml, /etc/passwd]\n"
     " |                                     ^~~~~~~~~~~\n"
     " = help: a pack reads only files inside its folder, named relative to it\n"},
    {"IncludeLeavesThroughASubfolder",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml, sub/../../x.yaml]\n"),
     "pack.yaml:2:37: error[pack.include_outside]: include `sub/../../x.yaml` is outside the pack folder\n"
     " | includes: [schema.yaml, rules.yaml, sub/../../x.yaml]\n"
     " |                                     ^~~~~~~~~~~~~~~~\n"
     " = help: a pack reads only files inside its folder, named relative to it\n"},
    {"TestsOutside",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\ntests: [../tests/*.yaml]\n"),
     "pack.yaml:3:9: error[pack.include_outside]: test file `../tests/*.yaml` is outside the pack folder\n"
     " | tests: [../tests/*.yaml]\n"
     " |         ^~~~~~~~~~~~~~~\n"
     " = help: a pack reads only files inside its folder, named relative to it\n"},
    {"MissingInclude",
     WithManifest("name: t\nincludes: [schema.yaml, rule.yaml]\n"),
     "pack.yaml:2:25: error[pack.missing_include]: include `rule.yaml` does not exist\n"
     " | includes: [schema.yaml, rule.yaml]\n"
     " |                         ^~~~~~~~~\n"
     " = help: did you mean `rules.yaml`?\n"},
    {"GlobMatchesNothing",
     WithManifest("name: t\nincludes: [schema.yaml, rules/*.yaml]\ntests: [tests/*.yaml]\n"),
     "pack.yaml:2:25: error[pack.missing_include]: no file matches `rules/*.yaml`\n"
     " | includes: [schema.yaml, rules/*.yaml]\n"
     " |                         ^~~~~~~~~~~~\n"
     "pack.yaml:3:9: error[pack.missing_include]: no file matches `tests/*.yaml`\n"
     " | tests: [tests/*.yaml]\n"
     " |         ^~~~~~~~~~~~\n"},
    {"IncludeAFolder",
     {{"pack.yaml", "name: t\nincludes: [schema.yaml, rules]\n"},
      {"schema.yaml", kSchema}, {"rules/a.yaml", "rules: []\n"}},
     "pack.yaml:2:25: error[pack.bad_include]: include `rules` names a folder, not a file\n"
     " | includes: [schema.yaml, rules]\n"
     " |                         ^~~~~\n"
     " = help: to name every YAML file in a folder, write `rules/*.yaml`\n"},
    {"IncludeTheManifest",
     WithManifest("name: t\nincludes: [schema.yaml, rules.yaml, pack.yaml]\n"),
     "pack.yaml:2:37: error[pack.bad_include]: include `pack.yaml` is the pack manifest itself\n"
     " | includes: [schema.yaml, rules.yaml, pack.yaml]\n"
     " |                                     ^~~~~~~~~\n"},
    {"NoSchema",
     WithManifest("name: t\nincludes: [rules.yaml]\n"),
     "pack.yaml:2:1: error[pack.no_schema]: the pack includes no schema\n"
     " | includes: [rules.yaml]\n"
     " | ^~~~~~~~\n"
     " = help: add `schema.yaml` to `includes`\n"},
    {"SecondSchema",
     {{"pack.yaml", "name: t\nincludes: [schema.yaml, more.yaml]\n"},
      {"schema.yaml", kSchema}, {"more.yaml", "tables: []\n"}},
     "pack.yaml:2:25: error[pack.duplicate_schema]: the pack includes a second schema `more.yaml`\n"
     " | includes: [schema.yaml, more.yaml]\n"
     " |                         ^~~~~~~~~\n"
     " = help: the schema is `schema.yaml`, included on line 2\n"},
    {"SchemaErrorsAreReported",
     {{"pack.yaml", "name: t\nincludes: [schema.yaml, rules.yaml]\n"},
      {"schema.yaml", "tables:\n  - name: members\n    columns: [{name: a, type: txt}]\n"},
      {"rules.yaml", "rules:\n  - {id: a.b, severity: error, subject: nothing, when: x}\n"}},
     "schema.yaml:3:31: error[schema.unknown_type]: unknown cell type `txt`\n"
     " |     columns: [{name: a, type: txt}]\n"
     " |                               ^~~\n"
     " = help: did you mean `text`?\n"},
    {"NoPackYaml",
     {{"schema.yaml", kSchema}},
     "error[pack.unreadable]: cannot read `pack.yaml`: no such file or directory\n"},

    // Everything at once: every error, in file and position order.
    {"SeveralErrorsInPositionOrder",
     {{"pack.yaml",
       "# 黔南州驻村工作队\nname: qiannan\nparameters:\n"
       "  term_years: {type: int, default: 两年}\n"
       "  max_excellent_share: {type: decmal, default: 0.10}\n"
       "includes: [schema.yaml, rules.yaml, ../outside.yaml]\n"},
      {"schema.yaml", kSchema},
      {"rules.yaml",
       "# 轮换\nrules:\n"
       "  - id: rotation.early_exit\n    title: 未满两年不得提前撤离\n"
       "    severity: eror\n    subject: member\n    period: yaer\n"
       "    wehn: member.end_date != null\n"
       "  - id: rotation.early_exit\n    severity: warning\n"
       "    subject: {table: members, group_by: persn_id}\n    when: x\n    mesage: y\n"}},
     "pack.yaml:4:36: error[pack.bad_default]: expected an integer such as `15` for the default of `term_years`, found `两年`\n"
     " |   term_years: {type: int, default: 两年}\n"
     " |                                    ^~~~\n"
     "pack.yaml:5:31: error[pack.bad_type]: unknown type `decmal`\n"
     " |   max_excellent_share: {type: decmal, default: 0.10}\n"
     " |                               ^~~~~~\n"
     " = help: did you mean `decimal`?\n"
     "pack.yaml:6:37: error[pack.include_outside]: include `../outside.yaml` is outside the pack folder\n"
     " | includes: [schema.yaml, rules.yaml, ../outside.yaml]\n"
     " |                                     ^~~~~~~~~~~~~~~\n"
     " = help: a pack reads only files inside its folder, named relative to it\n"
     "rules.yaml:5:15: error[pack.bad_severity]: unknown severity `eror`\n"
     " |     severity: eror\n"
     " |               ^~~~\n"
     " = help: did you mean `error`?\n"
     "rules.yaml:6:14: error[pack.unknown_table]: unknown table `member`\n"
     " |     subject: member\n"
     " |              ^~~~~~\n"
     " = help: did you mean `members`?\n"
     "rules.yaml:7:13: error[pack.bad_period]: unknown period `yaer`\n"
     " |     period: yaer\n"
     " |             ^~~~\n"
     " = help: did you mean `year`?\n"
     "rules.yaml:8:5: error[pack.unknown_key]: unknown key `wehn` in a rule\n"
     " |     wehn: member.end_date != null\n"
     " |     ^~~~\n"
     " = help: did you mean `when`?\n"
     "rules.yaml:9:9: error[pack.duplicate_rule]: duplicate rule id `rotation.early_exit`\n"
     " |   - id: rotation.early_exit\n"
     " |         ^~~~~~~~~~~~~~~~~~~\n"
     " = help: the id is first used on line 3\n"
     "rules.yaml:11:41: error[pack.unknown_column]: table `members` has no column `persn_id`\n"
     " |     subject: {table: members, group_by: persn_id}\n"
     " |                                         ^~~~~~~~\n"
     " = help: did you mean `person_id`?\n"
     "rules.yaml:13:5: error[pack.unknown_key]: unknown key `mesage` in a rule\n"
     " |     mesage: y\n"
     " |     ^~~~~~\n"
     " = help: did you mean `message`?\n"},
    // clang-format on
};

class BadPackTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPackTest, RendersExactDiagnostics) {
  const BadCase& c = GetParam();
  TempPack pack(c.files);
  bool ok = true;
  EXPECT_EQ(pack.Render(&ok), c.expected);
  EXPECT_FALSE(ok);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadPackTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

// Every diagnostic code is exercised by at least one case.
TEST(PackTest, EveryCodeIsTested) {
  std::set<std::string> codes;
  for (const BadCase& c : kBadCases) {
    TempPack pack(c.files);
    SourceManager sources;
    const Result<PackSpec> r = LoadPack(pack.dir(), sources);
    for (const Diagnostic& d : r.diagnostics().items()) codes.insert(d.code);
  }
  for (const char* code :
       {"pack.yaml_syntax",     "pack.unknown_key",     "pack.missing",
        "pack.duplicate_rule",  "pack.bad_id",          "pack.bad_severity",
        "pack.bad_period",      "pack.unknown_table",   "pack.unknown_column",
        "pack.bad_type",        "pack.bad_default",     "pack.duplicate_param",
        "pack.bad_function",    "pack.include_outside", "pack.missing_include",
        "pack.no_schema",       "pack.alias",           "pack.too_deep",
        "pack.duplicate_key",   "pack.expected_map",    "pack.expected_list",
        "pack.expected_scalar", "pack.unknown_kind",    "pack.bad_name",
        "pack.bad_subject",     "pack.duplicate_table", "pack.duplicate_schema",
        "pack.bad_include",     "pack.unreadable",      "pack.bad_encoding",
        "schema.unknown_type"}) {
    EXPECT_EQ(codes.count(code), 1u) << code;
  }
}

// The Qiannan pack (rules/qiannan) loads without a diagnostic.
TEST(PackTest, QiannanPackLoads) {
  const std::string dir = kSourceDir + "/rules/qiannan";
  if (!fs::exists(dir + "/pack.yaml")) GTEST_SKIP() << "no Qiannan pack yet";
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(dir, sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  EXPECT_TRUE(r.diagnostics().empty()) << r.diagnostics().Render(sources);
  EXPECT_EQ(r.value().name, "qiannan");
  EXPECT_FALSE(r.value().rules.empty());
  EXPECT_EQ(r.value().schema.tables.size(), 19u);  // DATA.md's 18 and `exceptions`
}

// ---------------------------------------------------------------------------
// Files: links, globs, limits.

TEST(PackTest, SymlinkLeavingThePackIsOutside) {
  TempPack pack(WithManifest(
      "name: t\nincludes: [schema.yaml, rules.yaml, link.yaml]\n"));
  pack.Write("../outside.yaml", "rules: []\n");
  pack.Symlink("../outside.yaml", "link.yaml");
  EXPECT_EQ(pack.Render(),
            "pack.yaml:2:37: error[pack.include_outside]: include `link.yaml` "
            "leads outside the pack folder\n"
            " | includes: [schema.yaml, rules.yaml, link.yaml]\n"
            " |                                     ^~~~~~~~~\n"
            " = help: it is a symbolic link to a file outside the pack; a pack "
            "reads only files inside its folder\n");
}

TEST(PackTest, SymlinkMatchedByAGlobIsOutside) {
  TempPack pack(
      {{"pack.yaml", "name: t\nincludes: [schema.yaml, 'rules/*.yaml']\n"},
       {"schema.yaml", kSchema},
       {"rules/a.yaml", "rules: []\n"}});
  pack.Write("../outside.yaml", "rules: []\n");
  pack.Symlink("../../outside.yaml", "rules/b.yaml");
  EXPECT_EQ(pack.Render(),
            "pack.yaml:2:25: error[pack.include_outside]: `rules/b.yaml`, "
            "matched by `rules/*.yaml`, leads outside the pack folder\n"
            " | includes: [schema.yaml, 'rules/*.yaml']\n"
            " |                         ^~~~~~~~~~~~~~\n"
            " = help: it is a symbolic link to a file outside the pack; a pack "
            "reads only files inside its folder\n");
}

TEST(PackTest, FolderLinkLeavingThePackIsOutside) {
  TempPack pack(WithManifest(
      "name: t\nincludes: [schema.yaml, rules.yaml, more/x.yaml]\n"));
  pack.Write("../elsewhere/x.yaml", "rules: []\n");
  pack.Symlink("../elsewhere", "more");
  EXPECT_EQ(pack.Render(),
            "pack.yaml:2:37: error[pack.include_outside]: include "
            "`more/x.yaml` leads outside the pack folder\n"
            " | includes: [schema.yaml, rules.yaml, more/x.yaml]\n"
            " |                                     ^~~~~~~~~~~\n"
            " = help: it is a symbolic link to a file outside the pack; a pack "
            "reads only files inside its folder\n");
}

TEST(PackTest, SymlinkInsideThePackIsFine) {
  TempPack pack(WithManifest("name: t\nincludes: [schema.yaml, link.yaml]\n"));
  pack.Write(
      "real/rules.yaml",
      "rules:\n  - {id: a.b, severity: error, subject: members, when: x}\n");
  pack.Symlink("real/rules.yaml", "link.yaml");
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(pack.dir(), sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  ASSERT_EQ(r.value().rules.size(), 1u);
  // Shown under the name the pack gives it.
  EXPECT_EQ(sources.name(r.value().rules[0].span.file),
            pack.dir() + "/link.yaml");
}

TEST(PackTest, GlobsMatchInNameOrderOnceEach) {
  TempPack pack(
      {{"pack.yaml",
        "name: t\nincludes: [schema.yaml, 'rules/*.yaml', rules/a.yaml, "
        "'*.yaml']\n"
        "tests: ['tests/*.yaml', tests/t1.yaml]\n"},
       {"schema.yaml", kSchema},
       {"rules/b.yaml",
        "rules: [{id: b.b, severity: error, subject: members, when: x}]\n"},
       {"rules/a.yaml",
        "rules: [{id: a.a, severity: error, subject: members, when: x}]\n"},
       {"rules/.hidden.yaml",
        "rules: [{id: h.h, severity: error, subject: members, when: x}]\n"},
       {"rules/notes.txt", "not yaml: ["},
       {"top.yaml",
        "rules: [{id: c.c, severity: error, subject: members, when: x}]\n"},
       {"tests/t2.yaml", "cases: []\n"},
       {"tests/t1.yaml", "cases: []\n"}});
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(pack.dir(), sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  std::vector<std::string> ids;
  for (const RuleSpec& rule : r.value().rules) ids.push_back(rule.id);
  // `*.yaml` skips pack.yaml and the schema already read.
  EXPECT_EQ(ids, (std::vector<std::string>{"a.a", "b.b", "c.c"}));
  EXPECT_EQ(r.value().test_files,
            (std::vector<std::string>{pack.dir() + "/tests/t1.yaml",
                                      pack.dir() + "/tests/t2.yaml"}));
}

TEST(PackTest, TooLargeFile) {
  std::string big = "rules: []\n";
  while (big.size() <= (size_t{1} << 20)) big += "# ........................\n";
  TempPack pack(WithRules(big));
  EXPECT_EQ(pack.Render(),
            "pack.yaml:2:25: error[pack.too_large]: `rules.yaml` has " +
                std::to_string(big.size()) +
                " bytes, more than the limit of 1048576\n"
                " | includes: [schema.yaml, rules.yaml]\n"
                " |                         ^~~~~~~~~~\n");
}

// At most 10,000 rules (issue 11, item 6): the first past the limit is
// reported, once.
TEST(PackTest, TooManyRules) {
  std::string rules = "rules:\n";
  for (int i = 0; i <= 10001; ++i) {
    rules += "  - {id: r.n" + std::to_string(i) +
             ", severity: error, subject: teams, when: 'false'}\n";
  }
  TempPack pack(WithRules(rules));
  bool ok = true;
  EXPECT_EQ(pack.Render(&ok),
            "rules.yaml:10002:10: error[pack.too_large]: the pack has more than 10000 rules\n"
            " |   - {id: r.n10000, severity: error, subject: teams, when: 'false'}\n"
            " |          ^~~~~~~~\n"
            " = help: split it into packs that are loaded one at a time\n");
  EXPECT_FALSE(ok);
  rules.resize(rules.rfind("  - {id: r.n10000"));  // 10,000 rules: loads
  TempPack fits(WithRules(rules));
  EXPECT_EQ(fits.Render(&ok), "");
  EXPECT_TRUE(ok);
}

TEST(PackTest, MissingFolder) {
  SourceManager sources;
  const Result<PackSpec> r =
      LoadPack(kSourceDir + "/tests/testdata/packs/no_such_pack", sources);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().Render(sources),
            "error[pack.unreadable]: cannot read pack folder `" + kSourceDir +
                "/tests/testdata/packs/no_such_pack`: no such folder\n");
}

// `{type: map(string, string)}` is cut by YAML at the comma; the loader
// reads it as the clerk meant it (the form docs/design/engine.md uses).
TEST(PackTest, MapTypeInAFlowMap) {
  TempPack pack(
      WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                   "  sectors: {type: map(string, list(string)), default: "
                   "{weak: [a, b]}, doc: x}\n"));
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(pack.dir(), sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  ASSERT_EQ(r.value().params.size(), 1u);
  const ParamSpec& p = r.value().params[0];
  EXPECT_EQ(p.type.ToString(), "map(string, list(string))");
  ValueMap m;
  m.Insert(Value::String("weak"),
           Value::List({Value::String("a"), Value::String("b")}));
  EXPECT_EQ(p.value, Value::Map(m));
  EXPECT_EQ(p.doc, "x");
}

TEST(PackTest, EveryParameterType) {
  TempPack pack(
      WithManifest("name: t\nincludes: [schema.yaml, rules.yaml]\nparameters:\n"
                   "  i: {type: int, default: -15}\n"
                   "  u: {type: uint, default: 7}\n"
                   "  d: {type: double, default: 0.5}\n"
                   "  m: {type: decimal, default: '1100.00'}\n"
                   "  s: {type: string, default: 第一书记}\n"
                   "  b: {type: bool, default: true}\n"
                   "  p: {type: period, default: 2023-07}\n"
                   "  l: {type: list(int), default: [1, 2]}\n"
                   "  e: {type: list(date), default: []}\n"
                   "  k:\n    type: map(int, decimal)\n    default:\n      1: "
                   "0.5\n      2: 1\n"));
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(pack.dir(), sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  const std::vector<ParamSpec>& ps = r.value().params;
  ASSERT_EQ(ps.size(), 10u);
  EXPECT_EQ(ps[0].value, Value::Int(-15));
  EXPECT_EQ(ps[1].value, Value::Uint(7));
  EXPECT_EQ(ps[2].value, Value::Double(0.5));
  EXPECT_EQ(ps[3].value.decimal_value().ToString(), "1100.00");
  EXPECT_EQ(ps[4].value, Value::String("第一书记"));
  EXPECT_EQ(ps[5].value, Value::Bool(true));
  EXPECT_EQ(ps[6].value, Value::FromPeriod(*Period::Parse("2023-07")));
  EXPECT_EQ(ps[7].value, Value::List({Value::Int(1), Value::Int(2)}));
  EXPECT_EQ(ps[8].value, Value::List({}));
  ValueMap m;
  m.Insert(Value::Int(1), Value::FromDecimal(*Decimal::Parse("0.5")));
  m.Insert(Value::Int(2), Value::FromDecimal(*Decimal::Parse("1")));
  EXPECT_EQ(ps[9].value, Value::Map(m));
}

TEST(PackTest, DomainKindArguments) {
  TempPack pack(WithRules(
      "rules:\n"
      "  - id: team.role_of_county\n"
      "    kind: mapping\n"
      "    severity: warning\n"
      "    subject: members\n"
      "    key: member.role\n"
      "    map:\n      weak: party_mass\n      'it''s': it's\n"
      "    value: member.team.county_id\n"));
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(pack.dir(), sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  const RuleSpec& rule = r.value().rules.at(0);
  EXPECT_EQ(rule.kind, "mapping");
  ASSERT_EQ(rule.args.size(), 3u);
  EXPECT_EQ(rule.args[0].first, "key");
  EXPECT_EQ(rule.args[0].second.text, "member.role");
  EXPECT_TRUE(rule.args[0].second.exact);
  EXPECT_EQ(rule.args[1].first, "map");
  EXPECT_EQ(rule.args[1].second.text,
            "{'weak': party_mass, 'it\\'s': it's}");
  EXPECT_FALSE(rule.args[1].second.exact);
  ASSERT_EQ(rule.arg_details.size(), 3u);
  ASSERT_EQ(rule.arg_details[1].items.size(), 2u);
  EXPECT_EQ(rule.arg_details[1].items[1].name, "it's");
  EXPECT_EQ(rule.arg_details[1].items[1].value.text, "it's");
}

// Byte soup, truncated documents and odd YAML features, as the manifest and
// as a rule file: diagnostics, never an exception or a crash.
TEST(PackTest, JunkNeverThrows) {
  const std::vector<std::string> junk = {
      "\xff\xfe\x00t",
      "{",
      "}",
      "[",
      "---",
      "...",
      "%YAML 1.2\n---\n[",
      "? [a]\n: b\n",
      "!!map {}",
      "rules: !!str x",
      "rules:\n  - !t {}",
      "rules: [[[]]]",
      "rules: [{subject: [[]]}]",
      "&a x",
      "*a",
      "rules: [{id: a.b, let: [x], subject: {table: [x]}}]",
      "rules:\n\t- x",
      "\"\\q\"",
      "rules: |\n  x\n",
      std::string(5000, '-'),
      "{{{{{{}}}}}}: x",
      "derived: [{name: x, columns: [[]], sort_by: {a: b}}]",
      "rules: [{id: a.b, kind: share_cap, x: *y}]",
      "name: [x]\nincludes: {a: b}",
      "parameters: {a: {type: 'list(', default: [}}"};
  for (const std::string& text : junk) {
    for (const bool manifest : {false, true}) {
      TempPack pack(manifest ? WithManifest(text) : WithRules(text));
      SourceManager sources;
      const Result<PackSpec> r = LoadPack(pack.dir(), sources);
      // An empty rule file is fine; an empty manifest has no name.
      if (manifest) {
        EXPECT_FALSE(r.ok()) << text;
      }
      EXPECT_EQ(r.ok(), !r.diagnostics().has_errors()) << text;
      r.diagnostics().Render(sources);
    }
  }
}

}  // namespace
}  // namespace zhucun::internal
