#include "client/session_manager.hpp"

#include "client/browser.hpp"
#include "client/loopback_listener.hpp"
#include "client/loopback_redirect.hpp"
#include "client/pkce.hpp"
#include "client/scopes.hpp"
#include "client/session_store.hpp"
#include "client/transport.hpp"

#include <future>
#include <mutex>

namespace tokenswap::client {
namespace {

// Every problem at once, so a misconfigured app is fixed in one go.
std::optional<error> check_config(const config& settings) {
  std::string problems;
  auto add = [&problems](std::string_view problem) {
    problems += (problems.empty() ? "" : "; ") + std::string(problem);
  };
  if (settings.client_id.empty()) {
    add("no client id");
  }
  if (settings.exchange_url.empty() || settings.refresh_url.empty()) {
    add("no token-swap server URLs (exchange and refresh)");
  }
  if (auto redirect = parse_loopback_redirect(settings.redirect_uri); !redirect) {
    add(redirect.error().message);
  }
  if (!is_valid_profile(settings.profile)) {
    add("the profile name may hold only letters, digits, '-', '_' and '.'");
  }
  if (problems.empty()) {
    return std::nullopt;
  }
  return error{error_kind::invalid_config, problems};
}

std::filesystem::path store_dir_of(const config& settings) {
  return settings.store_dir.empty() ? default_store_dir() : settings.store_dir;
}

} // namespace

struct session_manager::impl {
  config settings;
  std::shared_ptr<transport> network;
  session_store store;
  std::optional<error> config_error;
  // Held for the whole of a refresh or login, so concurrent callers share its result.
  std::mutex flight;
  std::optional<session> cached;
  // The cached session is newer than the file: its save failed (a full disk, say). It may hold a
  // rotated refresh token that exists nowhere else, so it is saved again before anything else
  // and, until then, preferred over the file, whose refresh token Spotify has already retired.
  // Only keep() sets it, always together with `cached`.
  bool unsaved = false;

  impl(config c, std::shared_ptr<transport> n)
      : settings(std::move(c)), network(std::move(n)),
        store(store_dir_of(settings), settings.profile), config_error(check_config(settings)) {
    settings.scopes = normalize_scopes(std::move(settings.scopes));
  }

  time_point now() const {
    return settings.clock ? settings.clock() : std::chrono::system_clock::now();
  }
  bool is_usable(const session& s, std::chrono::seconds margin) const {
    return matches(s) && is_fresh(s, now(), margin);
  }
  bool matches(const session& s) const;

  result<session> current_or_refreshed();
  result<session> refresh_stored(std::optional<std::string_view> rejected);
  result<session> run_login();
  result<std::string> wait_for_redirect(loopback_listener& listener, const std::string& url,
                                        const std::string& state);
  result<session> keep(session s, const store_lock& lock);
  void save_unsaved();
};

// A session from another app, another server or for other scopes needs a new login: the sealed
// refresh token opens only at the server that sealed it, and scopes change only through consent.
bool session_manager::impl::matches(const session& s) const {
  return s.client_id == settings.client_id && s.refresh_url == settings.refresh_url &&
         same_scopes(s.scopes, settings.scopes);
}

result<session> session_manager::impl::current_or_refreshed() {
  // While the disk still refuses, a usable session in memory keeps serving: the failure was
  // reported when it first happened, and every call tries the save again.
  save_unsaved();
  if (cached && is_usable(*cached, settings.refresh_margin)) {
    return *cached;
  }
  if (unsaved) {
    return refresh_stored(std::nullopt);
  }
  auto stored = store.load();
  if (!stored) {
    return stored.error();
  }
  if (!*stored) {
    return error{error_kind::needs_login, "not logged in"};
  }
  if (!matches(**stored)) {
    return error{error_kind::needs_login,
                 "the stored session is for other scopes, another app or another server"};
  }
  if (is_fresh(**stored, now(), settings.refresh_margin)) {
    cached = **stored;
    return **stored;
  }
  return refresh_stored(std::nullopt);
}

// Under the profile's lock the session is read again: when another process refreshed meanwhile,
// its result is used and no second refresh is made (a single-use refresh token would fail).
result<session> session_manager::impl::refresh_stored(std::optional<std::string_view> rejected) {
  auto lock = store.lock();
  if (!lock) {
    return lock.error();
  }
  auto stored = store.load();
  if (!stored) {
    return stored.error();
  }
  std::optional<session> latest = unsaved ? cached : std::move(*stored);
  if (!latest || !matches(*latest)) {
    return error{error_kind::needs_login, "not logged in"};
  }
  const auto& current = *latest;
  bool replaced = !rejected || current.access_token != *rejected;
  auto margin = rejected ? std::chrono::seconds(0) : settings.refresh_margin;
  if (replaced && is_fresh(current, now(), margin)) {
    cached = current;
    return current;
  }

  auto grant = network->refresh(current.refresh_url, current.refresh_token);
  if (!grant) {
    return grant.error();
  }
  return keep(apply_grant(current, *grant, now()), *lock);
}

// A session that could not be saved still serves this process, and its save is tried again at
// every later call; the caller learns of the failure, because a rotated refresh token that is
// not on disk when the process exits is lost.
result<session> session_manager::impl::keep(session s, const store_lock& lock) {
  cached = s;
  unsaved = true;
  if (auto saved = store.save(s, lock); !saved) {
    return saved.error();
  }
  unsaved = false;
  return s;
}

void session_manager::impl::save_unsaved() {
  if (!unsaved) {
    return;
  }
  if (auto lock = store.lock(); lock && store.save(*cached, *lock)) {
    unsaved = false;
  }
}

result<session> session_manager::impl::run_login() {
  auto redirect = parse_loopback_redirect(settings.redirect_uri);
  if (!redirect) {
    return redirect.error();
  }
  auto listener = loopback_listener::open(*redirect);
  if (!listener) {
    return listener.error();
  }
  auto redirect_uri = redirect->uri((*listener)->port());
  auto state = make_state();
  auto pkce = make_pkce();
  auto url = build_authorize_url({settings.accounts_url, settings.client_id, redirect_uri,
                                  settings.scopes, state, pkce.challenge, settings.show_dialog});
  if (!url) {
    return url.error();
  }

  auto code = wait_for_redirect(**listener, *url, state);
  if (!code) {
    return code.error();
  }
  auto grant = network->exchange({settings.exchange_url, *code, redirect_uri, pkce.verifier});
  if (!grant) {
    return grant.error();
  }

  session fresh;
  fresh.client_id = settings.client_id;
  fresh.scopes = settings.scopes;
  fresh.exchange_url = settings.exchange_url;
  fresh.refresh_url = settings.refresh_url;
  auto lock = store.lock();
  if (!lock) {
    return lock.error();
  }
  return keep(apply_grant(std::move(fresh), *grant, now()), *lock);
}

// The listener runs on its own thread while the URL is opened on this one, so an opener that
// itself follows the URL to the redirect (as a test does) cannot deadlock.
result<std::string> session_manager::impl::wait_for_redirect(loopback_listener& listener,
                                                             const std::string& url,
                                                             const std::string& state) {
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.login_timeout);
  auto code = std::async(std::launch::async, [&listener, &state, timeout] {
    return listener.wait_for_code(state, timeout);
  });
  try {
    settings.open_url ? settings.open_url(url) : open_in_browser(url);
  } catch (const std::exception& e) {
    listener.cancel();
    (void)code.get();
    return error{error_kind::cancelled,
                 std::string("the login page could not be opened: ") + e.what()};
  }
  return code.get();
}

session_manager::session_manager(config settings)
    : session_manager(settings, make_http_transport(settings.request_timeout, settings.ca_file)) {}

session_manager::session_manager(config settings, std::shared_ptr<transport> network)
    : impl_(std::make_unique<impl>(std::move(settings), std::move(network))) {}

session_manager::~session_manager() = default;

const config& session_manager::settings() const { return impl_->settings; }

result<session> session_manager::token() {
  if (impl_->config_error) {
    return *impl_->config_error;
  }
  std::lock_guard guard(impl_->flight);
  return impl_->current_or_refreshed();
}

result<session> session_manager::authorize() {
  if (impl_->config_error) {
    return *impl_->config_error;
  }
  std::lock_guard guard(impl_->flight);
  auto current = impl_->current_or_refreshed();
  if (current || current.error().kind != error_kind::needs_login) {
    return current;
  }
  return impl_->run_login();
}

result<session> session_manager::login() {
  if (impl_->config_error) {
    return *impl_->config_error;
  }
  std::lock_guard guard(impl_->flight);
  return impl_->run_login();
}

result<session> session_manager::refresh(std::string_view rejected_access_token) {
  if (impl_->config_error) {
    return *impl_->config_error;
  }
  std::lock_guard guard(impl_->flight);
  return impl_->refresh_stored(rejected_access_token);
}

result<void> session_manager::forget() {
  if (!is_valid_profile(impl_->settings.profile)) {
    return *impl_->config_error;
  }
  std::lock_guard guard(impl_->flight);
  impl_->cached.reset();
  impl_->unsaved = false;
  auto lock = impl_->store.lock();
  if (!lock) {
    return lock.error();
  }
  return impl_->store.remove(*lock);
}

result<api_response> session_manager::call_api(std::string_view method, std::string_view url,
                                               std::optional<std::string> body) {
  auto current = token();
  if (!current) {
    return current.error();
  }
  auto answer = impl_->network->call_api(method, url, current->access_token, body);
  if (!answer || answer->status != 401) {
    return answer;
  }
  // The token was refused before its time (revoked, or the clock is off): one refresh, one retry.
  auto renewed = refresh(current->access_token);
  if (!renewed) {
    return renewed.error();
  }
  return impl_->network->call_api(method, url, renewed->access_token, body);
}

result<session> authorize(const config& settings) { return session_manager(settings).authorize(); }

result<void> forget(const config& settings) { return session_manager(settings).forget(); }

} // namespace tokenswap::client
