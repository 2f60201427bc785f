#include "client/loopback_redirect.hpp"

#include "client/scopes.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace tokenswap::client {
namespace urls = boost::urls;

namespace {

error bad_redirect(std::string why) {
  return {error_kind::invalid_config, "the redirect URI " + std::move(why)};
}

result<std::string> loopback_host(const urls::url_view& url) {
  if (url.host_type() == urls::host_type::ipv4 && url.host_address() == "127.0.0.1") {
    return std::string("127.0.0.1");
  }
  if (url.host_type() == urls::host_type::ipv6 && url.host_address() == "::1") {
    return std::string("::1");
  }
  return bad_redirect("must use the loopback address 127.0.0.1 or [::1] (RFC 8252 section 7.3)");
}

std::string first_param(const urls::url_view& url, std::string_view name) {
  auto params = url.params();
  auto it = params.find(name);
  return it == params.end() ? std::string() : std::string((*it).value);
}

} // namespace

std::string loopback_redirect::uri(unsigned short bound_port) const {
  auto authority = host == "::1" ? std::string("[::1]") : host;
  return "http://" + authority + ":" + std::to_string(bound_port) + path;
}

result<loopback_redirect> parse_loopback_redirect(std::string_view uri) {
  auto parsed = urls::parse_absolute_uri(uri);
  if (!parsed) {
    return bad_redirect("is not an absolute URI");
  }
  const auto& url = *parsed;
  if (url.scheme_id() != urls::scheme::http) {
    return bad_redirect("must be plain http on the loopback interface (RFC 8252 section 7.3)");
  }
  auto host = loopback_host(url);
  if (!host) {
    return host.error();
  }
  if (!url.has_port() || (url.port_number() == 0 && url.port() != "0")) {
    return bad_redirect("needs a port (0 picks any free port)");
  }
  if (url.has_query() || url.has_fragment()) {
    return bad_redirect("must not have a query or a fragment");
  }
  auto path = url.encoded_path().empty() ? std::string("/") : std::string(url.encoded_path());
  return loopback_redirect{std::move(*host), url.port_number(), std::move(path)};
}

bool is_callback_target(std::string_view target, const loopback_redirect& redirect) {
  auto parsed = urls::parse_origin_form(target);
  return parsed && parsed->encoded_path() == redirect.path;
}

result<std::string> read_callback(std::string_view target, std::string_view expected_state) {
  auto parsed = urls::parse_origin_form(target);
  if (!parsed) {
    return error{error_kind::state_mismatch, "the redirect was not a valid request"};
  }
  if (first_param(*parsed, "state") != expected_state || expected_state.empty()) {
    return error{error_kind::state_mismatch,
                 "the redirect did not carry the state this login sent; it may be forged or stale"};
  }
  if (auto failure = first_param(*parsed, "error"); !failure.empty()) {
    auto message = failure == "access_denied"
                       ? std::string("the login was cancelled in the browser")
                       : "the accounts service answered " + failure;
    return error{error_kind::cancelled, std::move(message)};
  }
  auto code = first_param(*parsed, "code");
  if (code.empty()) {
    return error{error_kind::cancelled, "the redirect carried neither a code nor an error"};
  }
  return code;
}

result<std::string> build_authorize_url(const authorize_request& request) {
  auto base = urls::parse_absolute_uri(request.accounts_url);
  if (!base ||
      (base->scheme_id() != urls::scheme::https && base->scheme_id() != urls::scheme::http)) {
    return error{error_kind::invalid_config, "the accounts URL is not an http(s) URL"};
  }
  urls::url url(*base);
  auto path = std::string(url.path());
  url.set_path((path.ends_with('/') ? path : path + "/") + "authorize");
  url.remove_query().remove_fragment();

  auto params = url.params();
  params.append({"client_id", request.client_id});
  params.append({"response_type", "code"});
  params.append({"redirect_uri", request.redirect_uri});
  params.append({"state", request.state});
  params.append({"scope", join_scopes(request.scopes)});
  params.append({"code_challenge_method", "S256"});
  params.append({"code_challenge", request.code_challenge});
  if (request.show_dialog) {
    params.append({"show_dialog", "true"});
  }
  return std::string(url.buffer());
}

} // namespace tokenswap::client
