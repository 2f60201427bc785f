// GET /authorize: checking the request, the requests waiting for the person's decision, and the
// redirect back to the app.
#pragma once

#include "core/params.hpp"
#include "emulator/client_registry.hpp"
#include "emulator/grant_store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tokenswap::emulator {

struct authorize_request {
  std::string client_id;
  std::string redirect_uri;
  std::optional<std::string> state;
  std::vector<std::string> scopes;
  // The PKCE S256 challenge, empty without PKCE.
  std::string code_challenge;
  // Ask again even when the person already agreed to these scopes for this app.
  bool show_dialog = false;
};

// A request that passed every check, or what is wrong with it in words for the error page.
struct checked_authorize {
  std::optional<authorize_request> request;
  std::string problem;
};

checked_authorize check_authorize(const core::params& query, const client_registry& clients);

// The redirect URI with the given parameters added to its query, in order and encoded.
std::string redirect_with(std::string_view redirect_uri,
                          const std::vector<std::pair<std::string, std::string>>& added);

// The redirect for the person's answer: `code` and `state`, or `error=access_denied` and `state`.
std::string approved_redirect(const authorize_request& request, const std::string& code);
std::string denied_redirect(const authorize_request& request);

// Requests shown on the consent page, waiting for Agree or Cancel; each is answered once.
class pending_consents {
public:
  std::string add(authorize_request request, time_point expires);
  std::optional<authorize_request> take(const std::string& id, time_point now);
  void purge(time_point now);
  std::size_t size() const { return pending_.size(); }

private:
  struct pending {
    authorize_request request;
    time_point expires;
  };
  std::map<std::string, pending> pending_;
};

// The scopes each person already granted to each app, so that a repeated login skips the
// dialog unless show_dialog asks for it (as Spotify does).
class approvals {
public:
  void remember(const authorize_request& request);
  bool covers(const authorize_request& request) const;

private:
  std::map<std::string, std::vector<std::string>> granted_;
};

} // namespace tokenswap::emulator
