#pragma once

#include <cstddef>

namespace tokenswap::web {

// Raises the soft limit on open descriptors to the hard limit (every connection is one) and
// returns the soft limit now in force.
std::size_t raise_open_file_limit();

// How many connections a process with this descriptor limit can hold while keeping some for
// upstream connections, files and the listener.
std::size_t connections_within(std::size_t open_file_limit, std::size_t wanted);

} // namespace tokenswap::web
