// Client addresses behind proxies (parse_ip, parse_range, client_address): X-Forwarded-For is
// anyone's text, yet the address a request is charged to is always the peer or an address some
// entry spelled exactly, and the peer itself whenever it is not a trusted proxy.
#include "core/address_range.hpp"

#include "property.hpp"

#include <algorithm>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

// The input reads like the setting and the request it applies to:
//   <peer address>\n<trusted ranges, comma-separated>\n<X-Forwarded-For>\n<X-Forwarded-For>...
struct fuzzed_request {
  core::ip_bytes peer{};
  std::vector<core::address_range> trusted;
  std::vector<std::string_view> forwarded_for;
  std::vector<core::ip_bytes> spelled; // every address an entry spells, plus the peer
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    auto end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) {
      return parts;
    }
    text.remove_prefix(end + 1);
  }
}

void check_range(std::string_view text, std::vector<core::address_range>& ranges) {
  auto range = core::parse_range(text);
  if (!range) {
    return;
  }
  require(range->prefix_bits <= 128, "a prefix fits an address");
  require(range->contains(range->base), "a range holds its own base address");
  ranges.push_back(*range);
}

void check_address(std::string_view text, std::vector<core::ip_bytes>& addresses) {
  auto trimmed = text.substr(std::min(text.find_first_not_of(" \t"), text.size()));
  trimmed = trimmed.substr(0, trimmed.find_last_not_of(" \t") + 1);
  auto address = core::parse_ip(trimmed);
  if (!address) {
    return;
  }
  require(trimmed.find('\0') == std::string_view::npos, "an address is the whole text");
  addresses.push_back(*address);
}

fuzzed_request read_input(std::string_view input) {
  fuzzed_request request;
  auto lines = split(input, '\n');
  request.peer = core::parse_ip(lines[0]).value_or(core::ip_bytes{0xfd});
  request.spelled.push_back(request.peer);
  for (auto text : lines.size() > 1 ? split(lines[1], ',') : std::vector<std::string_view>{}) {
    check_range(text, request.trusted);
  }
  for (std::size_t i = 2; i < lines.size(); ++i) {
    request.forwarded_for.push_back(lines[i]);
    for (auto entry : split(lines[i], ',')) {
      check_address(entry, request.spelled);
    }
  }
  return request;
}

bool is_trusted(const fuzzed_request& request, const core::ip_bytes& address) {
  return std::any_of(request.trusted.begin(), request.trusted.end(),
                     [&](const core::address_range& r) { return r.contains(address); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto request = read_input(tokenswap::fuzz::as_text(data, size));
  auto client = core::client_address(request.peer, request.forwarded_for, request.trusted);
  require(is_trusted(request, request.peer) || client == request.peer,
          "X-Forwarded-For counts only from a trusted proxy");
  require(std::find(request.spelled.begin(), request.spelled.end(), client) !=
              request.spelled.end(),
          "the client is the peer or an address an entry spells");

  auto key = core::client_key(client);
  require(core::client_key(key) == key, "a client key is its own key");
  return 0;
}
