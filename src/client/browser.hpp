#pragma once

#include <string>

namespace tokenswap::client {

// The default way to show the authorize URL (RFC 8252 section 6: the system browser, never an
// embedded one): xdg-open when a graphical session is present (DISPLAY or WAYLAND_DISPLAY); the
// URL is always printed on stderr too, for when no browser opens.
void open_in_browser(const std::string& url);

} // namespace tokenswap::client
