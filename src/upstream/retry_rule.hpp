#pragma once

#include "upstream/token_client.hpp"
#include "web/http_client.hpp"

namespace tokenswap::upstream {

// Whether a request that failed on a reused keep-alive connection may be sent once more, on a
// fresh connection. A connection is checked before reuse (its idle age, and a non-blocking look
// for the peer's FIN or reset), so this covers only the race where the peer closes it just as
// the request goes out. The rule:
// - nothing of the request was written (not_sent): the peer cannot have seen it, so any call
//   may be resent;
// - the request was written but the connection ended before any byte of a response (closed):
//   an idle-timeout close by the peer looks exactly like this, but so does a peer that processed
//   the request and died before answering. Only a retry_safe call is resent; a code exchange is
//   not, because a code is single-use and a second attempt would fail anyway or mask the first.
// - any other failure, a timeout, or a failure on a fresh connection: never resent.
constexpr bool may_resend(web::client_error failure, bool retry_safe) {
  if (failure == web::client_error::not_sent) {
    return true;
  }
  return retry_safe && failure == web::client_error::closed;
}

// How a transport failure is reported to the server.
constexpr token_failure failure_of(web::client_error error) {
  switch (error) {
  case web::client_error::timeout:
    return token_failure::timeout;
  case web::client_error::bad_response:
  case web::client_error::too_large:
    return token_failure::bad_response;
  default:
    return token_failure::unreachable;
  }
}

} // namespace tokenswap::upstream
