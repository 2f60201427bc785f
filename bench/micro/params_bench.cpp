#include "core/params.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace tokenswap::core {
namespace {

// Bodies shaped like what apps post: a refresh with a sealed token (base64url, ~190 characters)
// and a code exchange with a Spotify-length code, a redirect URI and a PKCE verifier.
const std::string sealed_token = "v1." + std::string(187, 'Q');
const std::string code(246, 'A');
const std::string verifier(64, 'v');

const std::string refresh_form = "refresh_token=" + sealed_token;
const std::string exchange_form = "code=" + code +
                                  "&redirect_uri=com.example.app%3A%2F%2Fcallback"
                                  "&code_verifier=" +
                                  verifier + "&grant_type=authorization_code";
const std::string refresh_json = R"({"refresh_token":")" + sealed_token + R"("})";
const std::string exchange_json =
    R"({"code":")" + code + R"(","redirect_uri":"com.example.app://callback","code_verifier":")" +
    verifier + R"("})";

void decode_form_body(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(decode_form(body));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK_CAPTURE(decode_form_body, refresh, refresh_form);
BENCHMARK_CAPTURE(decode_form_body, exchange, exchange_form);

void decode_json_body(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(decode_json(body));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK_CAPTURE(decode_json_body, refresh, refresh_json);
BENCHMARK_CAPTURE(decode_json_body, exchange, exchange_json);

void required_param(benchmark::State& state) {
  const auto decoded = decode_form(exchange_form);
  for (auto _ : state) {
    benchmark::DoNotOptimize(decoded->required("code"));
  }
}
BENCHMARK(required_param);

} // namespace
} // namespace tokenswap::core
