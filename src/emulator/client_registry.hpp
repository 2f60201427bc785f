// The apps registered with the accounts service, and Spotify's rules for their redirect URIs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::emulator {

struct registered_client {
  std::string id;
  std::string secret;
  // Shown on the consent page.
  std::string name;
  // Matched exactly, except that a loopback IP literal registered without a port accepts any
  // port (Spotify's rule for apps that listen on a port the system picks).
  std::vector<std::string> redirect_uris;
};

// Why Spotify would refuse to register this redirect URI, or nullopt when it is acceptable:
// HTTPS, a custom scheme, or plain HTTP to a loopback IP literal (never `localhost`).
std::optional<std::string> redirect_uri_problem(std::string_view uri);

bool is_registered_redirect(const registered_client& client, std::string_view requested);

class client_registry {
public:
  // Every problem with the client (missing id or secret, unacceptable redirect URIs, a
  // duplicate id), or nothing when it was added.
  std::vector<std::string> add(registered_client client);
  const registered_client* find(std::string_view id) const;
  bool empty() const { return clients_.empty(); }

private:
  std::vector<registered_client> clients_;
};

// The client used when none is configured, so that the emulator works out of the box.
registered_client default_client();

} // namespace tokenswap::emulator
