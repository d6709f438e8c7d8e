// Tests of examples/service: the real `zhucun_service` binary is started on
// port 0 (it prints `listening on http://HOST:PORT`) and spoken to over
// HTTP with httplib::Client; the answers are compared with the library's own
// Policy::Check on the same data. No timing assertions: waits have generous
// deadlines only so that a broken server fails the test instead of hanging.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "service.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/fact_table.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A path setting: the environment variable `name`, else its line in
// service_test_paths.txt beside the test binary (examples/service/CMakeLists.txt).
std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  if (v && *v) return v;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::ifstream f(exe.parent_path() / "service_test_paths.txt");
  const std::string prefix = std::string(name) + "=";
  for (std::string line; std::getline(f, line);) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return fallback;
}
std::string SourceDir() { return Env("ZHUCUN_SOURCE_DIR", "."); }
std::string SharedDir() { return Env("ZHUCUN_SHARED_DIR", SourceDir() + "/../shared"); }
std::string ServerBin() {
  return Env("ZHUCUN_SERVICE_BIN", "examples/service/zhucun_service");
}
std::string Pack() { return SourceDir() + "/rules/qiannan"; }
std::string ExampleData() { return SharedDir() + "/spec/example/data"; }

std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
void WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

// A temporary folder, removed at the end.
struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "zhucun-service-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

// The server binary, started with `args` on port 0.
class Server {
 public:
  explicit Server(std::vector<std::string> args) {
    args.insert(args.begin(), {ServerBin(), "--port", "0"});
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    out_ = out[0];
    // The first line: `listening on http://127.0.0.1:PORT`.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (pid_ > 0 && line.find('\n') == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 1000) <= 0) continue;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    first_line_ = line.substr(0, line.find('\n'));
    const std::string prefix = "listening on http://127.0.0.1:";
    if (first_line_.rfind(prefix, 0) == 0) port_ = std::stoi(first_line_.substr(prefix.size()));
  }
  ~Server() {
    if (pid_ > 0 && !stopped_) Stop(SIGKILL);
    if (out_ >= 0) close(out_);
  }

  int port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(300, 0);
    c.set_write_timeout(300, 0);
    return c;
  }
  // Sends `sig` and returns the exit status (-1 if it did not exit normally).
  int Stop(int sig = SIGTERM) {
    stopped_ = true;
    kill(pid_, sig);
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  bool stopped_ = false;
  std::string first_line_;
};

json Body(const httplib::Result& r) {
  if (!r) return json();
  return json::parse(r->body, nullptr, false);
}

// The example dataset as multipart parts, one per CSV file.
httplib::MultipartFormDataItems ExampleParts(const std::string& as_of) {
  httplib::MultipartFormDataItems items;
  items.push_back({"as_of", as_of, "", ""});
  for (const auto& e : fs::directory_iterator(ExampleData())) {
    if (e.path().extension() != ".csv") continue;
    items.push_back({e.path().stem().string(), ReadText(e.path().string()),
                     e.path().filename().string(), "text/csv"});
  }
  return items;
}

// The library's own report on the example dataset.
zhucun::Report LibraryReport(const std::shared_ptr<const zhucun::FactSet>& facts,
                             const zhucun::Policy& policy, const std::string& as_of) {
  zhucun::CheckOptions options;
  options.as_of = *zhucun::Date::Parse(as_of);
  auto report = policy.Check(facts, options);
  EXPECT_TRUE(report.ok());
  return std::move(report).value();
}

// The findings and derived tables of a 200 answer equal the library's.
void ExpectSameReport(const json& body, const zhucun::Report& expected) {
  ASSERT_TRUE(body.is_object()) << body;
  ASSERT_EQ(body["findings"].size(), expected.findings.size());
  for (size_t i = 0; i < expected.findings.size(); ++i) {
    const json& f = body["findings"][i];
    const zhucun::Finding& e = expected.findings[i];
    EXPECT_EQ(f["rule"], e.rule) << i;
    EXPECT_EQ(f["subject"], e.subject) << i;
    EXPECT_EQ(f["period"], e.period) << i;
    EXPECT_EQ(f["severity"], e.severity) << i;
    EXPECT_EQ(f["message"], e.message) << i;
  }
  ASSERT_EQ(body["derived"].size(), expected.derived.size());
  for (size_t d = 0; d < expected.derived.size(); ++d) {
    const json& t = body["derived"][d];
    const zhucun::DerivedTable& e = expected.derived[d];
    EXPECT_EQ(t["name"], e.name);
    EXPECT_EQ(t["columns"], json(e.columns));
    EXPECT_EQ(t["types"], json(e.types));
    ASSERT_EQ(t["rows"].size(), e.num_rows());
    for (size_t r = 0; r < e.num_rows(); ++r) EXPECT_EQ(t["rows"][r], json(e.Row(r))) << r;
  }
}

// Waits (up to a generous deadline) until GET /healthz satisfies `done`.
bool WaitForHealth(const Server& server, const std::function<bool(const json&)>& done) {
  auto client = server.Client();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    json h = Body(client.Get("/healthz"));
    if (h.is_object() && done(h)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// One server on the Qiannan pack for the tests that do not reload.
class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server({"--rules", Pack(), "--watch-ms", "0", "--threads", "2"});
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Stop(SIGTERM), 0);
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_GT(server_->port(), 0) << server_->first_line(); }

  static Server* server_;
};
Server* ServiceTest::server_ = nullptr;

TEST_F(ServiceTest, PrintsWhereItListens) {
  EXPECT_EQ(server_->first_line(),
            "listening on http://127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(ServiceTest, Healthz) {
  auto r = server_->Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  json body = Body(r);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["version"], 1);
}

TEST_F(ServiceTest, RulesAreThePacks) {
  auto r = server_->Client().Get("/rules");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json body = Body(r);
  zhucun::SourceManager sources;
  auto policy = zhucun::Policy::Load(Pack(), sources);
  ASSERT_TRUE(policy.ok());
  const zhucun::PackInfo info = policy.value().info();
  EXPECT_EQ(body["pack"]["name"], info.name);
  ASSERT_EQ(body["rules"].size(), info.rules.size());
  for (size_t i = 0; i < info.rules.size(); ++i) {
    EXPECT_EQ(body["rules"][i]["id"], info.rules[i].id);
    EXPECT_EQ(body["rules"][i]["kind"], info.rules[i].kind);
    EXPECT_EQ(body["rules"][i]["title"], info.rules[i].title);
    EXPECT_EQ(body["rules"][i]["severity"], info.rules[i].severity);
  }
  EXPECT_EQ(body["derived"], json(info.derived));
}

TEST_F(ServiceTest, CheckExampleDatasetMultipart) {
  zhucun::SourceManager sources;
  auto policy = zhucun::Policy::Load(Pack(), sources);
  ASSERT_TRUE(policy.ok());
  auto facts = zhucun::ReadCsvFolder(policy.value().schema(), ExampleData(), {}, sources);
  ASSERT_TRUE(facts.ok());
  const auto shared = std::make_shared<const zhucun::FactSet>(std::move(facts).value());
  const zhucun::Report expected = LibraryReport(shared, policy.value(), "2024-06-30");
  ASSERT_FALSE(expected.findings.empty());

  auto r = server_->Client().Post("/check", ExampleParts("2024-06-30"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 2000);
  json body = Body(r);
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["as_of"], "2024-06-30");
  ExpectSameReport(body, expected);
}

TEST_F(ServiceTest, CheckExampleDatasetAsJsonCsvStrings) {
  zhucun::SourceManager sources;
  auto policy = zhucun::Policy::Load(Pack(), sources);
  ASSERT_TRUE(policy.ok());
  auto facts = zhucun::ReadCsvFolder(policy.value().schema(), ExampleData(), {}, sources);
  ASSERT_TRUE(facts.ok());
  const auto shared = std::make_shared<const zhucun::FactSet>(std::move(facts).value());
  const zhucun::Report expected = LibraryReport(shared, policy.value(), "2024-06-30");

  json request = {{"tables", json::object()}};
  for (const auto& e : fs::directory_iterator(ExampleData())) {
    if (e.path().extension() != ".csv") continue;
    request["tables"][e.path().stem().string()] = ReadText(e.path().string());
  }
  // as_of in the query string this time.
  auto r = server_->Client().Post("/check?as_of=2024-06-30", request.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 2000);
  ExpectSameReport(Body(r), expected);
}

TEST_F(ServiceTest, CheckOneTeamJsonRows) {
  const json request = json::parse(ReadText(SourceDir() + "/examples/service/one_team.json"));
  zhucun::SourceManager sources;
  auto policy = zhucun::Policy::Load(Pack(), sources);
  ASSERT_TRUE(policy.ok());
  zhucun::FactSetBuilder builder(policy.value().schema());
  for (auto t = request["tables"].begin(); t != request["tables"].end(); ++t) {
    for (const json& row : t.value()) {
      std::vector<zhucun::NamedCell> cells;
      for (auto c = row.begin(); c != row.end(); ++c) {
        cells.emplace_back(c.key(), c.value().is_null()
                                        ? std::nullopt
                                        : std::optional<std::string>(c.value().get<std::string>()));
      }
      builder.AddRow(t.key(), cells);
    }
  }
  auto facts = builder.Finish();
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  const auto shared = std::make_shared<const zhucun::FactSet>(std::move(facts).value());
  const zhucun::Report expected = LibraryReport(shared, policy.value(), "2024-06-30");
  ASSERT_FALSE(expected.findings.empty());

  auto r = server_->Client().Post("/check", request.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 2000);
  json body = Body(r);
  ExpectSameReport(body, expected);
  ASSERT_EQ(body["tables"].size(), 5u);
  EXPECT_EQ(body["tables"][3]["table"], "teams");
  EXPECT_EQ(body["tables"][3]["read"], 1);
}

// A bad cell: strict mode answers 422 with the library's diagnostics, and
// lenient mode leaves the row out as an input.invalid finding.
TEST_F(ServiceTest, DataErrorsStrictAndLenient) {
  const std::string teams =
      "team_id,village_id,unit_id,start_date,end_date\n"
      "T1,V1,U1,2023-02-30,\n";
  const std::string villages = "village_id,county_id,township,name,category\nV1,C1,t,n,weak\n";
  const std::string counties = "county_id,name\nC1,c\n";
  const std::string units = "unit_id,name,level,sector\nU1,u,county,party_mass\n";
  httplib::MultipartFormDataItems items = {{"as_of", "2024-06-30", "", ""},
                                           {"teams", teams, "teams.csv", "text/csv"},
                                           {"villages", villages, "villages.csv", "text/csv"},
                                           {"counties", counties, "counties.csv", "text/csv"},
                                           {"units", units, "units.csv", "text/csv"}};
  auto r = server_->Client().Post("/check", items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  json body = Body(r);
  const std::string diagnostics = body["diagnostics"];
  EXPECT_NE(diagnostics.find("teams.csv:2:"), std::string::npos) << diagnostics;
  EXPECT_NE(diagnostics.find("2023-02-30"), std::string::npos) << diagnostics;
  ASSERT_FALSE(body["problems"].empty());
  EXPECT_EQ(body["problems"][0]["table"], "teams");
  EXPECT_EQ(body["problems"][0]["line"], 2);
  EXPECT_EQ(body["problems"][0]["column"], "start_date");

  items.push_back({"lenient", "true", "", ""});
  r = server_->Client().Post("/check", items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  body = Body(r);
  bool invalid = false;
  for (const json& f : body["findings"]) {
    invalid = invalid || (f["rule"] == "input.invalid" && f["subject"] == "teams:2");
  }
  EXPECT_TRUE(invalid) << body["findings"].dump();
}

struct BadCase {
  std::string name;
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
  int status;
  std::string message;  // a part of the `error` text
};

TEST_F(ServiceTest, BadRequests) {
  const std::string teams = R"("teams": [{"team_id": "T1"}])";
  const std::vector<BadCase> cases = {
      {"get check", "GET", "/check", "", "", 405, "`GET /check` is not allowed; /check takes POST"},
      {"delete rules", "DELETE", "/rules", "", "", 405, "/rules takes GET"},
      {"post healthz", "POST", "/healthz", "application/json", "{}", 405, "takes GET"},
      {"unknown path", "GET", "/nope", "", "", 404, "no such endpoint `GET /nope`"},
      {"csv body", "POST", "/check", "text/csv", "a,b\n", 415,
       "Content-Type `text/csv` is not supported"},
      {"form urlencoded", "POST", "/check", "application/x-www-form-urlencoded", "as_of=x", 415,
       "is not supported"},
      {"not json", "POST", "/check", "application/json", "{\"as_of\": ", 400,
       "the body is not valid JSON"},
      {"json array", "POST", "/check", "application/json", "[]", 400,
       "the body must be a JSON object"},
      {"no tables", "POST", "/check", "application/json", R"({"as_of": "2024-06-30"})", 400,
       "the JSON body has no `tables` object"},
      {"empty tables", "POST", "/check", "application/json",
       R"({"as_of": "2024-06-30", "tables": {}})", 400, "no tables given"},
      {"missing as_of", "POST", "/check", "application/json", "{\"tables\": {" + teams + "}}",
       400, "missing `as_of`"},
      {"bad as_of", "POST", "/check", "application/json",
       "{\"as_of\": \"2024-02-30\", \"tables\": {" + teams + "}}", 400,
       "`as_of` is `2024-02-30`, not a date; expected YYYY-MM-DD"},
      {"as_of number", "POST", "/check", "application/json",
       "{\"as_of\": 20240630, \"tables\": {" + teams + "}}", 400,
       "`as_of` must be a string YYYY-MM-DD, not number"},
      {"bad from", "POST", "/check", "application/json",
       "{\"as_of\": \"2024-06-30\", \"from\": \"yesterday\", \"tables\": {" + teams + "}}", 400,
       "`from` is `yesterday`, not a date"},
      {"as_of twice", "POST", "/check?as_of=2024-06-30", "application/json",
       "{\"as_of\": \"2024-06-30\", \"tables\": {" + teams + "}}", 400,
       "`as_of` is given twice (in the query and in the body)"},
      {"unknown query parameter", "POST", "/check?asof=2024-06-30", "application/json",
       "{\"tables\": {" + teams + "}}", 400, "unknown query parameter `asof`"},
      {"bad lenient", "POST", "/check?lenient=maybe&as_of=2024-06-30", "application/json",
       "{\"tables\": {" + teams + "}}", 400, "`lenient` is `maybe`; expected true or false"},
      {"unknown table", "POST", "/check", "application/json",
       R"({"as_of": "2024-06-30", "tables": {"member": []}})", 400,
       "unknown table `member`; did you mean `members`?"},
      {"unknown field", "POST", "/check", "application/json",
       "{\"as_of\": \"2024-06-30\", \"table\": {}, \"tables\": {" + teams + "}}", 400,
       "unknown field `table` in the JSON body"},
      {"table not rows", "POST", "/check", "application/json",
       R"({"as_of": "2024-06-30", "tables": {"teams": 3}})", 400,
       "`tables.teams` must be an array of row objects or a CSV string, not number"},
      {"row not object", "POST", "/check", "application/json",
       R"({"as_of": "2024-06-30", "tables": {"teams": [[1]]}})", 400,
       "`tables.teams[0]` must be an object"},
      {"cell not scalar", "POST", "/check", "application/json",
       R"({"as_of": "2024-06-30", "tables": {"teams": [{"team_id": {"a": 1}}]}})", 400,
       "`tables.teams[0].team_id` must be a string, number, boolean or null, not object"},
      {"unknown column in a row", "POST", "/check", "application/json",
       R"({"as_of": "2024-06-30", "tables": {"counties": [{"county_id": "C1", "name": "n", "nmae": "x"}]}})",
       422, "the data has errors"},
  };
  auto client = server_->Client();
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    httplib::Result r = c.method == "GET"      ? client.Get(c.path)
                        : c.method == "DELETE" ? client.Delete(c.path)
                                               : client.Post(c.path, c.body, c.content_type);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << r->body;
    json body = Body(r);
    ASSERT_TRUE(body.is_object()) << r->body;
    EXPECT_EQ(body["status"], c.status);
    const std::string error = body["error"];
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
    if (c.status == 405) {
      EXPECT_FALSE(r->get_header_value("Allow").empty());
    }
  }
}

TEST_F(ServiceTest, BadMultipartRequests) {
  auto client = server_->Client();
  // A part that is neither a table nor a field.
  auto r = client.Post("/check", httplib::MultipartFormDataItems{
                                     {"as_of", "2024-06-30", "", ""},
                                     {"teems", "team_id\n", "teems.csv", "text/csv"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Body(r)["error"].get<std::string>().find("unknown part `teems`; did you mean `teams`?"),
            std::string::npos)
      << r->body;
  // A table twice.
  r = client.Post("/check", httplib::MultipartFormDataItems{
                                {"as_of", "2024-06-30", "", ""},
                                {"counties", "county_id,name\n", "counties.csv", "text/csv"},
                                {"counties", "county_id,name\n", "counties.csv", "text/csv"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Body(r)["error"].get<std::string>().find("table `counties` is given twice"),
            std::string::npos)
      << r->body;
  // No as_of.
  r = client.Post("/check", httplib::MultipartFormDataItems{
                                {"counties", "county_id,name\n", "counties.csv", "text/csv"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("missing `as_of`"), std::string::npos) << r->body;
  // An empty CSV part is the library's empty-file error.
  r = client.Post("/check", httplib::MultipartFormDataItems{
                                {"as_of", "2024-06-30", "", ""},
                                {"counties", "", "counties.csv", "text/csv"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("csv.empty_file"), std::string::npos) << r->body;
  // A CSV header without a required column.
  r = client.Post("/check", httplib::MultipartFormDataItems{
                                {"as_of", "2024-06-30", "", ""},
                                {"counties", "county_id,nmae\nC1,x\n", "counties.csv", "text/csv"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("csv.missing_column"), std::string::npos) << r->body;
}

// A raw HTTP exchange on a new connection: what the server answers to
// `request` (until it closes the connection or `deadline_s` passes).
std::string RawExchange(int port, const std::string& request, int deadline_s = 120) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  (void)!write(fd, request.data(), request.size());
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(deadline_s);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 500) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return answer;
}

TEST_F(ServiceTest, LengthRequired) {
  // A chunked body: no length to hold against --max-body.
  std::string answer = RawExchange(
      server_->port(),
      "POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer;
  EXPECT_NE(answer.find("send it with a Content-Length"), std::string::npos) << answer;
  // POST /check with no body at all.
  answer = RawExchange(server_->port(),
                       "POST /check HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer;
}

// --max-body: a larger body is refused with 413 before it is parsed.
TEST(ServiceLimits, OversizeBody) {
  Server server({"--rules", Pack(), "--watch-ms", "0", "--max-body", "1000"});
  ASSERT_GT(server.port(), 0) << server.first_line();
  auto client = server.Client();
  const std::string big =
      "{\"as_of\": \"2024-06-30\", \"tables\": {\"counties\": \"county_id,name\\n" +
      std::string(5000, 'x') + "\"}}";
  auto r = client.Post("/check", big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  json body = Body(r);
  EXPECT_EQ(body["status"], 413);
  EXPECT_NE(body["error"].get<std::string>().find("the limit is 1000 bytes (--max-body)"),
            std::string::npos)
      << r->body;
  // A multipart body too.
  r = client.Post("/check", httplib::MultipartFormDataItems{
                                {"as_of", "2024-06-30", "", ""},
                                {"counties", std::string(5000, 'x'), "counties.csv", "text/csv"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // The server still serves.
  r = client.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.Stop(SIGINT), 0);
}

// --timeout: a body that stops arriving is answered 408 (the connection
// waited --timeout seconds for the rest).
TEST(ServiceLimits, BodyThatStopsArriving) {
  Server server({"--rules", Pack(), "--watch-ms", "0", "--timeout", "1"});
  ASSERT_GT(server.port(), 0) << server.first_line();
  const std::string answer =
      RawExchange(server.port(),
                  "POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Connection: close\r\nContent-Length: 100\r\n\r\n{\"as_of\": ");
  EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
  EXPECT_NE(answer.find("the request body did not arrive: 10 of 100 bytes"), std::string::npos)
      << answer;
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

// A copy of the Qiannan pack in a temporary folder, to edit.
struct PackCopy {
  PackCopy() {
    path = dir.path + "/qiannan";
    fs::copy(Pack(), path, fs::copy_options::recursive);
    good_rule = ReadText(path + "/visits.yaml");
  }
  void Break() { Replace("rules:\n  - id: [unclosed\n"); }
  void Fix(const std::string& comment) { Replace(good_rule + "\n# " + comment + "\n"); }
  // Writes the rule file whole, as an editor saves it (a new file renamed
  // over the old), so that the watcher never sees it half written.
  void Replace(const std::string& text) {
    WriteText(dir.path + "/visits.yaml.new", text);
    fs::rename(dir.path + "/visits.yaml.new", path + "/visits.yaml");
  }
  TempDir dir;
  std::string path;
  std::string good_rule;
};

TEST(ServiceReload, GoodAndBrokenPack) {
  PackCopy pack;
  Server server({"--rules", pack.path, "--watch-ms", "0"});
  ASSERT_GT(server.port(), 0) << server.first_line();
  auto client = server.Client();

  auto r = client.Post("/reload", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["version"], 2);

  pack.Break();
  r = client.Post("/reload", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["version"], 2);
  EXPECT_NE(body["error"].get<std::string>().find("did not load; version 2 keeps serving"),
            std::string::npos);
  EXPECT_NE(body["diagnostics"].get<std::string>().find("visits.yaml"), std::string::npos)
      << body["diagnostics"];

  // The old version keeps serving.
  r = client.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(Body(r)["version"], 2);
  EXPECT_EQ(Body(r)["failed_reloads"], 1);
  const std::string one_team = ReadText(SourceDir() + "/examples/service/one_team.json");
  r = client.Post("/check", one_team, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["version"], 2);
  r = client.Get("/rules");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  pack.Fix("fixed");
  // A POST without a body (no Content-Length) reloads too.
  const std::string answer =
      RawExchange(server.port(), "POST /reload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"version\":3"), std::string::npos) << answer;
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

TEST(ServiceReload, OnChangeOfThePackFolder) {
  PackCopy pack;
  Server server({"--rules", pack.path, "--watch-ms", "20"});
  ASSERT_GT(server.port(), 0) << server.first_line();

  pack.Fix("edited once");
  EXPECT_TRUE(WaitForHealth(server, [](const json& h) { return h["version"] >= 2; }));
  auto client = server.Client();
  json health = Body(client.Get("/healthz"));
  const uint64_t version = health["version"];
  const uint64_t failed = health["failed_reloads"];

  pack.Break();
  EXPECT_TRUE(WaitForHealth(server, [&](const json& h) { return h["failed_reloads"] > failed; }));
  // The old version keeps serving.
  EXPECT_EQ(Body(client.Get("/healthz"))["version"], version);
  const std::string one_team = ReadText(SourceDir() + "/examples/service/one_team.json");
  auto r = client.Post("/check", one_team, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["version"], version);

  pack.Fix("edited twice");
  EXPECT_TRUE(WaitForHealth(server, [&](const json& h) { return h["version"] > version; }));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

TEST(ServiceStart, BrokenPackAtStartExits) {
  PackCopy pack;
  pack.Break();
  Server server({"--rules", pack.path, "--watch-ms", "0"});
  EXPECT_EQ(server.port(), 0);
  EXPECT_EQ(server.Stop(SIGTERM), 2);
}

TEST(ServiceStart, StopsOnSigintAndRefusesAfterwards) {
  Server server({"--rules", Pack(), "--watch-ms", "0"});
  ASSERT_GT(server.port(), 0) << server.first_line();
  auto client = server.Client();
  ASSERT_TRUE(client.Get("/healthz"));
  EXPECT_EQ(server.Stop(SIGINT), 0);
  httplib::Client after("127.0.0.1", server.port());
  after.set_connection_timeout(5, 0);
  EXPECT_FALSE(after.Get("/healthz"));
}

// The glue without HTTP: Service::Check on a request built in memory.
TEST(ServiceClass, CheckWithoutHttp) {
  zhucun::service::ServiceOptions options;
  options.rules_dir = Pack();
  options.watch_ms = 0;
  options.threads = 2;
  zhucun::service::Service service(options);
  std::string error;
  ASSERT_TRUE(service.Start(&error)) << error;
  EXPECT_EQ(service.version(), 1u);
  zhucun::service::CheckRequest request;
  request.content_type = "application/json; charset=utf-8";
  request.body = ReadText(SourceDir() + "/examples/service/one_team.json");
  zhucun::service::Reply reply = service.Check(request);
  EXPECT_EQ(reply.status, 200) << reply.body;
  reply = service.Reload();
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(service.version(), 2u);
  request.content_type = "";
  EXPECT_EQ(service.Check(request).status, 415);
}

}  // namespace
