// Configuration (.env text and environment through load_config): any text gives either settings
// or problems, never both or neither, and no problem or warning ever quotes a secret.
#include "core/config.hpp"

#include "property.hpp"

#include <algorithm>
#include <array>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

constexpr std::array<std::string_view, 6> secret_names = {
    "CLIENT_SECRET", "SPOTIFY_CLIENT_SECRET",      "ENCRYPTION_SECRET",
    "SECRET_KEY",    "ENCRYPTION_SECRET_PREVIOUS", "LEGACY_ENCRYPTION_SECRET"};

// Appended to every secret: text that no message has any reason to contain.
constexpr std::string_view marker = "\x7fsecret\x7f";

bool is_secret(std::string_view name) {
  return std::find(secret_names.begin(), secret_names.end(), name) != secret_names.end();
}

bool quotes_a_secret(const std::vector<std::string>& lines) {
  return std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find(marker) != std::string::npos;
  });
}

void check(const core::config_sources& sources) {
  auto outcome = core::load_config(sources);
  require(outcome.settings.has_value() == outcome.problems.empty(),
          "settings come without problems, problems without settings");
  require(!quotes_a_secret(outcome.problems), "no problem quotes a secret");
  require(!outcome.settings || !quotes_a_secret(outcome.settings->warnings),
          "no warning quotes a secret");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::config_sources sources;
  sources.environment = core::parse_dotenv(tokenswap::fuzz::as_text(data, size));
  for (auto& [name, value] : sources.environment) {
    if (is_secret(name)) {
      value += marker;
    }
  }
  check(sources);

  // The same settings split between the .env file and the environment, which must win.
  sources.dotenv_text = "CLIENT_SECRET=dotenv-secret" + std::string(marker) + "\nPORT=x\n";
  check(sources);
  return 0;
}
