#pragma once

#include <span>
#include <string_view>

namespace tokenswap::demo {

// One file of the demo web app, compiled into the binary (see cmake/embed_files.cmake).
struct embedded_file {
  std::string_view name;
  std::string_view body;
  // A quoted content hash, ready to send as an ETag.
  std::string_view etag;
};

std::span<const embedded_file> embedded_files();

} // namespace tokenswap::demo
