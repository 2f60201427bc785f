// What the accounts service remembers between requests: authorization codes, access tokens and
// refresh tokens, each an opaque random string mapped to what it grants. Not thread-safe: the
// emulator holds its lock around every call. Time is always passed in, so tests control it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tokenswap::emulator {

using time_point = std::chrono::system_clock::time_point;

// What the person agreed to on the consent page.
struct authorization {
  std::string client_id;
  std::string user_id;
  std::vector<std::string> scopes;
  // When the person logged in; refresh tokens stop working six months later.
  time_point login_time;
};

struct code_grant {
  authorization granted;
  // As sent to /authorize; the token request must repeat it exactly.
  std::string redirect_uri;
  // The PKCE S256 challenge, empty when the app did not use PKCE.
  std::string code_challenge;
};

struct refresh_grant {
  authorization granted;
  // Issued to a public (PKCE) client: replaced by a new one on every use.
  bool single_use = false;
  // Revoked tokens answer "Refresh token revoked" instead of being unknown.
  bool revoked = false;
};

struct access_grant {
  authorization granted;
  time_point expires;
};

enum class lookup_status { found, unknown, expired };

template <typename Grant> struct lookup {
  lookup_status status = lookup_status::unknown;
  std::optional<Grant> grant;
};

class grant_store {
public:
  // Keeps at most `max_access_tokens` access tokens: past it the expired ones are swept and then
  // arbitrary live ones dropped, so that a long load run cannot grow the emulator without bound.
  explicit grant_store(std::size_t max_access_tokens = 250'000)
      : max_access_tokens_(max_access_tokens > 0 ? max_access_tokens : 1) {}

  std::string add_code(code_grant grant, time_point expires);
  // Removes and returns the code when it belongs to the client; a code presented by another
  // client stays untouched and is reported unknown.
  lookup<code_grant> take_code(const std::string& code, const std::string& client_id,
                               time_point now);

  std::string add_access_token(authorization granted, time_point expires, time_point now);
  lookup<access_grant> find_access_token(const std::string& token, time_point now) const;

  std::string add_refresh_token(refresh_grant grant);
  // Found only for the client it was issued to; expired when revoked or when the login is
  // older than `oldest_login`.
  lookup<refresh_grant> find_refresh_token(const std::string& token, const std::string& client_id,
                                           time_point oldest_login) const;
  void remove_refresh_token(const std::string& token);
  void revoke_refresh_tokens();

  // Forgets expired codes and access tokens, so long runs stay bounded.
  void purge(time_point now);
  std::size_t code_count() const { return codes_.size(); }
  std::size_t access_token_count() const { return access_tokens_.size(); }
  std::size_t refresh_token_count() const { return refresh_tokens_.size(); }

private:
  struct stored_code {
    code_grant grant;
    time_point expires;
  };
  std::size_t max_access_tokens_;
  std::unordered_map<std::string, stored_code> codes_;
  std::unordered_map<std::string, access_grant> access_tokens_;
  std::unordered_map<std::string, refresh_grant> refresh_tokens_;
};

} // namespace tokenswap::emulator
