#include "emulator/client_registry.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>

namespace tokenswap::emulator {
namespace {

bool is_loopback_literal(const boost::urls::url_view& url) {
  if (url.host_type() == boost::urls::host_type::ipv4) {
    return url.host_ipv4_address().to_uint() >> 24 == 127;
  }
  return url.host_type() == boost::urls::host_type::ipv6 && url.host_ipv6_address().is_loopback();
}

// True when `registered` is a port-less loopback URI and `requested` is the same with a port.
bool matches_with_any_port(std::string_view registered, std::string_view requested) {
  auto base = boost::urls::parse_absolute_uri(registered);
  auto asked = boost::urls::parse_absolute_uri(requested);
  if (!base || !asked || base->has_port() || !asked->has_port() || base->scheme() != "http" ||
      !is_loopback_literal(*base)) {
    return false;
  }
  boost::urls::url without_port(*asked);
  without_port.remove_port();
  return without_port.buffer() == registered;
}

} // namespace

std::optional<std::string> redirect_uri_problem(std::string_view uri) {
  auto parsed = boost::urls::parse_absolute_uri(uri);
  if (!parsed) {
    return "'" + std::string(uri) + "' is not an absolute URI";
  }
  if (parsed->has_fragment()) {
    return "'" + std::string(uri) + "' has a fragment";
  }
  auto scheme = parsed->scheme();
  if (scheme != "http" || is_loopback_literal(*parsed)) {
    return std::nullopt;
  }
  return "'" + std::string(uri) +
         "' is plain HTTP to a host that is not a loopback IP literal (use https, a custom "
         "scheme, or http://127.0.0.1:PORT/...; localhost is refused)";
}

bool is_registered_redirect(const registered_client& client, std::string_view requested) {
  return std::any_of(
      client.redirect_uris.begin(), client.redirect_uris.end(), [&](const std::string& registered) {
        return registered == requested || matches_with_any_port(registered, requested);
      });
}

std::vector<std::string> client_registry::add(registered_client client) {
  std::vector<std::string> problems;
  if (client.id.empty()) {
    problems.emplace_back("a client needs an id");
  } else if (find(client.id)) {
    problems.push_back("client '" + client.id + "' is registered twice");
  }
  if (client.secret.empty()) {
    problems.emplace_back("a client needs a secret");
  }
  if (client.redirect_uris.empty()) {
    problems.emplace_back("a client needs at least one redirect URI");
  }
  for (const auto& uri : client.redirect_uris) {
    if (auto problem = redirect_uri_problem(uri)) {
      problems.push_back(std::move(*problem));
    }
  }
  if (problems.empty()) {
    if (client.name.empty()) {
      client.name = client.id;
    }
    clients_.push_back(std::move(client));
  }
  return problems;
}

const registered_client* client_registry::find(std::string_view id) const {
  auto found = std::find_if(clients_.begin(), clients_.end(),
                            [&](const registered_client& each) { return each.id == id; });
  return found == clients_.end() ? nullptr : &*found;
}

registered_client default_client() {
  return {
      "tokenswap-demo-client",
      "tokenswap-demo-secret",
      "tokenswap demo",
      {"http://127.0.0.1:5000/callback", "http://127.0.0.1/callback", "tokenswap-demo://callback"}};
}

} // namespace tokenswap::emulator
