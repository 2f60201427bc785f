// The accounts service's answers (read_token_answer) with any status, body and Retry-After: a
// success always carries an access token (and a refresh token when one is needed), an error is
// never a 200, and each upstream status maps to the answer the server promises for it.
#include "core/token_exchange.hpp"

#include "property.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

// The input reads like a bare HTTP response, so that seeds are real answers written by hand:
//   <status>\n[Content-Type: ...\n][Retry-After: ...\n][Grant: code\n]\n<body>
// "Grant: code" marks a code exchange, which must bring a refresh token.
struct fuzzed_answer {
  unsigned status = 0;
  bool code_grant = false;
  std::string_view content_type;
  std::optional<std::string_view> retry_after;
  std::string_view body;
};

void read_header(std::string_view line, fuzzed_answer& answer) {
  auto colon = line.find(": ");
  auto name = line.substr(0, colon);
  auto value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 2);
  if (name == "Content-Type") {
    answer.content_type = value;
  } else if (name == "Retry-After") {
    answer.retry_after = value;
  } else if (name == "Grant") {
    answer.code_grant = value == "code";
  }
}

fuzzed_answer read_input(std::string_view input) {
  fuzzed_answer answer;
  auto head_end = input.find("\n\n");
  auto head = input.substr(0, head_end);
  answer.body = head_end == std::string_view::npos ? "" : input.substr(head_end + 2);

  auto line_end = head.find('\n');
  auto status_line = head.substr(0, line_end);
  std::from_chars(status_line.data(), status_line.data() + status_line.size(), answer.status);
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 1);
    line_end = head.find('\n');
    read_header(head.substr(0, line_end), answer);
  }
  return answer;
}

bool is_rate_limit(unsigned status) { return status == 429 || status == 503; }

void check_success(const core::token_response& tokens, bool needs_refresh_token) {
  require(!tokens.access_token.empty(), "a success has an access token");
  require(!needs_refresh_token || tokens.refresh_token, "a code grant brings a refresh token");
  require(!tokens.refresh_token || !tokens.refresh_token->empty(), "no empty refresh token");
  require(tokens.expires_in >= 0, "a token does not expire in the past");

  auto json = boost::json::parse(core::token_response_json(tokens)).as_object();
  require(json.at("expires_in").is_int64(), "expires_in goes out as a JSON number");
  require(json.at("access_token").as_string() == tokens.access_token, "the access token passes");
}

void check_error(const core::oauth_error& error, unsigned upstream) {
  require(error.status != 200, "an error is never a 200");
  require(error.status >= 400 && error.status < 600, "an error has an error status");
  require(!error.error.empty(), "an error has a code");
  if (is_rate_limit(upstream)) {
    require(error.status == upstream && error.retry_after, "429 and 503 pass on with Retry-After");
    require(error.retry_after->count() >= 0 && error.retry_after->count() <= 3600,
            "Retry-After is bounded");
  } else if (upstream >= 400 && upstream < 500) {
    require(error.status == upstream && !error.retry_after, "Spotify's 4xx pass on as they are");
  } else {
    require(error.status == 502 && !error.retry_after, "anything else is a 502");
  }
  require(boost::json::parse(error.to_json()).as_object().at("error").is_string(),
          "the error body is RFC 6749 JSON");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = read_input(tokenswap::fuzz::as_text(data, size));
  core::upstream_answer answer{input.status, input.content_type, input.body, input.retry_after};
  auto result = core::read_token_answer(answer, input.code_grant);
  require(!result || input.status == 200, "only a 200 can succeed");
  if (result) {
    check_success(*result, input.code_grant);
  } else {
    check_error(result.error(), input.status);
  }
  return 0;
}
