#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::core {

// An IP address as 16 bytes; IPv4 is held in its IPv4-mapped IPv6 form (::ffff:a.b.c.d).
using ip_bytes = std::array<unsigned char, 16>;

std::optional<ip_bytes> parse_ip(std::string_view text);

// An address block such as 10.0.0.0/8, fd00::/8, or one address (a full-length prefix).
struct address_range {
  ip_bytes base{};
  unsigned prefix_bits = 128;

  bool contains(const ip_bytes& address) const;
};

std::optional<address_range> parse_range(std::string_view text);

// The address a request really comes from. X-Forwarded-For is believed only when the peer is a
// trusted proxy; the list is then read from the right, skipping trusted proxies, and the first
// address that is not one is the client (entries further left are the client's own claims, which
// anyone can forge). Unusable entries stop the walk at the last address that could be believed.
ip_bytes client_address(const ip_bytes& peer, const std::vector<std::string_view>& forwarded_for,
                        const std::vector<address_range>& trusted_proxies);

// What one client is, for per-client limits: an IPv4 address, or an IPv6 /64 (one subscriber's
// network, which hands out addresses freely).
ip_bytes client_key(const ip_bytes& address);

} // namespace tokenswap::core
