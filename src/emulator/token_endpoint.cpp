#include "emulator/token_endpoint.hpp"

#include "core/base64.hpp"
#include "core/oauth_error.hpp"
#include "core/params.hpp"
#include "core/pkce.hpp"
#include "emulator/encoding.hpp"
#include "emulator/scopes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tokenswap::emulator {
namespace {

using core::oauth_error;

// The caller as it authenticated: who it claims to be and whether it proved it with a secret.
struct caller {
  const registered_client* client = nullptr;
  bool has_secret = false;
};

oauth_error invalid_client(std::string description) {
  return {400, "invalid_client", std::move(description), std::nullopt};
}

// Credentials from `Authorization: Basic base64(id:secret)`, else from the body.
core::result<caller> authenticate(std::string_view authorization, const core::params& form,
                                  const client_registry& clients) {
  std::string id;
  std::optional<std::string> secret;
  if (!authorization.empty()) {
    auto basic = credentials_for(authorization, "Basic");
    auto decoded = basic ? core::base64_decode(*basic) : std::optional<std::string>();
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return invalid_client("Invalid client");
    }
    id = decoded->substr(0, colon);
    secret = decoded->substr(colon + 1);
  } else {
    auto body_id = form.optional("client_id");
    auto body_secret = form.optional("client_secret");
    if (!body_id || !body_secret) {
      return body_id ? body_secret.error() : body_id.error();
    }
    id = body_id->value_or("");
    secret = *body_secret;
  }

  const auto* client = clients.find(id);
  if (!client) {
    return invalid_client("Invalid client");
  }
  if (secret && *secret != client->secret) {
    return invalid_client("Invalid client secret");
  }
  return caller{client, secret.has_value()};
}

std::string token_body(const std::string& access_token, const token_policy& policy,
                       const std::vector<std::string>& scopes,
                       const std::optional<std::string>& refresh_token) {
  boost::json::object body;
  body["access_token"] = access_token;
  body["token_type"] = "Bearer";
  body["expires_in"] = policy.access_lifetime.count();
  if (refresh_token) {
    body["refresh_token"] = *refresh_token;
  }
  body["scope"] = join_scopes(scopes);
  return boost::json::serialize(body);
}

core::result<std::string> exchange_code(const caller& who, const core::params& form,
                                        grant_store& grants, const token_policy& policy,
                                        time_point now) {
  auto code = form.optional("code");
  auto redirect_uri = form.optional("redirect_uri");
  auto verifier = form.optional("code_verifier");
  if (!code || !redirect_uri || !verifier) {
    return !code ? code.error() : !redirect_uri ? redirect_uri.error() : verifier.error();
  }

  auto taken = grants.take_code(code->value_or(""), who.client->id, now);
  if (taken.status == lookup_status::expired) {
    return core::invalid_grant("Authorization code expired");
  }
  if (taken.status != lookup_status::found) {
    return core::invalid_grant("Invalid authorization code");
  }
  const auto& grant = *taken.grant;
  if (redirect_uri->value_or("") != grant.redirect_uri) {
    return core::invalid_grant("Invalid redirect URI");
  }

  bool pkce = !grant.code_challenge.empty();
  if (pkce && !*verifier) {
    return core::invalid_request("code_verifier required");
  }
  if (pkce && !core::verifier_matches(**verifier, grant.code_challenge)) {
    return core::invalid_grant("code_verifier was incorrect");
  }
  if (!pkce && !who.has_secret) {
    return invalid_client("Invalid client secret");
  }

  auto access = grants.add_access_token(grant.granted, now + policy.access_lifetime, now);
  auto refresh = grants.add_refresh_token({grant.granted, !who.has_secret, false});
  return token_body(access, policy, grant.granted.scopes, refresh);
}

core::result<std::string> refresh(const caller& who, const core::params& form, grant_store& grants,
                                  const token_policy& policy, time_point now) {
  auto token = form.optional("refresh_token");
  if (!token) {
    return token.error();
  }
  if (!*token) {
    return core::invalid_request("refresh_token must be supplied");
  }

  auto found = grants.find_refresh_token(**token, who.client->id, now - policy.refresh_lifetime);
  if (found.status == lookup_status::expired) {
    return core::invalid_grant("Refresh token revoked");
  }
  if (found.status != lookup_status::found) {
    return core::invalid_grant("Invalid refresh token");
  }
  const auto& grant = *found.grant;
  if (!grant.single_use && !who.has_secret) {
    return invalid_client("Invalid client secret");
  }

  // A refresh token that is replaced stops working at once (RFC 6749 section 6); Spotify
  // always replaces those of PKCE clients.
  std::optional<std::string> replacement;
  if (grant.single_use || policy.rotate_refresh_tokens) {
    grants.remove_refresh_token(**token);
    replacement = grants.add_refresh_token(grant);
  }
  auto access = grants.add_access_token(grant.granted, now + policy.access_lifetime, now);
  return token_body(access, policy, grant.granted.scopes, replacement);
}

core::result<std::string> client_credentials(const caller& who, grant_store& grants,
                                             const token_policy& policy, time_point now) {
  if (!who.has_secret) {
    return invalid_client("Invalid client secret");
  }
  auto access =
      grants.add_access_token({who.client->id, "", {}, now}, now + policy.access_lifetime, now);
  boost::json::object body;
  body["access_token"] = access;
  body["token_type"] = "Bearer";
  body["expires_in"] = policy.access_lifetime.count();
  return boost::json::serialize(body);
}

core::result<std::string> dispatch(std::string_view grant_type, std::string_view authorization,
                                   const core::params& form, const client_registry& clients,
                                   grant_store& grants, const token_policy& policy,
                                   time_point now) {
  if (grant_type != "authorization_code" && grant_type != "refresh_token" &&
      grant_type != "client_credentials") {
    return oauth_error{400, "unsupported_grant_type",
                       "grant_type must be client_credentials, authorization_code or "
                       "refresh_token",
                       std::nullopt};
  }
  auto who = authenticate(authorization, form, clients);
  if (!who) {
    return who.error();
  }
  if (grant_type == "authorization_code") {
    return exchange_code(*who, form, grants, policy, now);
  }
  if (grant_type == "refresh_token") {
    return refresh(*who, form, grants, policy, now);
  }
  return client_credentials(*who, grants, policy, now);
}

} // namespace

token_answer answer_token_request(std::string_view authorization, std::string_view body,
                                  const client_registry& clients, grant_store& grants,
                                  const token_policy& policy, time_point now) {
  auto form = core::decode_form(body);
  if (!form) {
    return {400, form.error().to_json(), ""};
  }
  auto grant_type = form->optional("grant_type");
  if (!grant_type || !*grant_type) {
    oauth_error missing{400, "unsupported_grant_type", "grant_type parameter is missing",
                        std::nullopt};
    return {400, missing.to_json(), ""};
  }

  auto answer = dispatch(**grant_type, authorization, *form, clients, grants, policy, now);
  if (!answer) {
    return {answer.error().status, answer.error().to_json(), **grant_type};
  }
  return {200, std::move(*answer), **grant_type};
}

} // namespace tokenswap::emulator
