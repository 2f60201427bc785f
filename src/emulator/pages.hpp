// The pages people see at /authorize: the consent dialog and the error page. Plain HTML and one
// stylesheet, no script, served under a strict Content-Security-Policy.
#pragma once

#include "emulator/authorize.hpp"
#include "emulator/client_registry.hpp"

#include <string>
#include <string_view>

namespace tokenswap::emulator {

// The path the pages load their stylesheet from, and the stylesheet itself.
inline constexpr std::string_view stylesheet_path = "/authorize/style.css";
std::string_view stylesheet();

// Asks the person to agree to the app's request; the form posts `request` (the pending id) and
// `decision` (agree or cancel) to /authorize/decision.
std::string consent_page(const registered_client& client, const authorize_request& request,
                         std::string_view pending_id);

std::string error_page(std::string_view message);

// Nothing but the stylesheet and same-origin images may load; forms may post here and follow
// the redirect to the app's own origin (`redirect_uri`, when given).
std::string content_security_policy(std::string_view redirect_uri = {});

std::string html_escape(std::string_view text);

} // namespace tokenswap::emulator
