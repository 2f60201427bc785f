// /emulator/...: the test controls over HTTP, for tests that run the emulator in another process.
//   POST   /emulator/faults    queue a fault (JSON, see parse_fault)      DELETE clears them
//   GET    /emulator/counters  the call counters                          DELETE resets them
//   GET    /emulator/settings  the switches; POST changes them: auto_approve, auto_deny,
//                              rotate_refresh_tokens, token_lifetime (s), latency_ms
//   POST   /emulator/revoke    revoke every refresh token issued so far
//   POST   /emulator/codes     mint a code: client_id, redirect_uri, scope, code_challenge
//   POST   /emulator/clients   register an app: id, secret, name, redirect_uris
#pragma once

#include "emulator/accounts_emulator.hpp"

namespace tokenswap::emulator {

web::response answer_admin(accounts_emulator& emulator, const web::request& req,
                           std::string_view path);

} // namespace tokenswap::emulator
