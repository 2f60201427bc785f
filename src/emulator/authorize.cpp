#include "emulator/authorize.hpp"

#include "core/pkce.hpp"
#include "emulator/encoding.hpp"
#include "emulator/scopes.hpp"

#include <algorithm>

namespace tokenswap::emulator {
namespace {

// The one value of a parameter, or a problem when it is repeated.
std::optional<std::string> single(const core::params& query, std::string_view name,
                                  std::string& problem) {
  if (query.count(name) > 1) {
    problem = "The parameter " + std::string(name) + " appears more than once.";
    return std::nullopt;
  }
  for (const auto& [key, value] : query.items()) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::string check_client(const core::params& query, const client_registry& clients,
                         authorize_request& out) {
  std::string problem;
  auto client_id = single(query, "client_id", problem);
  auto redirect_uri = single(query, "redirect_uri", problem);
  if (!problem.empty()) {
    return problem;
  }
  if (!client_id || client_id->empty()) {
    return "Missing required parameter: client_id";
  }
  const auto* client = clients.find(*client_id);
  if (!client) {
    return "INVALID_CLIENT: Invalid client";
  }
  if (!redirect_uri || redirect_uri->empty()) {
    return "Missing required parameter: redirect_uri";
  }
  if (!is_registered_redirect(*client, *redirect_uri)) {
    return "INVALID_CLIENT: Invalid redirect URI";
  }
  out.client_id = *client_id;
  out.redirect_uri = *redirect_uri;
  return "";
}

std::string check_grant(const core::params& query, authorize_request& out) {
  std::string problem;
  auto response_type = single(query, "response_type", problem);
  auto scope = single(query, "scope", problem);
  auto method = single(query, "code_challenge_method", problem);
  auto challenge = single(query, "code_challenge", problem);
  out.state = single(query, "state", problem);
  auto show_dialog = single(query, "show_dialog", problem);
  if (!problem.empty()) {
    return problem;
  }

  if (!response_type || response_type->empty()) {
    return "Missing required parameter: response_type";
  }
  if (*response_type != "code") {
    return "unsupported_response_type: response_type must be code";
  }
  auto scopes = parse_scopes(scope.value_or(""));
  if (scopes.unknown) {
    return "INVALID_SCOPE: Invalid scope '" + *scopes.unknown + "'";
  }
  out.scopes = std::move(scopes.names);

  if (method || challenge) {
    if (method.value_or("") != "S256") {
      return "code_challenge_method must be S256";
    }
    if (!challenge || !core::is_pkce_value(*challenge)) {
      return "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~";
    }
    out.code_challenge = *challenge;
  }
  out.show_dialog = show_dialog == "true";
  return "";
}

} // namespace

checked_authorize check_authorize(const core::params& query, const client_registry& clients) {
  authorize_request request;
  auto problem = check_client(query, clients, request);
  if (problem.empty()) {
    problem = check_grant(query, request);
  }
  if (!problem.empty()) {
    return {std::nullopt, std::move(problem)};
  }
  return {std::move(request), ""};
}

std::string redirect_with(std::string_view redirect_uri,
                          const std::vector<std::pair<std::string, std::string>>& added) {
  std::string out(redirect_uri);
  char separator = out.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : added) {
    out += separator;
    out += key + "=" + core::form_encode(value);
    separator = '&';
  }
  return out;
}

std::string approved_redirect(const authorize_request& request, const std::string& code) {
  std::vector<std::pair<std::string, std::string>> added{{"code", code}};
  if (request.state) {
    added.emplace_back("state", *request.state);
  }
  return redirect_with(request.redirect_uri, added);
}

std::string denied_redirect(const authorize_request& request) {
  std::vector<std::pair<std::string, std::string>> added{{"error", "access_denied"}};
  if (request.state) {
    added.emplace_back("state", *request.state);
  }
  return redirect_with(request.redirect_uri, added);
}

std::string pending_consents::add(authorize_request request, time_point expires) {
  auto id = random_token("", 24);
  pending_.emplace(id, pending{std::move(request), expires});
  return id;
}

std::optional<authorize_request> pending_consents::take(const std::string& id, time_point now) {
  auto found = pending_.find(id);
  if (found == pending_.end()) {
    return std::nullopt;
  }
  auto waiting = std::move(found->second);
  pending_.erase(found);
  if (now >= waiting.expires) {
    return std::nullopt;
  }
  return std::move(waiting.request);
}

void pending_consents::purge(time_point now) {
  std::erase_if(pending_, [&](const auto& each) { return now >= each.second.expires; });
}

void approvals::remember(const authorize_request& request) {
  auto& granted = granted_[request.client_id];
  for (const auto& scope : request.scopes) {
    if (!has_scope(granted, scope)) {
      granted.push_back(scope);
    }
  }
}

bool approvals::covers(const authorize_request& request) const {
  auto found = granted_.find(request.client_id);
  if (found == granted_.end()) {
    return false;
  }
  return std::all_of(request.scopes.begin(), request.scopes.end(),
                     [&](const std::string& scope) { return has_scope(found->second, scope); });
}

} // namespace tokenswap::emulator
