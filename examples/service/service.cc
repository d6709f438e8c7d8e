#include "service.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "zhucun/csv.h"
#include "zhucun/date.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"

namespace zhucun::service {
namespace {

using nlohmann::json;

// JSON text; invalid UTF-8 (a bad byte quoted in a diagnostic) becomes
// U+FFFD rather than an exception.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Reply JsonReply(int status, const json& j) { return Reply{status, Dump(j), {}}; }

std::string Quote(std::string_view s) { return "`" + std::string(s) + "`"; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// "multipart/form-data; boundary=x" -> "multipart/form-data".
std::string MediaType(const std::string& content_type) {
  return Lower(Trim(std::string_view(content_type).substr(0, content_type.find(';'))));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return out;
}

// A bad request: the message says exactly what is wrong.
struct BadRequest {
  int status = 400;
  std::string message;
};

// The request's fields besides the tables: as_of, from, lenient, each from
// the query string or the body (not both).
struct Fields {
  std::map<std::string, std::pair<std::string, std::string>> values;  // name -> (text, where)

  std::optional<BadRequest> Set(const std::string& name, std::string text,
                                const std::string& where) {
    auto [it, added] = values.try_emplace(name, std::move(text), where);
    if (!added) {
      return BadRequest{400, Quote(name) + " is given twice (in the " + it->second.second +
                                 " and in the " + where + "); give it once"};
    }
    return std::nullopt;
  }
};

const std::vector<std::string> kFieldNames = {"as_of", "from", "lenient"};

bool IsField(const std::string& name) {
  return std::find(kFieldNames.begin(), kFieldNames.end(), name) != kFieldNames.end();
}

std::vector<std::string> TableNames(const Schema& schema) {
  std::vector<std::string> names;
  for (const TableSchema& t : schema.tables) names.push_back(t.name);
  return names;
}

BadRequest UnknownTable(const std::string& name, const Schema& schema, const std::string& what) {
  const std::vector<std::string> names = TableNames(schema);
  const std::string best = ClosestMatch(name, names);
  return BadRequest{400, "unknown " + what + " " + Quote(name) +
                             (best.empty() ? "" : "; did you mean " + Quote(best) + "?") +
                             " (the pack's tables are " + JoinNames(names) +
                             (what == "part" ? "; the fields are as_of, from and lenient)"
                                             : ")")};
}

// One table of a request: CSV text, or rows of a JSON body.
struct TableInput {
  std::string csv;
  const json* rows = nullptr;  // a JSON array of objects
  bool is_csv = true;
};

// A JSON scalar as the text of a cell (nullopt: null).
std::optional<std::optional<std::string>> CellText(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return std::optional<std::string>();
    case json::value_t::string: return std::optional<std::string>(v.get<std::string>());
    case json::value_t::boolean: return std::optional<std::string>(v.get<bool>() ? "true" : "false");
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return std::optional<std::string>(v.dump());
    default: return std::nullopt;
  }
}

const char* JsonTypeName(const json& v) { return v.type_name(); }

// The fields and tables of a JSON body.
std::optional<BadRequest> ParseJson(const std::string& body, const Schema& schema,
                                    Fields* fields, json* doc,
                                    std::map<size_t, TableInput>* tables) {
  try {
    *doc = json::parse(body);
  } catch (const json::parse_error& e) {
    return BadRequest{400, std::string("the body is not valid JSON: ") + e.what()};
  }
  if (!doc->is_object()) {
    return BadRequest{400, std::string("the body must be a JSON object {\"as_of\": ..., "
                                       "\"tables\": {...}}, not ") +
                               JsonTypeName(*doc)};
  }
  bool has_tables = false;
  for (auto it = doc->begin(); it != doc->end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "as_of" || key == "from") {
      if (!v.is_string()) {
        return BadRequest{400, Quote(key) + " must be a string YYYY-MM-DD, not " +
                                   JsonTypeName(v)};
      }
      if (auto bad = fields->Set(key, v.get<std::string>(), "body")) return bad;
    } else if (key == "lenient") {
      if (!v.is_boolean()) {
        return BadRequest{400, "`lenient` must be true or false, not " +
                                   std::string(JsonTypeName(v))};
      }
      if (auto bad = fields->Set(key, v.get<bool>() ? "true" : "false", "body")) return bad;
    } else if (key == "tables") {
      has_tables = true;
      if (!v.is_object()) {
        return BadRequest{400, "`tables` must be an object of table name -> rows (an array of "
                               "objects) or CSV text (a string), not " +
                                   std::string(JsonTypeName(v))};
      }
      for (auto t = v.begin(); t != v.end(); ++t) {
        const int index = schema.TableIndex(t.key());
        if (index < 0) return UnknownTable(t.key(), schema, "table");
        TableInput in;
        if (t.value().is_string()) {
          in.csv = t.value().get<std::string>();
        } else if (t.value().is_array()) {
          in.is_csv = false;
          in.rows = &t.value();
          size_t i = 0;
          for (const json& row : t.value()) {
            const std::string at = "tables." + t.key() + "[" + std::to_string(i) + "]";
            if (!row.is_object()) {
              return BadRequest{400, Quote(at) + " must be an object of column -> value, not " +
                                         std::string(JsonTypeName(row))};
            }
            for (auto c = row.begin(); c != row.end(); ++c) {
              if (!CellText(c.value())) {
                return BadRequest{400, Quote(at + "." + c.key()) +
                                           " must be a string, number, boolean or null, not " +
                                           std::string(JsonTypeName(c.value()))};
              }
            }
            ++i;
          }
        } else {
          return BadRequest{400, Quote("tables." + t.key()) +
                                     " must be an array of row objects or a CSV string, not " +
                                     std::string(JsonTypeName(t.value()))};
        }
        (*tables)[static_cast<size_t>(index)] = std::move(in);
      }
    } else {
      return BadRequest{400, "unknown field " + Quote(key) +
                                 " in the JSON body; expected as_of, from, lenient and tables"};
    }
  }
  if (!has_tables) return BadRequest{400, "the JSON body has no `tables` object"};
  return std::nullopt;
}

// The fields and tables of a multipart/form-data body.
std::optional<BadRequest> ParseMultipart(const std::vector<FormPart>& parts,
                                         const Schema& schema, Fields* fields,
                                         std::map<size_t, TableInput>* tables) {
  for (const FormPart& p : parts) {
    if (IsField(p.name)) {
      if (auto bad = fields->Set(p.name, Trim(p.content), "form")) return bad;
      continue;
    }
    // A part may be named `teams` or `teams.csv`.
    std::string name = p.name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0) {
      name.resize(name.size() - 4);
    }
    const int index = schema.TableIndex(name);
    if (index < 0) return UnknownTable(p.name, schema, "part");
    if (tables->count(static_cast<size_t>(index)) > 0) {
      return BadRequest{400, "table " + Quote(name) + " is given twice; give each table once"};
    }
    TableInput in;
    in.csv = p.content;
    (*tables)[static_cast<size_t>(index)] = std::move(in);
  }
  return std::nullopt;
}

json DiagnosticsJson(const Diagnostics& diags) {
  json list = json::array();
  for (const Diagnostic& d : diags.items()) {
    json item = {{"severity", d.severity == Severity::kError     ? "error"
                              : d.severity == Severity::kWarning ? "warning"
                                                                 : "note"},
                 {"code", d.code},
                 {"message", d.message}};
    if (!d.help.empty()) item["help"] = d.help;
    if (d.cell) {
      item["table"] = d.cell->table;
      item["line"] = d.cell->line;
      item["column"] = d.cell->column;
      item["value"] = d.cell->value;
      item["expected"] = d.cell->expected;
    }
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace

Reply ErrorReply(int status, const std::string& message) {
  return JsonReply(status, json{{"status", status}, {"error", message}});
}

Service::Service(ServiceOptions options)
    : options_(std::move(options)),
      handle_(options_.rules_dir),
      pool_(std::make_shared<zhucun::ThreadPool>(options_.threads)) {}

Service::~Service() {
  {
    std::lock_guard<std::mutex> lock(watch_mutex_);
    stopping_ = true;
  }
  watch_wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void Service::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

bool Service::Start(std::string* error) {
  const std::string before = Fingerprint();
  PolicyHandle::Reloaded r = handle_.Reload();
  if (!r.ok) {
    if (error) *error = r.diagnostics.Render(*r.sources);
    return false;
  }
  if (options_.watch_ms > 0) {
    watcher_ = std::thread([this, before] {
      std::string last = before;
      std::unique_lock<std::mutex> lock(watch_mutex_);
      while (!watch_wake_.wait_for(lock, std::chrono::milliseconds(options_.watch_ms),
                                   [this] { return stopping_; })) {
        lock.unlock();
        const std::string now = Fingerprint();
        if (now != last) {
          last = now;
          ++watcher_reloads_;
          Reply reply = Reload();
          Log("pack folder changed: " + std::string(reply.status == 200 ? "reloaded" : "not reloaded") +
              ": " + reply.body);
        }
        lock.lock();
      }
    });
  }
  return true;
}

std::string Service::Fingerprint() const {
  namespace fs = std::filesystem;
  std::vector<std::string> entries;
  std::error_code ec;
  fs::recursive_directory_iterator it(options_.rules_dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2) || e2) continue;
    const auto size = it->file_size(e2);
    const auto mtime = it->last_write_time(e2);
    entries.push_back(it->path().string() + "\t" + std::to_string(size) + "\t" +
                      std::to_string(mtime.time_since_epoch().count()));
  }
  if (ec) entries.push_back("error\t" + ec.message());
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const std::string& e : entries) out += e + "\n";
  return out;
}

uint64_t Service::version() const {
  auto v = handle_.Current();
  return v ? v->number : 0;
}

Reply Service::Health() const {
  auto v = handle_.Current();
  if (!v) return ErrorReply(503, "no policy loaded");
  return JsonReply(200, json{{"status", "ok"},
                             {"version", v->number},
                             {"reloads", reloads_.load()},
                             {"failed_reloads", failed_reloads_.load()}});
}

Reply Service::Reload() {
  PolicyHandle::Reloaded r = handle_.Reload();
  if (!r.ok) {
    ++failed_reloads_;
    json j = {{"status", 422},
              {"error", "the pack in " + Quote(options_.rules_dir) +
                            " did not load; version " + std::to_string(r.number) +
                            " keeps serving"},
              {"version", r.number},
              {"diagnostics", r.diagnostics.Render(*r.sources)},
              {"problems", DiagnosticsJson(r.diagnostics)}};
    return JsonReply(422, j);
  }
  ++reloads_;
  json j = {{"status", 200}, {"version", r.number}};
  if (!r.diagnostics.empty()) j["warnings"] = r.diagnostics.Render(*r.sources);
  return JsonReply(200, j);
}

Reply Service::Rules() const {
  auto v = handle_.Current();
  if (!v) return ErrorReply(503, "no policy loaded");
  const PackInfo info = v->policy.info();
  json rules = json::array();
  for (const PackInfo::Rule& r : info.rules) {
    rules.push_back({{"id", r.id},
                     {"title", r.title},
                     {"kind", r.kind},
                     {"severity", r.severity},
                     {"source", r.source}});
  }
  json params = json::array();
  for (const PackInfo::Parameter& p : info.parameters) {
    params.push_back({{"name", p.name},
                      {"type", p.type},
                      {"value", p.value},
                      {"doc", p.doc},
                      {"source", p.source}});
  }
  json tables = json::array();
  for (const TableSchema& t : v->policy.schema().tables) {
    json columns = json::array();
    for (const ColumnSchema& c : t.columns) {
      columns.push_back({{"name", c.name},
                         {"type", CellTypeName(c.type)},
                         {"nullable", c.nullable}});
    }
    tables.push_back({{"name", t.name}, {"key", t.key}, {"columns", columns}});
  }
  return JsonReply(200, json{{"version", v->number},
                             {"pack", {{"name", info.name},
                                       {"version", info.version},
                                       {"title", info.title}}},
                             {"rules", rules},
                             {"parameters", params},
                             {"derived", info.derived},
                             {"summary_by", info.summary_by},
                             {"tables", tables}});
}

Reply Service::Check(const CheckRequest& request) const {
  // The version current when the request started serves it to the end.
  const std::shared_ptr<const PolicyHandle::Version> v = handle_.Current();
  if (!v) return ErrorReply(503, "no policy loaded");
  const Schema& schema = v->policy.schema();

  const std::string media = MediaType(request.content_type);
  if (media != "multipart/form-data" && media != "application/json") {
    return ErrorReply(415, (request.content_type.empty()
                                ? std::string("no Content-Type")
                                : "Content-Type " + Quote(request.content_type) +
                                      " is not supported") +
                               "; send the tables as multipart/form-data (one CSV part per "
                               "table) or as application/json");
  }
  Fields fields;
  for (const auto& [name, value] : request.query) {
    if (!IsField(name)) {
      return ErrorReply(400, "unknown query parameter " + Quote(name) +
                                 "; expected as_of, from or lenient");
    }
    if (auto bad = fields.Set(name, value, "query")) return ErrorReply(bad->status, bad->message);
  }
  std::map<size_t, TableInput> tables;  // schema index -> input
  json doc;
  std::optional<BadRequest> bad =
      media == "multipart/form-data"
          ? ParseMultipart(request.parts, schema, &fields, &tables)
          : ParseJson(request.body, schema, &fields, &doc, &tables);
  if (bad) return ErrorReply(bad->status, bad->message);

  // The fields.
  const auto field = [&](const std::string& name) -> const std::string* {
    auto it = fields.values.find(name);
    return it == fields.values.end() ? nullptr : &it->second.first;
  };
  CheckOptions options;
  const std::string* as_of = field("as_of");
  if (!as_of) {
    return ErrorReply(400, "missing `as_of`: the evaluation date YYYY-MM-DD, as a query "
                           "parameter or a field of the body");
  }
  if (auto d = Date::Parse(*as_of)) {
    options.as_of = *d;
  } else {
    return ErrorReply(400, "`as_of` is " + Quote(*as_of) +
                               ", not a date; expected YYYY-MM-DD (a real calendar date)");
  }
  if (const std::string* from = field("from")) {
    if (auto d = Date::Parse(*from)) {
      options.from = *d;
    } else {
      return ErrorReply(400, "`from` is " + Quote(*from) +
                                 ", not a date; expected YYYY-MM-DD (a real calendar date)");
    }
  }
  bool lenient = false;
  if (const std::string* l = field("lenient")) {
    const std::string t = Lower(*l);
    if (t == "true" || t == "1" || t == "yes") {
      lenient = true;
    } else if (t == "false" || t == "0" || t == "no" || t.empty()) {
      lenient = false;
    } else {
      return ErrorReply(400, "`lenient` is " + Quote(*l) + "; expected true or false");
    }
  }
  if (tables.empty()) {
    return ErrorReply(400, "no tables given; send at least one of " +
                               JoinNames(TableNames(schema)) +
                               " (a table not given is empty)");
  }

  // The facts: CSV through the library's CSV reader (ReadCsvTable, as
  // `zhucun check` reads a folder's files), rows through FactSetBuilder.
  SourceManager sources;
  FactSetBuilder builder(schema);
  for (auto& [index, in] : tables) {
    const std::string& name = schema.tables[index].name;
    if (in.is_csv) {
      std::string text = in.csv;
      // A byte-order mark is allowed and ignored, as in a file.
      if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
      if (text.empty()) {
        const FileId file = sources.Add(name + ".csv", "");
        builder.AddFileError(
            index, Diagnostic{Severity::kError, "csv.empty_file",
                              Quote(name + ".csv") +
                                  " is empty (0 bytes); a CSV table needs a header line",
                              SourceSpan{file, 0, 0}, ""});
        continue;
      }
      const FileId file = sources.Add(name + ".csv", std::move(text));
      ReadCsvTable(index, file, sources, builder);
    } else {
      std::vector<NamedCell> cells;
      for (const json& row : *in.rows) {
        cells.clear();
        for (auto c = row.begin(); c != row.end(); ++c) {
          cells.emplace_back(c.key(), *CellText(c.value()));
        }
        builder.AddRow(name, cells);
      }
    }
  }
  Result<FactSet> facts = builder.Finish(lenient ? Strictness::kLenient : Strictness::kStrict,
                                         options_.max_listed);
  if (!facts.ok()) {
    return JsonReply(422, json{{"status", 422},
                               {"error", "the data has errors (strict mode; lenient=true "
                                         "leaves bad rows out)"},
                               {"diagnostics", facts.diagnostics().Render(sources)},
                               {"problems", DiagnosticsJson(facts.diagnostics())}});
  }
  const auto shared = std::make_shared<const FactSet>(std::move(facts).value());

  options.pool = pool_;
  Result<Report> report = v->policy.Check(shared, options);
  if (!report.ok()) {
    return JsonReply(422, json{{"status", 422},
                               {"error", "the check failed"},
                               {"version", v->number},
                               {"diagnostics", report.diagnostics().Render(*v->sources)},
                               {"problems", DiagnosticsJson(report.diagnostics())}});
  }
  const Report& r = report.value();

  json findings = json::array();
  for (const Finding& f : r.findings) {
    findings.push_back({{"rule", f.rule},
                        {"subject", f.subject},
                        {"period", f.period},
                        {"severity", f.severity},
                        {"message", f.message}});
  }
  json derived = json::array();
  for (const DerivedTable& d : r.derived) {
    json rows = json::array();
    for (size_t i = 0; i < d.num_rows(); ++i) rows.push_back(d.Row(i));
    derived.push_back({{"name", d.name}, {"columns", d.columns}, {"types", d.types},
                       {"rows", std::move(rows)}});
  }
  json stats = json::array();
  for (const TableStats& s : shared->stats()) {
    if (tables.count(static_cast<size_t>(schema.TableIndex(s.table))) == 0) continue;
    stats.push_back({{"table", s.table}, {"read", s.read}, {"accepted", s.accepted},
                     {"rejected", s.rejected}});
  }
  size_t errors = 0;
  for (const Finding& f : r.findings) errors += f.severity == "error" ? 1 : 0;
  json out = {{"version", v->number},
              {"as_of", options.as_of.ToString()},
              {"from", options.from ? json(options.from->ToString()) : json(nullptr)},
              {"lenient", lenient},
              {"tables", std::move(stats)},
              {"errors", errors},
              {"warnings", r.findings.size() - errors},
              {"findings", std::move(findings)},
              {"derived", std::move(derived)}};
  std::string notes = facts.diagnostics().Render(sources);
  notes += report.diagnostics().Render(*v->sources);
  if (!notes.empty()) out["diagnostics"] = notes;
  return JsonReply(200, out);
}

}  // namespace zhucun::service
