#include "core/sealer.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace tokenswap::core {
namespace {

// Shaped like a Spotify refresh token and client id; the keys are fixed because scrypt runs once at
// startup and is not what these figures are about.
const std::string refresh_token(131, 'A');
const std::string client_id(32, 'c');

const sealer& rotated_sealer() {
  static const sealer s = sealer::from_keys({sealer::raw_key{2}, sealer::raw_key{1}});
  return s;
}

void seal(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(rotated_sealer().seal(refresh_token, client_id));
  }
}
BENCHMARK(seal)->ThreadRange(1, 2);

void open_current_key(benchmark::State& state) {
  const std::string sealed = rotated_sealer().seal(refresh_token, client_id);
  for (auto _ : state) {
    benchmark::DoNotOptimize(rotated_sealer().open(sealed, client_id));
  }
}
BENCHMARK(open_current_key)->ThreadRange(1, 2);

void open_previous_key(benchmark::State& state) {
  const sealer before = sealer::from_keys({sealer::raw_key{1}});
  const std::string sealed = before.seal(refresh_token, client_id);
  for (auto _ : state) {
    benchmark::DoNotOptimize(rotated_sealer().open(sealed, client_id));
  }
}
BENCHMARK(open_previous_key);

void open_rejected(benchmark::State& state) {
  const std::string sealed = rotated_sealer().seal(refresh_token, "another-client");
  for (auto _ : state) {
    benchmark::DoNotOptimize(rotated_sealer().open(sealed, client_id));
  }
}
BENCHMARK(open_rejected);

} // namespace
} // namespace tokenswap::core
