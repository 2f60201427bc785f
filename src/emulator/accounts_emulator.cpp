#include "emulator/accounts_emulator.hpp"

#include "emulator/accounts_state.hpp"
#include "emulator/scopes.hpp"

#include <stdexcept>

namespace tokenswap::emulator {

accounts_emulator::accounts_emulator(emulator_settings settings, clock_function clock)
    : state_(std::make_unique<state>()) {
  if (settings.clients.empty()) {
    settings.clients.push_back(default_client());
  }
  std::vector<std::string> problems;
  for (auto& client : settings.clients) {
    auto found = state_->clients.add(std::move(client));
    problems.insert(problems.end(), found.begin(), found.end());
  }
  if (!problems.empty()) {
    std::string text = "invalid emulator client";
    for (const auto& problem : problems) {
      text += "; " + problem;
    }
    throw std::invalid_argument(text);
  }
  state_->clock = std::move(clock);
  state_->auto_approve = settings.auto_approve;
  state_->auto_deny = settings.auto_deny;
  state_->policy.rotate_refresh_tokens = settings.rotate_refresh_tokens;
  state_->policy.access_lifetime = settings.token_lifetime;
  state_->code_lifetime = settings.code_lifetime;
  state_->latency = settings.latency;
  state_->user = std::move(settings.user);
}

accounts_emulator::~accounts_emulator() = default;

std::vector<std::string> accounts_emulator::register_client(registered_client client) {
  std::lock_guard lock(state_->mutex);
  return state_->clients.add(std::move(client));
}

void accounts_emulator::set_auto_approve(bool on) {
  std::lock_guard lock(state_->mutex);
  state_->auto_approve = on;
}

void accounts_emulator::set_auto_deny(bool on) {
  std::lock_guard lock(state_->mutex);
  state_->auto_deny = on;
}

void accounts_emulator::set_rotate_refresh_tokens(bool on) {
  std::lock_guard lock(state_->mutex);
  state_->policy.rotate_refresh_tokens = on;
}

void accounts_emulator::set_token_lifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(state_->mutex);
  state_->policy.access_lifetime = lifetime;
}

void accounts_emulator::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(state_->mutex);
  state_->latency = latency;
}

void accounts_emulator::inject_fault(fault planned) {
  std::lock_guard lock(state_->mutex);
  state_->faults.add(planned);
}

void accounts_emulator::clear_faults() {
  std::lock_guard lock(state_->mutex);
  state_->faults.clear();
}

void accounts_emulator::revoke_refresh_tokens() {
  std::lock_guard lock(state_->mutex);
  state_->grants.revoke_refresh_tokens();
}

std::string accounts_emulator::mint_code(const code_request& request) {
  std::lock_guard lock(state_->mutex);
  const auto* client = state_->clients.find(request.client_id);
  if (!client || !is_registered_redirect(*client, request.redirect_uri)) {
    throw std::invalid_argument("mint_code: unknown client or unregistered redirect URI");
  }
  for (const auto& scope : request.scopes) {
    if (!find_scope(scope)) {
      throw std::invalid_argument("mint_code: unknown scope '" + scope + "'");
    }
  }
  authorize_request approved{request.client_id, request.redirect_uri,   std::nullopt,
                             request.scopes,    request.code_challenge, false};
  return state_->issue_code(approved, state_->now());
}

emulator_settings accounts_emulator::settings() const {
  std::lock_guard lock(state_->mutex);
  emulator_settings out;
  out.auto_approve = state_->auto_approve;
  out.auto_deny = state_->auto_deny;
  out.rotate_refresh_tokens = state_->policy.rotate_refresh_tokens;
  out.token_lifetime = state_->policy.access_lifetime;
  out.code_lifetime = state_->code_lifetime;
  out.latency = state_->latency;
  out.user = state_->user;
  return out;
}

emulator_counters accounts_emulator::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

void accounts_emulator::reset_counters() {
  std::lock_guard lock(state_->mutex);
  state_->counters = {};
}

} // namespace tokenswap::emulator
