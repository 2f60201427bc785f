#include "web/open_files.hpp"

#include <algorithm>

#include <sys/resource.h>

namespace tokenswap::web {
namespace {

// Descriptors kept for everything that is not a client connection.
constexpr std::size_t reserved_descriptors = 256;

} // namespace

std::size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 1024;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  return limit.rlim_cur == RLIM_INFINITY ? static_cast<std::size_t>(1) << 20
                                         : static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t connections_within(std::size_t open_file_limit, std::size_t wanted) {
  if (open_file_limit <= reserved_descriptors * 2) {
    return std::min(wanted, open_file_limit / 2);
  }
  return std::min(wanted, open_file_limit - reserved_descriptors);
}

} // namespace tokenswap::web
