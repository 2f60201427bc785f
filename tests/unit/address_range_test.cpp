#include "core/address_range.hpp"

#include <gtest/gtest.h>

namespace tokenswap::core {
namespace {

ip_bytes ip(std::string_view text) {
  auto parsed = parse_ip(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(ip_bytes{});
}

std::vector<address_range> ranges(std::initializer_list<std::string_view> texts) {
  std::vector<address_range> out;
  for (auto text : texts) {
    out.push_back(parse_range(text).value());
  }
  return out;
}

TEST(AddressRange, Ipv4BlocksMatchTheirAddressesOnly) {
  auto block = parse_range("10.1.0.0/16").value();
  EXPECT_TRUE(block.contains(ip("10.1.200.3")));
  EXPECT_FALSE(block.contains(ip("10.2.0.1")));
  EXPECT_FALSE(block.contains(ip("::1")));
}

TEST(AddressRange, OddPrefixLengthsMaskPartialBytes) {
  auto block = parse_range("192.168.4.0/22").value();
  EXPECT_TRUE(block.contains(ip("192.168.7.255")));
  EXPECT_FALSE(block.contains(ip("192.168.8.0")));
}

TEST(AddressRange, Ipv6AndSingleAddresses) {
  EXPECT_TRUE(parse_range("fd00::/8").value().contains(ip("fd12::1")));
  EXPECT_TRUE(parse_range("127.0.0.1").value().contains(ip("127.0.0.1")));
  EXPECT_FALSE(parse_range("127.0.0.1").value().contains(ip("127.0.0.2")));
}

TEST(AddressRange, MalformedRangesAreRejected) {
  for (auto text : {"", "10.0.0.0/33", "10.0.0/8", "::1/129", "10.0.0.0/x", "host/8", "1.2.3.4/"}) {
    EXPECT_FALSE(parse_range(text)) << text;
  }
}

TEST(AddressRange, TextAfterANulIsNotIgnored) {
  using namespace std::string_view_literals;
  EXPECT_FALSE(parse_ip("10.0.0.1\0junk"sv));
  EXPECT_FALSE(parse_ip("::1\0"sv));
  EXPECT_FALSE(parse_range("10.0.0.0\0/8"sv));
}

TEST(ClientAddress, ForwardedForIsIgnoredFromUntrustedPeers) {
  auto peer = ip("203.0.113.9");
  EXPECT_EQ(client_address(peer, {"198.51.100.1"}, ranges({"10.0.0.0/8"})), peer);
}

TEST(ClientAddress, TrustedProxyGivesTheRightmostUntrustedAddress) {
  auto trusted = ranges({"10.0.0.0/8"});
  auto client = client_address(ip("10.0.0.5"), {"1.1.1.1, 198.51.100.7", "10.0.0.9"}, trusted);
  EXPECT_EQ(client, ip("198.51.100.7"));
}

TEST(ClientAddress, OnlyTrustedHopsGiveTheLeftmost) {
  auto client = client_address(ip("10.0.0.5"), {"10.0.0.7, 10.0.0.6"}, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(client, ip("10.0.0.7"));
}

TEST(ClientAddress, GarbageStopsTheWalk) {
  auto trusted = ranges({"10.0.0.0/8"});
  EXPECT_EQ(client_address(ip("10.0.0.5"), {"1.1.1.1, junk, 10.0.0.6"}, trusted), ip("10.0.0.6"));
  EXPECT_EQ(client_address(ip("10.0.0.5"), {"junk"}, trusted), ip("10.0.0.5"));
}

TEST(ClientKey, Ipv6ClientsAreKeyedByTheirSlash64) {
  EXPECT_EQ(client_key(ip("2001:db8:1:2:aaaa::1")), client_key(ip("2001:db8:1:2:bbbb::2")));
  EXPECT_NE(client_key(ip("2001:db8:1:2::1")), client_key(ip("2001:db8:1:3::1")));
  EXPECT_NE(client_key(ip("192.0.2.1")), client_key(ip("192.0.2.2")));
}

} // namespace
} // namespace tokenswap::core
