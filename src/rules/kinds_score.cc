// `weighted_score` (src/rules/kinds_expander.h): a domain kind that gives
// no findings but defines two functions, `<score>(row)` and `<grade>(row)`,
// and optionally a derived table with a row per scored row.

#include <cstddef>
#include <string>
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/kinds_expander.h"

namespace zhucun::internal::kinds {

bool Expander::WeightedScore() {
  // Keys that would make findings.
  std::vector<std::string> keys;
  if (!rule_.severity.empty()) keys.emplace_back("severity");
  if (rule_.period || rule_.periods.present()) keys.emplace_back("period");
  if (!rule_.lets.empty()) keys.emplace_back("let");
  if (rule_.when.present()) keys.emplace_back("when");
  if (rule_.message.present()) keys.emplace_back("message");
  if (!keys.empty()) {
    Error("pack.not_for_kind",
          "a `weighted_score` rule gives no findings, so it has no " +
              OrList(keys),
          rule_.span,
          "it defines the functions named by `score:` and `grade:` for "
          "other rules, and the table named by `table:`; remove " +
              QuoteList(keys));
  }
  std::string row;
  if (!Row("a `weighted_score`", &row)) return false;
  const TableSchema* table = pack_.schema.FindTable(rule_.subject.table);
  std::vector<std::string> columns;
  if (table != nullptr) {
    for (const ColumnSchema& c : table->columns) columns.push_back(c.name);
  }
  const auto check_column = [&](const Arg::Entry& e) {
    if (table == nullptr || table->FindColumn(e.name) != nullptr) return;
    std::string help = DidYouMean(e.name, columns);
    if (help.empty()) help = "the columns are " + QuoteList(columns);
    Error("pack.unknown_column",
          "table " + Quote(table->name) + " has no column " + Quote(e.name),
          e.span, std::move(help));
  };
  for (const Arg::Entry& e : Get("weights")->entries) check_column(e);
  if (Has("columns")) {
    for (const Arg::Entry& e : Get("columns")->entries) check_column(e);
  }

  // The names it defines.
  const std::string score = Word("score", "");
  const std::string grade = Word("grade", "");
  for (const Arg* a : {Get("score"), Get("grade")}) {
    for (const FunctionSpec& f : pack_.functions) {
      if (f.name == a->word) {
        Error("pack.bad_function",
              "function " + Quote(a->word) + " is defined twice", a->span,
              "the function is first defined " +
                  Where(f.span, a->span.file));
      }
    }
  }
  if (score == grade) {
    Error("pack.bad_function",
          "function " + Quote(grade) + " is defined twice",
          Get("grade")->span, "the score and the grade need two names");
  }
  std::string name;
  if (Has("table")) {
    name = Get("table")->word;
    for (const DerivedSpec& d : pack_.derived) {
      if (d.name == name) {
        Error("pack.duplicate_table", "duplicate derived table " + Quote(name),
              Get("table")->span,
              "the table is first defined " +
                  Where(d.span, Get("table")->span.file));
      }
    }
    for (const Arg::Entry& e : Get("columns")->entries) {
      if (e.name == score || e.name == grade) {
        Error("pack.bad_argument",
              "column " + Quote(e.name) + " is also the name of the " +
                  (e.name == score ? "score" : "grade"),
              e.span, "the table has the columns, then the score and the grade");
      }
    }
  }
  if (!ok_) return false;

  // score(row) = w1 * row.c1 + w2 * row.c2 + ...
  std::string score_cel;
  for (const Arg::Entry& e : Get("weights")->entries) {
    score_cel += (score_cel.empty() ? "" : " + ") + Splice(e.cel) + " * " +
                 row + "." + e.name;
  }
  // grade(row): `invalid` for a score out of range, else the first band
  // whose minimum the score reaches.
  std::string valid;
  for (const Arg::Entry& e : Get("weights")->entries) {
    const std::string column = row + "." + e.name;
    if (Has("min_score")) {
      valid += (valid.empty() ? "" : " && ") + Cel("min_score") + " <= " +
               column;
    }
    if (Has("max_score")) {
      valid += (valid.empty() ? "" : " && ") + column + " <= " +
               Cel("max_score");
    }
  }
  std::string grade_cel;
  if (!valid.empty()) {
    grade_cel = "!(" + valid + ") ? " +
                CelString(Word("invalid", "invalid")) + " : ";
  }
  const std::string call = score + "(" + row + ")";
  for (const Arg::Entry& e : Get("grades")->entries) {
    grade_cel += call + " >= " + Splice(e.cel) + " ? " + CelString(e.name) +
                 " : ";
  }
  grade_cel += CelString(Get("otherwise")->word);

  std::vector<Piece> pieces = {{score + "(" + row + "): ", score_cel},
                               {grade + "(" + row + "): ", grade_cel}};
  std::vector<std::string> column_names;
  if (Has("table")) {
    for (const Arg::Entry& e : Get("columns")->entries) {
      column_names.push_back(e.name);
      pieces.push_back({name + "." + e.name + ": ", row + "." + e.name});
    }
    column_names.push_back(score);
    pieces.push_back({name + "." + score + ": ",
                      Has("round") ? "round(" + call + ", " + Cel("round") +
                                         ")"
                                   : call});
    column_names.push_back(grade);
    pieces.push_back({name + "." + grade + ": ", grade + "(" + row + ")"});
  }
  const std::vector<ExprText> texts = Emit(pieces);
  for (size_t i = 0; i < 2; ++i) {
    FunctionSpec f;
    f.name = i == 0 ? score : grade;
    f.params = {row};
    f.body = texts[i];
    f.span = Get(i == 0 ? "score" : "grade")->span;
    pack_.functions.push_back(std::move(f));
  }
  if (Has("table")) {
    DerivedSpec d;
    d.name = name;
    d.from = rule_.subject.table;
    d.as = row;
    d.span = Get("table")->span;
    for (size_t i = 0; i < column_names.size(); ++i) {
      d.columns.emplace_back(column_names[i], texts[2 + i]);
    }
    for (const Arg::Entry& e : Get("columns")->entries) {
      d.sort_by.push_back(e.name);
    }
    pack_.derived.push_back(std::move(d));
  }
  return true;
}

}  // namespace zhucun::internal::kinds
