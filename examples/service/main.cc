// zhucun_service: the HTTP front of service.h (README.md). Parses the
// command line, maps cpp-httplib requests onto zhucun::service::Service,
// answers errors of HTTP itself (unknown path, wrong method, body too large,
// unreadable request) as JSON, and stops cleanly on SIGINT and SIGTERM.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include "service.h"

namespace {

using zhucun::service::ErrorReply;
using zhucun::service::Reply;

void Send(const Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, "application/json");
}

// The endpoints and the methods each takes.
const std::map<std::string, std::string> kEndpoints = {
    {"/check", "POST"}, {"/healthz", "GET"}, {"/reload", "POST"}, {"/rules", "GET"}};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"An HTTP service that checks fact tables against a zhucun policy pack"};
  std::string host = "127.0.0.1";
  int port = 8080;
  unsigned threads = 0;
  size_t max_body = 64u << 20;
  unsigned timeout = 30;
  unsigned http_threads = 16;
  zhucun::service::ServiceOptions options;
  app.add_option("--host", host, "The address to listen on")->capture_default_str();
  app.add_option("--port", port, "The port (0: pick a free one and print it)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--rules", options.rules_dir, "The policy pack folder")->capture_default_str();
  app.add_option("--threads", threads,
                 "Threads of the pool the checks share (0: one per core)")
      ->capture_default_str();
  app.add_option("--max-body", max_body, "The largest request body, in bytes (larger: 413)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--timeout", timeout,
                 "Seconds a read or write of the connection may wait (a body that stops "
                 "arriving: 408 or 400)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600u));
  app.add_option("--http-threads", http_threads,
                 "Threads that serve connections (a kept-alive connection holds one "
                 "while it is open)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--watch-ms", options.watch_ms,
                 "Poll the pack folder every N ms and reload when a file changed (0: off)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.threads = threads;

  // A client that goes away mid-response must not kill the process, and
  // SIGINT/SIGTERM go to one thread that stops the server (blocked in every
  // thread, which inherit the mask, and taken with sigwait).
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::mutex log_mutex;
  options.log = [&log_mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex);
    std::cerr << "zhucun_service: " << line << std::endl;
  };
  zhucun::service::Service service(options);
  std::string error;
  if (!service.Start(&error)) {
    std::cerr << "zhucun_service: the pack in `" << options.rules_dir << "` did not load:\n"
              << error;
    return 2;
  }

  httplib::Server server;
  server.set_payload_max_length(max_body);
  server.set_read_timeout(static_cast<time_t>(timeout), 0);
  server.set_write_timeout(static_cast<time_t>(timeout), 0);
  // cpp-httplib serves each connection on one thread of its pool for as
  // long as it is kept alive; a connection is closed after 100 requests
  // (or 5 s idle) so that connections waiting for a thread get their turn.
  server.new_task_queue = [http_threads] { return new httplib::ThreadPool(http_threads); };
  server.set_keep_alive_max_count(100);
  server.set_tcp_nodelay(true);

  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    Send(service.Health(), res);
  });
  server.Get("/rules", [&](const httplib::Request&, httplib::Response& res) {
    Send(service.Rules(), res);
  });
  server.Post("/reload", [&](const httplib::Request&, httplib::Response& res) {
    Send(service.Reload(), res);
  });
  server.Post("/check", [&](const httplib::Request& req, httplib::Response& res) {
    zhucun::service::CheckRequest request;
    request.content_type = req.get_header_value("Content-Type");
    request.body = req.body;
    for (const auto& [name, file] : req.files) {
      request.parts.push_back({name, file.filename, file.content});
    }
    for (const auto& [name, value] : req.params) request.query.emplace_back(name, value);
    Send(service.Check(request), res);
  });

  // A body sent in chunks has no length to check against --max-body before
  // it is read (cpp-httplib 0.11 applies the limit to a Content-Length
  // only): ask for a Content-Length instead, with `Connection: close`
  // (the unread body cannot be skipped). A POST with neither header has no
  // body (RFC 9112), but cpp-httplib would read one until the connection
  // closes: POST /reload is answered here, POST /check asks for a length.
  server.set_pre_routing_handler([&service](const httplib::Request& req,
                                            httplib::Response& res) {
    const std::string te = req.get_header_value("Transfer-Encoding");
    if (!te.empty() && te != "identity") {
      Send(ErrorReply(411, "a body with Transfer-Encoding " + te +
                               " is not accepted; send it with a Content-Length"),
           res);
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "POST" && !req.has_header("Content-Length")) {
      if (req.path == "/reload") {
        Send(service.Reload(), res);
      } else {
        Send(ErrorReply(411, "`POST " + req.path + "` without a Content-Length; send the "
                                 "body with a Content-Length"),
             res);
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Errors that httplib answers itself (no handler wrote a body): JSON
  // bodies that say what is wrong.
  const size_t limit = max_body;
  const httplib::Server::Handler on_error = [limit, timeout](const httplib::Request& req,
                                                             httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own answer
    const std::string what = "`" + req.method + " " + req.path + "`";
    Reply reply;
    if (res.status == 404) {
      auto it = kEndpoints.find(req.path);
      if (it != kEndpoints.end()) {
        reply = ErrorReply(405, what + " is not allowed; " + req.path + " takes " + it->second);
        reply.headers.emplace_back("Allow", it->second);
      } else {
        reply = ErrorReply(404, "no such endpoint " + what +
                                    "; the endpoints are GET /healthz, GET /rules, "
                                    "POST /check and POST /reload");
      }
    } else if (res.status == 413) {
      reply = ErrorReply(413, "the request body is " + req.get_header_value("Content-Length") +
                                  " bytes; the limit is " + std::to_string(limit) +
                                  " bytes (--max-body)");
    } else if (res.status == 400 && req.has_header("Content-Length") &&
               !req.is_multipart_form_data() &&
               req.body.size() < req.get_header_value<uint64_t>("Content-Length")) {
      reply = ErrorReply(408, "the request body did not arrive: " +
                                  std::to_string(req.body.size()) + " of " +
                                  req.get_header_value("Content-Length") +
                                  " bytes came before the connection waited " +
                                  std::to_string(timeout) + " s (--timeout) or closed");
    } else if (res.status == 400) {
      reply = ErrorReply(400, "the request could not be read: malformed HTTP, a malformed "
                              "multipart body, or a body that stopped arriving for " +
                                  std::to_string(timeout) + " s (--timeout)");
    } else {
      reply = ErrorReply(res.status, "HTTP error " + std::to_string(res.status) + " on " + what);
    }
    Send(reply, res);
  };
  server.set_error_handler(on_error);
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Send(ErrorReply(500, "internal error: " + what), res);
      });

  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    std::cerr << "zhucun_service: cannot listen on " << host << ":" << port << "\n";
    return 2;
  }
  std::cout << "listening on http://" << host << ":" << bound << std::endl;

  std::atomic<bool> listen_done{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (listen_done.load()) return;
    options.log(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    // stop() acts only once the server runs; repeat until listen returned.
    while (!listen_done.load()) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const bool ok = server.listen_after_bind();
  listen_done.store(true);
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  stopper.join();
  options.log("stopped");
  return ok ? 0 : 1;
}
