#include "core/token_exchange.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace tokenswap::core {
namespace {

// Spotify's answer to a refresh, at the lengths its tokens have today.
const std::string access_token = "BQ" + std::string(250, 'a');
const std::string refresh_token = "AQ" + std::string(129, 'r');
const std::string scope = "user-read-private user-read-email playlist-read-private";
const std::string spotify_answer =
    R"({"access_token":")" + access_token +
    R"(","token_type":"Bearer","expires_in":3600,"refresh_token":")" + refresh_token +
    R"(","scope":")" + scope + R"("})";

void read_refresh_answer(benchmark::State& state) {
  const upstream_answer answer{200, "application/json", spotify_answer, std::nullopt};
  for (auto _ : state) {
    benchmark::DoNotOptimize(read_token_answer(answer, false));
  }
}
BENCHMARK(read_refresh_answer);

void build_answer_json(benchmark::State& state) {
  const token_response response{access_token, "Bearer", scope, 3600, "v1." + std::string(187, 'Q')};
  for (auto _ : state) {
    benchmark::DoNotOptimize(token_response_json(response));
  }
}
BENCHMARK(build_answer_json);

void build_refresh_request(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(refresh_grant_body(refresh_token));
  }
}
BENCHMARK(build_refresh_request);

void build_basic_authorization(benchmark::State& state) {
  const std::string client_id(32, 'c');
  const std::string client_secret(32, 's');
  for (auto _ : state) {
    benchmark::DoNotOptimize(basic_authorization(client_id, client_secret));
  }
}
BENCHMARK(build_basic_authorization);

} // namespace
} // namespace tokenswap::core
