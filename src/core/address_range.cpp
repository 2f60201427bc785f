#include "core/address_range.hpp"

#include <algorithm>
#include <charconv>

#include <arpa/inet.h>

namespace tokenswap::core {
namespace {

constexpr unsigned mapped_prefix_bits = 96;

bool is_mapped_v4(const ip_bytes& address) {
  static constexpr unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(std::begin(prefix), std::end(prefix), address.begin());
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Every comma-separated entry of every header, left to right.
std::vector<std::string_view> entries(const std::vector<std::string_view>& headers) {
  std::vector<std::string_view> all;
  for (auto header : headers) {
    while (true) {
      auto comma = header.find(',');
      all.push_back(trim(header.substr(0, comma)));
      if (comma == std::string_view::npos) {
        break;
      }
      header.remove_prefix(comma + 1);
    }
  }
  return all;
}

bool is_trusted(const ip_bytes& address, const std::vector<address_range>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const address_range& r) { return r.contains(address); });
}

} // namespace

std::optional<ip_bytes> parse_ip(std::string_view text) {
  // inet_pton reads up to a NUL: "10.0.0.1\0junk" must not pass for 10.0.0.1.
  if (text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string copy(text);
  ip_bytes address{};
  unsigned char v4[4];
  if (inet_pton(AF_INET, copy.c_str(), v4) == 1) {
    address[10] = 0xff;
    address[11] = 0xff;
    std::copy(std::begin(v4), std::end(v4), address.begin() + 12);
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.data()) == 1) {
    return address;
  }
  return std::nullopt;
}

bool address_range::contains(const ip_bytes& address) const {
  auto whole = prefix_bits / 8;
  if (!std::equal(base.begin(), base.begin() + whole, address.begin())) {
    return false;
  }
  auto rest = prefix_bits % 8;
  if (rest == 0) {
    return true;
  }
  auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (base[whole] & mask) == (address[whole] & mask);
}

std::optional<address_range> parse_range(std::string_view text) {
  text = trim(text);
  auto slash = text.find('/');
  auto address = parse_ip(text.substr(0, slash));
  if (!address) {
    return std::nullopt;
  }
  address_range range{*address, 128};
  if (slash == std::string_view::npos) {
    return range;
  }
  auto bits_text = text.substr(slash + 1);
  unsigned bits = 0;
  auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  if (ec != std::errc() || end != bits_text.data() + bits_text.size() || bits > (v4 ? 32 : 128)) {
    return std::nullopt;
  }
  range.prefix_bits = v4 ? mapped_prefix_bits + bits : bits;
  return range;
}

ip_bytes client_address(const ip_bytes& peer, const std::vector<std::string_view>& forwarded_for,
                        const std::vector<address_range>& trusted_proxies) {
  if (forwarded_for.empty() || !is_trusted(peer, trusted_proxies)) {
    return peer;
  }
  auto claimed = entries(forwarded_for);
  auto client = peer;
  for (auto it = claimed.rbegin(); it != claimed.rend(); ++it) {
    auto address = parse_ip(*it);
    if (!address) {
      break;
    }
    client = *address;
    if (!is_trusted(client, trusted_proxies)) {
      break;
    }
  }
  return client;
}

ip_bytes client_key(const ip_bytes& address) {
  if (is_mapped_v4(address)) {
    return address;
  }
  auto key = address;
  std::fill(key.begin() + 8, key.end(), 0);
  return key;
}

} // namespace tokenswap::core
