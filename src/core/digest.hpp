#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace tokenswap::core {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest sha256(std::string_view data);

// For unordered containers keyed by a digest (its bytes are already uniformly spread).
struct digest_hash {
  std::size_t operator()(const sha256_digest& digest) const;
};

} // namespace tokenswap::core
