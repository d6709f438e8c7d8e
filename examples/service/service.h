#ifndef ZHUCUN_EXAMPLES_SERVICE_SERVICE_H_
#define ZHUCUN_EXAMPLES_SERVICE_SERVICE_H_

// The zhucun side of the HTTP service (README.md): each endpoint is a
// function from the request's data to a status and a JSON body, with no
// HTTP library in sight, so that it can be tested and reused; main.cc maps
// cpp-httplib's requests onto these. The policy is a zhucun::PolicyHandle
// (reloaded by POST /reload and by a watcher thread that polls the pack
// folder), and every check runs on one shared zhucun::ThreadPool.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "zhucun/policy_handle.h"
#include "zhucun/thread_pool.h"

namespace zhucun::service {

// What an endpoint answers: an HTTP status and a JSON body.
struct Reply {
  int status = 200;
  std::string body;  // JSON
  // Extra response headers (e.g. `Allow` with a 405).
  std::vector<std::pair<std::string, std::string>> headers;
};

// A JSON error body: {"status": S, "error": message}.
Reply ErrorReply(int status, const std::string& message);

struct ServiceOptions {
  // The pack folder (holds pack.yaml and schema.yaml).
  std::string rules_dir = "rules/qiannan";
  // Threads of the shared pool the checks run on (0: one per core).
  unsigned threads = 0;
  // How often the watcher polls the pack folder, in milliseconds (0: no
  // watcher).
  unsigned watch_ms = 1000;
  // The most data diagnostics listed in a 422 (the rest are counted).
  size_t max_listed = 100;
  // Where the service reports reloads (one line each, no newline); null:
  // nowhere.
  std::function<void(const std::string&)> log;
};

// One part of a multipart/form-data body.
struct FormPart {
  std::string name;
  std::string filename;
  std::string content;
};

// The parts of a POST /check that matter.
struct CheckRequest {
  // The Content-Type header as sent ("" when absent).
  std::string content_type;
  // The raw body (a JSON body).
  std::string body;
  // The parts of a multipart/form-data body.
  std::vector<FormPart> parts;
  // Query parameters, in order (a name may repeat).
  std::vector<std::pair<std::string, std::string>> query;
};

class Service {
 public:
  explicit Service(ServiceOptions options);
  // Stops the watcher; waits for nothing else (requests are the caller's).
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The first load of the pack; then starts the watcher (if watch_ms > 0).
  // Not ok: the diagnostics in `error` (rendered), and no watcher.
  bool Start(std::string* error);

  // POST /check.
  Reply Check(const CheckRequest& request) const;
  // GET /rules.
  Reply Rules() const;
  // POST /reload.
  Reply Reload();
  // GET /healthz.
  Reply Health() const;

  // The current policy version (0 before the first load).
  uint64_t version() const;
  // Reloads the watcher made, whether the pack loaded or not.
  uint64_t watcher_reloads() const { return watcher_reloads_.load(); }

 private:
  // A fingerprint of the pack folder's files (paths, sizes, mtimes).
  std::string Fingerprint() const;
  void Watch();
  void Log(const std::string& line) const;

  ServiceOptions options_;
  zhucun::PolicyHandle handle_;
  std::shared_ptr<zhucun::ThreadPool> pool_;
  std::atomic<uint64_t> reloads_{0};
  std::atomic<uint64_t> failed_reloads_{0};
  std::atomic<uint64_t> watcher_reloads_{0};

  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace zhucun::service

#endif  // ZHUCUN_EXAMPLES_SERVICE_SERVICE_H_
