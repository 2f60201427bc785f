#include "emulator/pages.hpp"

#include "emulator/scopes.hpp"

#include <boost/url/parse.hpp>

namespace tokenswap::emulator {
namespace {

std::string page(std::string_view title, std::string_view content) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(title) + "</title>\n<link rel=\"stylesheet\" href=\"" +
         std::string(stylesheet_path) + "\">\n</head>\n<body>\n<main class=\"card\">\n" +
         "<p class=\"banner\">Spotify accounts emulator (tokenswap): no real account is "
         "involved</p>\n" +
         std::string(content) + "</main>\n</body>\n</html>\n";
}

std::string scope_items(const std::vector<std::string>& scopes) {
  if (scopes.empty()) {
    return "<li>See your public profile: your name and profile picture</li>\n";
  }
  std::string items;
  for (const auto& name : scopes) {
    const auto* info = find_scope(name);
    items += "<li>" + html_escape(info ? info->explanation : name) + " <span class=\"scope\">(" +
             html_escape(name) + ")</span></li>\n";
  }
  return items;
}

// Where a redirect URI points, as a CSP source expression: the origin for http and https, the
// whole scheme ("myapp:") for an app's custom scheme.
std::string redirect_source(std::string_view redirect_uri) {
  auto parsed = boost::urls::parse_absolute_uri(redirect_uri);
  if (!parsed) {
    return "";
  }
  auto scheme = std::string(parsed->scheme());
  if ((scheme != "http" && scheme != "https") || parsed->host().empty()) {
    return scheme + ":";
  }
  return scheme + "://" + std::string(parsed->encoded_host_and_port());
}

} // namespace

std::string_view stylesheet() {
  return R"(:root { color-scheme: dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center;
       background: #121212; color: #f5f5f5; }
.card { max-width: 30rem; margin: 1rem; padding: 2rem; border-radius: 0.75rem;
        background: #1f1f1f; box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 40%); }
h1 { font-size: 1.5rem; margin-top: 0; }
.app { color: #1ed760; }
ul { padding-left: 1.25rem; line-height: 1.5; }
.scope { color: #b3b3b3; font-size: 0.85em; }
.actions { display: flex; gap: 1rem; flex-wrap: wrap; margin-top: 1.5rem; }
button { font: inherit; font-weight: 600; padding: 0.75rem 2rem; border-radius: 2rem;
         border: 2px solid #f5f5f5; cursor: pointer; }
button.agree { background: #1ed760; border-color: #1ed760; color: #121212; }
button.cancel { background: transparent; color: #f5f5f5; }
button:focus-visible { outline: 3px solid #ffffff; outline-offset: 3px; }
.problem { color: #ff8a8a; font-family: ui-monospace, monospace; word-break: break-word; }
.note { color: #b3b3b3; font-size: 0.9em; }
.banner { color: #b3b3b3; font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.05em; }
)";
}

std::string consent_page(const registered_client& client, const authorize_request& request,
                         std::string_view pending_id) {
  std::string content = "<h1><span class=\"app\">" + html_escape(client.name) +
                        "</span> wants to use your Spotify account</h1>\n"
                        "<p>Signed in as the emulator's sample listener. If you agree, the app "
                        "will be able to:</p>\n<ul>\n" +
                        scope_items(request.scopes) + "</ul>\n";
  content += "<form method=\"post\" action=\"/authorize/decision\">\n"
             "<input type=\"hidden\" name=\"request\" value=\"" +
             html_escape(pending_id) +
             "\">\n<div class=\"actions\">\n"
             "<button type=\"submit\" class=\"agree\" name=\"decision\" value=\"agree\">"
             "Agree</button>\n"
             "<button type=\"submit\" class=\"cancel\" name=\"decision\" value=\"cancel\">"
             "Cancel</button>\n</div>\n</form>\n";
  content +=
      "<p class=\"note\">You will be sent back to " + html_escape(request.redirect_uri) + "</p>\n";
  return page("Log in to " + client.name, content);
}

std::string error_page(std::string_view message) {
  auto content = "<h1>Something went wrong</h1>\n<p>The app asked to log in with a request the "
                 "accounts service cannot accept:</p>\n<p class=\"problem\" role=\"alert\">" +
                 html_escape(message) +
                 "</p>\n<p class=\"note\">Go back to the app and try again; if this keeps "
                 "happening, the app's settings need fixing.</p>\n";
  return page("Error", content);
}

std::string content_security_policy(std::string_view redirect_uri) {
  std::string form_action = "'self'";
  if (auto source = redirect_source(redirect_uri); !source.empty()) {
    form_action += " " + source;
  }
  return "default-src 'none'; style-src 'self'; img-src 'self'; form-action " + form_action +
         "; frame-ancestors 'none'; base-uri 'none'";
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace tokenswap::emulator
