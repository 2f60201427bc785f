// The emulator's shared state and the handlers that answer each route, behind
// accounts_emulator's public face. Every member is guarded by `mutex`.
#pragma once

#include "emulator/accounts_emulator.hpp"
#include "emulator/authorize.hpp"
#include "emulator/token_endpoint.hpp"

#include <functional>
#include <mutex>
#include <optional>

namespace tokenswap::emulator {

struct accounts_emulator::state {
  mutable std::mutex mutex;
  clock_function clock;
  client_registry clients;
  grant_store grants;
  pending_consents pending;
  approvals approved;
  token_policy policy;
  bool auto_approve = false;
  bool auto_deny = false;
  std::chrono::seconds code_lifetime{600};
  std::chrono::milliseconds latency{0};
  user_profile user;
  fault_plan faults;
  emulator_counters counters;
  std::uint64_t grants_since_purge = 0;

  time_point now() const { return clock ? clock() : std::chrono::system_clock::now(); }
  std::string issue_code(const authorize_request& request, time_point at);
  void count_grant(std::string_view grant_type);
  void maybe_purge(time_point at);

  net::awaitable<void> wait_latency();
  net::awaitable<web::response> token_call(const web::request& req, web::request_info info);
  net::awaitable<web::response> web_api_call(const web::request& req, web::request_info info,
                                             std::string_view path, std::string_view query);
  web::response browser_call(const web::request& req, std::string_view path,
                             std::string_view query);
  web::response authorize(std::string_view query);
  web::response decide(std::string_view body);
  web::response token(const web::request& req);
  web::response web_api(const web::request& req, std::string_view path, std::string_view query);
  web::response static_content(http::verb method, std::string_view path);
  std::optional<fault> take_fault(fault_target where);
  net::awaitable<web::response> with_faults(fault_target where, web::request_info info,
                                            std::function<web::response()> answer);
};

} // namespace tokenswap::emulator
