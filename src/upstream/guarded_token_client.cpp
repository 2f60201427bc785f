#include "upstream/guarded_token_client.hpp"

#include "core/oauth_error.hpp"
#include "core/token_exchange.hpp"

namespace tokenswap::upstream {
namespace {

token_outcome refused(const refusal& r) {
  auto description = r.status == 429 ? "the accounts service is rate limiting requests"
                                     : "the accounts service is failing; try again shortly";
  core::oauth_error error{r.status, "temporarily_unavailable", description, std::nullopt};
  token_reply reply{r.status, error.to_json(), "application/json",
                    std::to_string(r.retry_after.count())};
  return token_outcome{std::move(reply), token_failure::unreachable, std::chrono::milliseconds(0)};
}

std::optional<std::chrono::seconds> retry_after_of(const token_outcome& outcome) {
  if (!outcome.reply || !outcome.reply->retry_after) {
    return std::nullopt;
  }
  auto seconds = core::retry_after_seconds(*outcome.reply->retry_after, -1);
  if (seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::max<std::int64_t>(seconds, 1));
}

} // namespace

call_result classify(const token_outcome& outcome) {
  if (!outcome.reply || outcome.reply->status >= 500) {
    return call_result::failed;
  }
  return outcome.reply->status == 429 ? call_result::rate_limited : call_result::answered;
}

guarded_token_client::guarded_token_client(token_client& inner, guard_settings settings, clock now)
    : inner_(inner), guard_(settings), now_(std::move(now)) {}

net::awaitable<token_outcome> guarded_token_client::post_token(token_call call) {
  if (auto refusal = guard_.admit(now_())) {
    co_return refused(*refusal);
  }
  token_outcome outcome;
  try {
    outcome = co_await inner_.post_token(std::move(call));
  } catch (...) {
    // A probe that throws must still give its verdict, or the circuit would stay half open.
    guard_.record(call_result::failed, std::nullopt, now_());
    throw;
  }
  guard_.record(classify(outcome), retry_after_of(outcome), now_());
  calls_.record(outcome);
  co_return outcome;
}

} // namespace tokenswap::upstream
