// The domain rule kinds (src/rules/kinds.h, docs/rules.md): the table of
// kinds and their arguments, reading and checking the arguments, writing the
// expansion's source, and the driver. The expansions themselves are in
// kinds_expand.cc and kinds_score.cc (src/rules/kinds_expander.h).
//
// Each kind is a table of arguments (KindDef) and a function that writes
// the general rule: lets, `when` and a default `message` (for
// `weighted_score`: two functions and a derived table). The clerk's
// arguments are spliced into that CEL as written; the CEL goes into a
// source file of its own, one line per part, so that a type error the
// engine finds in it is shown on the line of the expansion it belongs to.

#include "rules/kinds.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/kinds_expander.h"
#include "source/quote.h"

namespace zhucun::internal {

namespace kinds {

namespace {

// `a.b.c` or a number: needs no parentheses when spliced.
bool IsSimple(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

// What an argument's value is, for messages.
std::string Found(KindArgSpec::Form form, const ExprText& text) {
  switch (form) {
    case KindArgSpec::Form::kNull:
      return "nothing";
    case KindArgSpec::Form::kScalar:
      return Quote(text.text);
    case KindArgSpec::Form::kList:
      return "a list";
    case KindArgSpec::Form::kMap:
      return "a map";
  }
  return "nothing";
}

const char* Expected(ArgForm form) {
  switch (form) {
    case ArgForm::kExpr:
      return "an expression";
    case ArgForm::kList:
      return "a list or an expression";
    case ArgForm::kMap:
      return "a map or an expression";
    case ArgForm::kWord:
      return "a single value";
    case ArgForm::kName:
      return "a name";
    case ArgForm::kNames:
      return "a name or a list of names";
    case ArgForm::kExprMap:
      return "a map";
  }
  return "a value";
}

const char kNameHelp[] =
    "names are made of ASCII letters, digits and `_`, and do not start with "
    "a digit";

}  // namespace

const std::vector<KindDef>& Kinds() {
  static const auto* const kinds = new std::vector<KindDef>{
      {"visit_quota", "at least N visits per period", "每期不少于 N 次到村调研",
       {{"rank", ArgForm::kWord, nullptr,
         "only subjects whose `rank` column is this value", "只检查 rank 列为此值的主体"},
        {"at_least", ArgForm::kExpr,
         "add `at_least:` with the fewest visits per period, such as "
         "`params.deputy_visits_per_quarter`",
         "the fewest visits per period", "每期最少调研次数"},
        {"visits", ArgForm::kExpr,
         "add `visits:` with the subject's visits, such as `leader.visits`",
         "the subject's visits, a list of rows", "主体的调研记录（行的列表）"},
        {"date", ArgForm::kName, nullptr,
         "the visit's date column (default `date`); a visit counts in the period of its date",
         "调研日期列（默认 date）；调研计入其日期所在的期间"},
        {"counts", ArgForm::kExpr, nullptr,
         "whether a visit counts; the visit is `visit` (or the `each` name)",
         "某次调研是否计入；调研记作 visit（或 each 指定的名称）"},
        {"each", ArgForm::kName, nullptr, "the name of a visit in `counts` (default `visit`)",
         "counts 中调研的名称（默认 visit）"}},
       {"visits", "quota"},
       "a visit quota is per period: add `period: half`, `quarter` or "
       "`year`"},
      {"mapping", "a code calls for a value", "代码对应的取值",
       {{"key", ArgForm::kExpr,
         "add `key:` with the value looked up in the map, such as "
         "`team.village.category`",
         "the code looked up", "查找的代码"},
        {"map", ArgForm::kMap,
         "add `map:` with the map, such as `params.sector_for_category`",
         "code -> the value it calls for (a YAML map or a CEL expression)",
         "代码 -> 应有的取值（YAML 映射或 CEL 表达式）"},
        {"value", ArgForm::kExpr,
         "add `value:` with the value the map must give, such as "
         "`team.unit.sector`",
         "the value that must match", "必须相符的取值"}},
       {"key", "value"}},
      {"composition", "how many of a role", "某类角色的人数",
       {{"members", ArgForm::kExpr,
         "add `members:` with the rows to count, such as `team.members`",
         "the related rows", "相关的行"},
        {"role", ArgForm::kWord, nullptr, "only rows whose `role` column is this value",
         "只计 role 列为此值的行"},
        {"counts", ArgForm::kExpr, nullptr,
         "which rows count; a row is `member` (or the `each` name)",
         "哪些行计入；行记作 member（或 each 指定的名称）"},
        {"each", ArgForm::kName, nullptr, "the name of a row in `counts` (default `member`)",
         "counts 中行的名称（默认 member）"},
        {"exactly", ArgForm::kExpr, nullptr, "the number there must be", "必须恰好的人数"},
        {"at_least", ArgForm::kExpr, nullptr, "the fewest there may be", "最少人数"},
        {"at_most", ArgForm::kExpr, nullptr, "the most there may be", "最多人数"}},
       {"count"},
       nullptr,
       {"exactly", "at_least", "at_most"}},
      {"required_set", "every required value is present", "必备项齐全",
       {{"required", ArgForm::kList,
         "add `required:` with the values that must all be present, such "
         "as `params.bundle_kinds`",
         "the values that must all be present (a YAML list or a CEL expression)",
         "必须全部具备的取值（YAML 列表或 CEL 表达式）"},
        {"rows", ArgForm::kExpr,
         "add `rows:` with the rows that hold them, such as "
         "`member.team.bundles`",
         "the related rows", "相关的行"},
        {"column", ArgForm::kName,
         "add `column:` with the column of those rows that holds the value, "
         "such as `kind`",
         "the rows' column that holds the value", "行中存放取值的列"},
        {"counts", ArgForm::kExpr, nullptr,
         "which rows count; a row is `row` (or the `each` name), the value looked for is `value`",
         "哪些行计入；行记作 row（或 each 指定的名称），所找的值为 value"},
        {"each", ArgForm::kName, nullptr, "the name of a row in `counts` (default `row`)",
         "counts 中行的名称（默认 row）"}},
       {"missing"}},
      {"allowed_reasons", "an exception only for listed reasons", "仅限所列理由",
       {{"reason", ArgForm::kExpr,
         "add `reason:` with the reason given, such as `member.end_reason`",
         "the reason given", "给出的理由"},
        {"allowed", ArgForm::kList,
         "add `allowed:` with the allowed reasons, such as "
         "`[job_transfer, health]`",
         "the allowed reasons (a YAML list or a CEL expression)",
         "允许的理由（YAML 列表或 CEL 表达式）"}},
       {"reason"}},
      {"share_cap", "a share must not exceed a cap", "比例不得超过上限",
       {{"count", ArgForm::kExpr,
         "add `count:` with the number that must stay within the share",
         "the number that must stay within the share (an int)", "须在比例之内的数量（整数）"},
        {"of", ArgForm::kExpr, "add `of:` with the number it is a share of",
         "the number it is a share of (an int)", "作为基数的数量（整数）"},
        {"at_most", ArgForm::kExpr,
         "add `at_most:` with the largest share allowed, such as "
         "`params.max_rotation_ratio`",
         "the largest share allowed (a decimal)", "允许的最大比例（小数）"}},
       {"count", "base"}},
      {"weighted_score", "a weighted score and grade bands", "加权总分与等次",
       {{"weights", ArgForm::kExprMap,
         "add `weights:`, a map from each scored column to its weight",
         "scored column -> its weight (expression); the score is the sum of weight x column",
         "计分列 -> 权重（表达式）；总分为权重乘列值之和"},
        {"score", ArgForm::kName,
         "add `score:` with the name of the weighted score, such as "
         "`composite`",
         "the name of the score function (and table column)", "总分函数（及表列）的名称"},
        {"grades", ArgForm::kExprMap,
         "add `grades:`, a map from each grade to its lowest score, best "
         "first",
         "grade -> the lowest score of that grade (expression), best grade first",
         "等次 -> 该等次最低分（表达式），最好的等次在前"},
        {"grade", ArgForm::kName,
         "add `grade:` with the name of the grade, such as `grade`",
         "the name of the grade function (and table column)", "等次函数（及表列）的名称"},
        {"otherwise", ArgForm::kWord,
         "add `otherwise:` with the grade of a score below every band",
         "the grade of a score below every band", "低于所有分数线时的等次"},
        {"min_score", ArgForm::kExpr, nullptr,
         "a row with a scored column below it is graded `invalid`", "计分列低于此值的行评为 invalid"},
        {"max_score", ArgForm::kExpr, nullptr,
         "a row with a scored column above it is graded `invalid`", "计分列高于此值的行评为 invalid"},
        {"invalid", ArgForm::kWord, nullptr, "the grade of an invalid row (default `invalid`)",
         "无效行的等次（默认 invalid）"},
        {"table", ArgForm::kName, nullptr, "a derived table, one row per scored row",
         "派生表名，每个计分行一行"},
        {"columns", ArgForm::kNames, nullptr,
         "with `table`: the row's columns the table repeats, and sorts by",
         "与 table 同用：表中重复并据以排序的列"},
        {"round", ArgForm::kExpr, nullptr,
         "decimals of the score in the table (half away from zero)",
         "表中总分保留的小数位（四舍五入）"}},
       {},
       nullptr,
       {},
       /*findings=*/false},
      {"days_present", "at least N days present per period, pro-rated", "每期在岗天数不少于 N 天（按比例）",
       {{"at_least", ArgForm::kExpr,
         "add `at_least:` with the fewest days present in a whole period, "
         "such as `params.min_days_in_village`",
         "the fewest days present in a whole period (an int)", "整期最少在岗天数（整数）"},
        {"away", ArgForm::kExpr,
         "add `away:` with the rows whose days count as away, such as "
         "`member.absences.filter(a, a.kind != 'official_out')`",
         "the rows whose days count as away, a list of rows", "计为不在岗的行（行的列表）"},
        {"start", ArgForm::kName, nullptr,
         "the date column where service, and each away row, begins (default `start_date`)",
         "在岗及不在岗行的开始日期列（默认 start_date）"},
        {"end", ArgForm::kName, nullptr,
         "the date column where they end, null for no end (default `end_date`)",
         "结束日期列，空为未结束（默认 end_date）"}},
       {"away_spans", "service", "away", "present", "required"},
       "days present are counted per period: add `period: month` (or "
       "`quarter`, `half` or `year`)"},
  };
  return *kinds;
}

const KindDef* FindKind(std::string_view name) {
  for (const KindDef& k : Kinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string Splice(const std::string& text) {
  if (IsSimple(text)) return text;
  return "(" + text + (text.find("//") != std::string::npos ? "\n)" : ")");
}

std::string Hole(const std::string& cel) {
  if (cel.find_first_of("{}") == std::string::npos) return "{" + cel + "}";
  std::string out;
  for (const char c : cel) {
    out += c;
    if (c == '{' || c == '}') out += c;
  }
  return out;
}

bool Expander::Expand() {
  if (!ReadArgs()) return false;
  const std::string k = kind_.name;
  if (k == "weighted_score") return WeightedScore();
  if (!CheckGeneral()) return false;
  if (k == "visit_quota") return VisitQuota();
  if (k == "mapping") return Mapping();
  if (k == "composition") return Composition();
  if (k == "required_set") return RequiredSet();
  if (k == "allowed_reasons") return AllowedReasons();
  if (k == "days_present") return DaysPresent();
  return ShareCap();
}

void Expander::Error(std::string code, std::string message, SourceSpan span,
                     std::string help) {
  diags_->Error(std::move(code), std::move(message), span, std::move(help));
  ok_ = false;
}

std::string Expander::Where(SourceSpan first, FileId here) const {
  const LineColumn lc = sources_.Locate(first.file, first.begin);
  if (first.file == here) return "on line " + std::to_string(lc.line);
  return "at " + sources_.name(first.file) + ":" + std::to_string(lc.line) +
         ":" + std::to_string(lc.column);
}

std::vector<std::string> Expander::ArgNames() const {
  std::vector<std::string> names;
  for (const ArgDef& a : kind_.args) names.emplace_back(a.name);
  return names;
}

bool Expander::ReadArgs() {
  args_.resize(kind_.args.size());
  for (size_t i = 0; i < rule_.args.size(); ++i) {
    const auto& [name, text] = rule_.args[i];
    const KindArgSpec& d = rule_.arg_details[i];
    const auto def = std::find_if(
        kind_.args.begin(), kind_.args.end(),
        [&name = name](const ArgDef& a) { return name == a.name; });
    if (def == kind_.args.end()) {
      const std::string match = ClosestMatch(name, ArgNames());
      std::string help;
      if (!match.empty()) {
        help = "did you mean " + Quote(match) + "?";
        // Not reported missing as well.
        for (size_t j = 0; j < kind_.args.size(); ++j) {
          if (kind_.args[j].name == match) args_[j].misspelled = true;
        }
      } else {
        help = "a " + Quote(kind_.name) + " rule has the arguments " +
               QuoteList(ArgNames());
      }
      Error("pack.unknown_argument",
            "unknown argument " + Quote(name) + " of a " +
                Quote(kind_.name) + " rule",
            d.key, std::move(help));
      continue;
    }
    Read(*def, text, d, &args_[def - kind_.args.begin()]);
  }
  // Required arguments and keys that are absent.
  std::vector<std::pair<std::string, std::string>> missing;
  if (kind_.findings) {
    if (rule_.severity.empty()) {
      missing.emplace_back("severity",
                           "add `severity: error` or `severity: warning`");
    }
    if (rule_.subject.kind == SubjectSpec::Kind::kTable &&
        rule_.subject.table.empty()) {
      missing.emplace_back(
          "subject",
          "add `subject:` with the table the rule is about, or "
          "`prefecture`");
    }
  } else if (rule_.subject.kind == SubjectSpec::Kind::kTable &&
             rule_.subject.table.empty()) {
    missing.emplace_back("subject",
                         "add `subject:` with the table whose rows are "
                         "scored, such as `assessments`");
  }
  if (kind_.period != nullptr && !rule_.period && !rule_.periods.present()) {
    missing.emplace_back("period", kind_.period);
  }
  for (size_t i = 0; i < kind_.args.size(); ++i) {
    if (kind_.args[i].required != nullptr && !args_[i].given &&
        !args_[i].misspelled) {
      missing.emplace_back(kind_.args[i].name, kind_.args[i].required);
    }
  }
  if (!kind_.at_least_one.empty() &&
      std::none_of(kind_.at_least_one.begin(), kind_.at_least_one.end(),
                   [&](const std::string& a) { return Has(a); })) {
    // (composition's bounds, the one kind with such a set)
    missing.emplace_back(kind_.at_least_one.front(),
                         "add `exactly:`, `at_least:` or `at_most:` with "
                         "how many there must be");
  }
  if (std::string(kind_.name) == "weighted_score" && Has("table") &&
      !Has("columns")) {
    missing.emplace_back("columns",
                         "add `columns:` with the columns of the scored "
                         "rows that the table repeats, such as "
                         "`[member_id, year]`");
  }
  if (missing.size() == 1) {
    Error("pack.missing", label_ + " has no " + Quote(missing[0].first),
          rule_.span, missing[0].second);
  } else if (!missing.empty()) {
    std::vector<std::string> keys;
    for (const auto& [key, unused] : missing) keys.push_back(key);
    Error("pack.missing", label_ + " has no " + OrList(keys), rule_.span,
          "see the `" + std::string(kind_.name) +
              "` section of docs/rules.md for what each is");
  }
  return ok_;
}

void Expander::Read(const ArgDef& def, const ExprText& text, const KindArgSpec& d,
                    Arg* out) {
  out->given = true;
  out->key = d.key;
  out->span = text.span;
  const auto bad = [&](std::string what, SourceSpan at) {
    Error("pack.bad_argument",
          "expected " + std::string(Expected(def.form)) + " for " +
              Quote(def.name) + ", found " + what,
          at);
  };
  const bool scalar = d.form == KindArgSpec::Form::kScalar;
  switch (def.form) {
    case ArgForm::kExpr:
      if (!scalar) return bad(Found(d.form, text), text.span);
      out->cel = text.text;
      return;
    case ArgForm::kWord:
      if (!scalar) return bad(Found(d.form, text), text.span);
      out->word = text.text;
      return;
    case ArgForm::kName:
      if (!scalar) return bad(Found(d.form, text), text.span);
      if (!Name(text.text, text.span)) return;
      out->word = text.text;
      return;
    case ArgForm::kList:
    case ArgForm::kMap: {
      const bool list = def.form == ArgForm::kList;
      if (scalar) {
        out->cel = text.text;
        return;
      }
      if (d.form != (list ? KindArgSpec::Form::kList
                          : KindArgSpec::Form::kMap)) {
        return bad(Found(d.form, text), text.span);
      }
      // A list or map of texts.
      std::string cel = list ? "[" : "{";
      for (size_t i = 0; i < d.items.size(); ++i) {
        const KindArgSpec::Item& item = d.items[i];
        if (item.form != KindArgSpec::Form::kScalar) {
          Error("pack.bad_argument",
                "expected a value in " + Quote(def.name) + ", found " +
                    Found(item.form, item.value),
                item.value.span,
                std::string("the items of a YAML ") +
                    (list ? "list" : "map") +
                    " here are texts; for anything else write a CEL "
                    "expression");
          continue;
        }
        if (i > 0) cel += ", ";
        if (!list) cel += CelString(item.name) + ": ";
        cel += CelString(item.value.text);
      }
      out->cel = cel + (list ? "]" : "}");
      return;
    }
    case ArgForm::kNames:
      if (scalar) {
        if (Name(text.text, text.span)) {
          out->entries.push_back({text.text, text.span, ""});
        }
        return;
      }
      if (d.form != KindArgSpec::Form::kList) {
        return bad(Found(d.form, text), text.span);
      }
      for (const KindArgSpec::Item& item : d.items) {
        if (item.form != KindArgSpec::Form::kScalar) {
          bad(Found(item.form, item.value) + " in the list",
              item.value.span);
        } else if (Name(item.value.text, item.value.span)) {
          out->entries.push_back({item.value.text, item.value.span, ""});
        }
      }
      return;
    case ArgForm::kExprMap:
      if (d.form != KindArgSpec::Form::kMap || d.items.empty()) {
        return bad(d.form == KindArgSpec::Form::kMap ? "an empty map"
                                                     : Found(d.form, text),
                   text.span);
      }
      for (const KindArgSpec::Item& item : d.items) {
        if (!Name(item.name, item.name_span)) continue;
        if (item.form != KindArgSpec::Form::kScalar) {
          Error("pack.bad_argument",
                "expected an expression for " + Quote(item.name) + " in " +
                    Quote(def.name) + ", found " +
                    Found(item.form, item.value),
                item.value.span);
          continue;
        }
        out->entries.push_back({item.name, item.name_span, item.value.text});
      }
      return;
  }
}

bool Expander::Name(const std::string& name, SourceSpan span) {
  if (IsIdentifier(name)) return true;
  Error("pack.bad_name", Quote(name) + " is not a name", span, kNameHelp);
  return false;
}

const Arg* Expander::Get(std::string_view name) const {
  for (size_t i = 0; i < kind_.args.size(); ++i) {
    if (kind_.args[i].name == name) {
      return args_[i].given ? &args_[i] : nullptr;
    }
  }
  return nullptr;
}

std::string Expander::Cel(std::string_view name) const {
  const Arg* a = Get(name);
  return a == nullptr ? "" : Splice(a->cel);
}

std::string Expander::Word(std::string_view name, std::string fallback) const {
  const Arg* a = Get(name);
  return a == nullptr ? fallback : a->word;
}

bool Expander::CheckGeneral() {
  for (const LetSpec& let : rule_.lets) {
    if (std::find(kind_.binds.begin(), kind_.binds.end(), let.name) !=
        kind_.binds.end()) {
      Error("pack.name_taken",
            "let " + Quote(let.name) + " is a name the " +
                Quote(kind_.name) + " kind gives",
            let.span,
            "a " + Quote(kind_.name) + " rule names " +
                QuoteList(kind_.binds) + "; call the let otherwise");
    }
  }
  return ok_;
}

std::string Expander::Precondition() const {
  return rule_.when.present() ? Splice(rule_.when.text) + " && " : "";
}

bool Expander::Row(const char* why, std::string* row) {
  if (rule_.subject.kind == SubjectSpec::Kind::kTable) {
    *row = rule_.subject.as;
    return true;
  }
  Error("pack.bad_subject",
        std::string(why) + " needs a subject table, one row per subject",
        rule_.subject.span, "write the table, such as `subject: leaders`");
  return false;
}

bool Expander::SubjectColumn(const std::string& column, SourceSpan at,
                             const std::string& help) {
  const TableSchema* t = pack_.schema.FindTable(rule_.subject.table);
  if (t == nullptr || t->FindColumn(column) != nullptr) return true;
  Error("pack.unknown_column",
        "table " + Quote(t->name) + " has no column " + Quote(column), at,
        help);
  return false;
}

bool Expander::SubjectDateColumn(const std::string& column, SourceSpan at,
                                 const std::string& help) {
  const TableSchema* t = pack_.schema.FindTable(rule_.subject.table);
  const ColumnSchema* c = t == nullptr ? nullptr : t->FindColumn(column);
  if (c == nullptr || c->type == CellType::kDate) return true;
  Error("pack.bad_argument",
        "column " + Quote(column) + " of table " + Quote(t->name) +
            " is of type " + Quote(CellTypeName(c->type)) + ", not `date`",
        at, help);
  return false;
}

bool Expander::Finish(const std::vector<std::pair<std::string, std::string>>& lets,
                      const std::string& when, const Message& message) {
  if (!ok_) return false;
  std::vector<Piece> pieces;
  for (const auto& [name, cel] : lets) {
    pieces.push_back({"let " + name + ": ", cel});
  }
  pieces.push_back({"when: ", when});
  const bool own_message = rule_.message.present();
  if (!own_message) {
    pieces.push_back({"message: ", message.en});
    pieces.push_back({"message.zh: ", message.zh});
  }
  const std::vector<ExprText> texts = Emit(pieces);
  for (size_t i = 0; i < lets.size(); ++i) {
    LetSpec let;
    let.name = lets[i].first;
    let.expr = texts[i];
    let.span = texts[i].span;
    rule_.lets.push_back(std::move(let));
  }
  rule_.when = texts[lets.size()];
  if (!own_message) {
    rule_.message = texts[lets.size() + 1];
    rule_.messages = {{"en", texts[lets.size() + 1]}, {"zh", texts[lets.size() + 2]}};
  }
  return true;
}

namespace {

// For an expression written as a block or multi-line scalar (`>-`): the
// file position of each byte of its folded text, where the file's lines
// read as that text with their breaks and indentation as single spaces;
// false otherwise (escapes, a `|` block's kept breaks inside a string).
bool FoldedPositions(const ExprText& e, const SourceManager& sources,
                     std::vector<uint32_t>* positions) {
  if (e.file == kNoFile || e.raw_end <= e.offset) return false;
  const std::string_view file = sources.text(e.file);
  if (e.raw_end > file.size()) return false;
  const std::string_view raw = file.substr(e.offset, e.raw_end - e.offset);
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  const std::string& text = e.text;
  size_t j = 0;
  for (size_t i = 0; i < text.size();) {
    if (j < raw.size() && text[i] == raw[j]) {
      positions->push_back(e.offset + static_cast<uint32_t>(j));
      ++i;
      ++j;
    } else if (j < raw.size() && space(raw[j])) {
      ++j;  // a line break or indentation the folding took out
    } else if (space(text[i])) {
      positions->push_back(e.offset + static_cast<uint32_t>(j));  // a break folded to a space
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void Expander::RecordPasted(const std::string& text, FileId file) {
  const auto is_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           (static_cast<unsigned char>(c) & 0x80) != 0;
  };
  // The kind's arguments, and the rule's own `when` (the precondition).
  std::vector<const ExprText*> pasted;
  for (const auto& [name, arg] : rule_.args) pasted.push_back(&arg);
  if (rule_.when.present()) pasted.push_back(&rule_.when);
  for (const ExprText* arg : pasted) {
    std::vector<uint32_t> positions;
    if (arg->text.empty() ||
        (!arg->exact && !FoldedPositions(*arg, sources_, &positions))) {
      continue;
    }
    for (size_t at = text.find(arg->text); at != std::string::npos;
         at = text.find(arg->text, at + 1)) {
      const size_t end = at + arg->text.size();
      if ((at > 0 && is_word(text[at - 1]) && is_word(arg->text.front())) ||
          (end < text.size() && is_word(text[end]) && is_word(arg->text.back()))) {
        continue;  // part of a longer name
      }
      pack_.pasted.push_back({{file, static_cast<uint32_t>(at), static_cast<uint32_t>(end)},
                              arg->file,
                              arg->offset,
                              positions});
    }
  }
}

std::vector<ExprText> Expander::Emit(const std::vector<Piece>& pieces) {
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const Piece& p : pieces) {
    text += p.prefix;
    const auto begin = static_cast<uint32_t>(text.size());
    text += p.text;
    ranges.emplace_back(begin, static_cast<uint32_t>(text.size()));
    text += '\n';
  }
  const SourceSpan at = rule_.kind_span.file != kNoFile ? rule_.kind_span
                                                        : rule_.span;
  const std::string name =
      sources_.name(at.file) + ":" +
      std::to_string(sources_.Locate(at.file, at.begin).line) +
      " (expanded " + kind_.name + ")";
  const FileId file = sources_.Add(name, text);
  RecordPasted(text, file);
  std::vector<ExprText> out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    ExprText e;
    e.text = pieces[i].text;
    e.file = file;
    e.offset = ranges[i].first;
    e.exact = true;
    e.span = {file, ranges[i].first, ranges[i].second};
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kinds

Diagnostics MapPasted(const PackSpec& pack, const Diagnostics& diags) {
  Diagnostics out;
  for (Diagnostic d : diags.items()) {
    for (const PastedText& p : pack.pasted) {
      const SourceSpan& in = p.in_expansion;
      if (d.span.file == in.file && in.begin <= d.span.begin && d.span.end <= in.end) {
        const uint32_t begin = d.span.begin - in.begin;
        const uint32_t end = d.span.end - in.begin;
        if (p.positions.empty()) {
          d.span = {p.file, p.offset + begin, p.offset + end};
        } else if (begin < p.positions.size()) {
          d.span = {p.file, p.positions[begin],
                    end > begin ? p.positions[end - 1] + 1 : p.positions[begin]};
        }
        break;
      }
    }
    out.Add(std::move(d));
  }
  return out;
}

void ExpandKinds(PackSpec& pack, SourceManager& sources, Diagnostics* diags) {
  std::vector<RuleSpec> rules;
  for (RuleSpec& rule : pack.rules) {
    const kinds::KindDef* kind = kinds::FindKind(rule.kind);
    if (kind == nullptr) {  // `check`: a general rule already
      rules.push_back(std::move(rule));
      continue;
    }
    kinds::Expander expander(pack, sources, diags, rule, *kind);
    if (expander.Expand() && rule.kind != "weighted_score") {
      rules.push_back(std::move(rule));
    }
  }
  pack.rules = std::move(rules);
}

}  // namespace zhucun::internal
