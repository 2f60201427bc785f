#include "emulator/grant_store.hpp"

#include "emulator/encoding.hpp"

namespace tokenswap::emulator {

std::string grant_store::add_code(code_grant grant, time_point expires) {
  auto code = random_token("AQ", 96);
  codes_.emplace(code, stored_code{std::move(grant), expires});
  return code;
}

lookup<code_grant> grant_store::take_code(const std::string& code, const std::string& client_id,
                                          time_point now) {
  auto found = codes_.find(code);
  if (found == codes_.end() || found->second.grant.granted.client_id != client_id) {
    return {};
  }
  auto stored = std::move(found->second);
  codes_.erase(found);
  if (now >= stored.expires) {
    return {lookup_status::expired, std::nullopt};
  }
  return {lookup_status::found, std::move(stored.grant)};
}

std::string grant_store::add_access_token(authorization granted, time_point expires,
                                          time_point now) {
  if (access_tokens_.size() >= max_access_tokens_) {
    purge(now);
    // Still full of live tokens: drop a sixteenth at once so the sweep is not repeated per token.
    while (access_tokens_.size() >= max_access_tokens_ - max_access_tokens_ / 16) {
      access_tokens_.erase(access_tokens_.begin());
    }
  }
  auto token = random_token("BQ", 96);
  access_tokens_.emplace(token, access_grant{std::move(granted), expires});
  return token;
}

lookup<access_grant> grant_store::find_access_token(const std::string& token,
                                                    time_point now) const {
  auto found = access_tokens_.find(token);
  if (found == access_tokens_.end()) {
    return {};
  }
  if (now >= found->second.expires) {
    return {lookup_status::expired, std::nullopt};
  }
  return {lookup_status::found, found->second};
}

std::string grant_store::add_refresh_token(refresh_grant grant) {
  auto token = random_token("AQ", 96);
  refresh_tokens_.emplace(token, std::move(grant));
  return token;
}

lookup<refresh_grant> grant_store::find_refresh_token(const std::string& token,
                                                      const std::string& client_id,
                                                      time_point oldest_login) const {
  auto found = refresh_tokens_.find(token);
  if (found == refresh_tokens_.end() || found->second.granted.client_id != client_id) {
    return {};
  }
  if (found->second.revoked || found->second.granted.login_time < oldest_login) {
    return {lookup_status::expired, std::nullopt};
  }
  return {lookup_status::found, found->second};
}

void grant_store::remove_refresh_token(const std::string& token) { refresh_tokens_.erase(token); }

void grant_store::revoke_refresh_tokens() {
  for (auto& [token, grant] : refresh_tokens_) {
    grant.revoked = true;
  }
}

void grant_store::purge(time_point now) {
  std::erase_if(codes_, [&](const auto& each) { return now >= each.second.expires; });
  std::erase_if(access_tokens_, [&](const auto& each) { return now >= each.second.expires; });
}

} // namespace tokenswap::emulator
