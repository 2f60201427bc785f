// The demo app: what a mobile app does with a token-swap server, written for a browser page.
// Plain JavaScript, no build step, no inline code (the page's Content-Security-Policy forbids it).

const SESSION_KEY = 'tokenswap.demo.session';
const PENDING_KEY = 'tokenswap.demo.pending';
// The activity list survives the trip to the consent page and reloads, for this tab only.
const ACTIVITY_KEY = 'tokenswap.demo.activity';
const ACTIVITY_LIMIT = 30;
// Like the Cordova plugin: a token this close to its expiry counts as expired.
const SAFETY_MARGIN_MS = 30_000;

const $ = (id) => document.getElementById(id);

let config = null;
let session = null;
let refreshing = null;
let nextPlaylists = null;

// A failure explained in words for the person at the page.
class Problem extends Error {
  constructor(message, { code = '', endsSession = false } = {}) {
    super(message);
    this.code = code;
    this.endsSession = endsSession;
  }
}

start();

async function start() {
  wireButtons();
  showActivity();
  try {
    config = await loadConfig();
  } catch (problem) {
    showProblem(problem);
    setStatus('The page could not start.');
    return;
  }
  showEndpoints();
  if (location.pathname.endsWith('/callback')) {
    await finishLogin();
  } else {
    await restoreSession();
  }
}

function wireButtons() {
  const actions = {
    login: startLogin,
    refresh: () => refreshSession('on request'),
    logout: logOut,
    whoami: showProfile,
    playlists: () => showPlaylists(null),
    more: () => showPlaylists(nextPlaylists),
    'reveal-access': () => toggleReveal('reveal-access', 'access-token', session?.access_token),
    'reveal-refresh': () => toggleReveal('reveal-refresh', 'refresh-token', session?.refresh_token),
  };
  for (const [id, action] of Object.entries(actions)) {
    $(id).addEventListener('click', () => run(action));
  }
}

// Runs one user action: clears the previous problem, shows a new one in words.
async function run(action) {
  hideProblem();
  try {
    await action();
  } catch (problem) {
    showProblem(problem);
    if (problem.endsSession) {
      forgetSession();
      showSignedOut();
    }
    setStatus(session ? 'Still logged in; the last action failed.' : 'Not logged in.');
  }
}

async function loadConfig() {
  let response;
  try {
    response = await fetch('config.json', { cache: 'no-store' });
  } catch {
    throw new Problem('The demo server did not answer, so the page has no configuration.');
  }
  if (!response.ok) {
    throw new Problem(`The demo server answered ${response.status} for its configuration.`);
  }
  return response.json();
}

// ---- Logging in: authorization code with PKCE (RFC 7636) and a state check.

async function startLogin() {
  if (!window.crypto?.subtle) {
    throw new Problem('This browser offers no WebCrypto here, so the page cannot protect the ' +
      'login with PKCE. Open the page at http://127.0.0.1 or over HTTPS.');
  }
  const state = randomText(16);
  const verifier = randomText(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier }));

  const url = new URL(config.authorize_url, location.href);
  url.search = new URLSearchParams({
    client_id: config.client_id,
    response_type: 'code',
    redirect_uri: config.redirect_uri,
    state,
    scope: config.scopes.join(' '),
    code_challenge_method: 'S256',
    code_challenge: base64url(new Uint8Array(digest)),
    // A demo shows the consent page every time, so Cancel can be tried after an Agree.
    show_dialog: 'true',
  }).toString();
  note('Went to the accounts service to log in, with a fresh state and a PKCE challenge.');
  setStatus('Going to the accounts service to log in…');
  location.assign(url.toString());
}

async function finishLogin() {
  const answer = new URLSearchParams(location.search);
  // The address holds a one-time code: take it out of the address bar and the history.
  history.replaceState(null, '', new URL('.', location.href).pathname);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  sessionStorage.removeItem(PENDING_KEY);
  session = loadSession();

  try {
    const code = checkAnswer(answer, pending);
    setStatus('Trading the code for tokens at the token-swap server…');
    const tokens = await postForm(config.exchange_url, {
      code,
      redirect_uri: config.redirect_uri,
      code_verifier: pending.verifier,
    }, 'exchange');
    if (typeof tokens?.refresh_token !== 'string') {
      throw new Problem('The token-swap server answered without a refresh token.');
    }
    session = { ...sessionFrom(tokens), refresh_token: tokens.refresh_token };
    saveSession();
    note('Logged in: the server exchanged the code for tokens.');
    showSession('from a new login');
  } catch (problem) {
    showProblem(problem);
    setStatus('Not logged in.');
    session ? showSession('kept from before') : showSignedOut();
  }
}

// The code from the callback, once the answer is known to belong to the login this page started.
function checkAnswer(answer, pending) {
  const error = answer.get('error');
  if (error === 'access_denied') {
    throw new Problem('You cancelled at the consent page, so the app got no access. ' +
      'Nothing was stored. Log in again whenever you like.', { code: error });
  }
  if (error) {
    const detail = answer.get('error_description');
    throw new Problem(`The accounts service refused the login (${error}` +
      `${detail ? `: ${detail}` : ''}).`, { code: error });
  }
  if (!pending || answer.get('state') !== pending.state) {
    throw new Problem('The answer from the accounts service does not belong to a login started ' +
      'on this page (the state did not match), so it was ignored. Log in again.',
    { code: 'state_mismatch' });
  }
  const code = answer.get('code');
  if (!code) {
    throw new Problem('The accounts service sent the browser back without a code. Log in again.');
  }
  return code;
}

// ---- The session: cached in local storage, reused while valid, refreshed otherwise.

async function restoreSession() {
  session = loadSession();
  if (!session) {
    setStatus('Not logged in.');
    showSignedOut();
    return;
  }
  if (session.scope_key !== scopeKey()) {
    // The app now asks for other permissions: the old grant does not cover them.
    forgetSession();
    note('The scopes this page asks for changed, so a new login starts.');
    await run(startLogin);
    return;
  }
  if (isFresh()) {
    note('Reused the session cached in this browser.');
    showSession("restored from this browser's storage");
    return;
  }
  showSession("restored from this browser's storage, expired");
  await run(() => refreshSession('because it had expired'));
}

function refreshSession(reason) {
  // One refresh at a time: a rotated refresh token works only once.
  refreshing ??= doRefresh(reason).finally(() => { refreshing = null; });
  return refreshing;
}

async function doRefresh(reason) {
  if (!session) {
    throw new Problem('There is no session to refresh. Log in first.');
  }
  setStatus('Refreshing the access token at the token-swap server…');
  const tokens = await postForm(config.refresh_url, { refresh_token: session.refresh_token },
    'refresh');
  const rotated = Boolean(tokens.refresh_token);
  // Keep the old refresh token unless the server sent a new one.
  session = { ...sessionFrom(tokens), refresh_token: tokens.refresh_token || session.refresh_token };
  saveSession();
  note(`Refreshed the access token ${reason}; ` +
    (rotated ? 'the server sent a new sealed refresh token.' : 'the refresh token stays the same.'));
  showSession(`refreshed ${reason}`);
}

function sessionFrom(tokens) {
  if (typeof tokens?.access_token !== 'string' || typeof tokens?.expires_in !== 'number') {
    throw new Problem('The token-swap server answered without an access token and its lifetime.');
  }
  return {
    access_token: tokens.access_token,
    token_type: tokens.token_type || 'Bearer',
    scope: tokens.scope || '',
    expires_at: Date.now() + tokens.expires_in * 1000,
    scope_key: scopeKey(),
  };
}

async function freshAccessToken() {
  if (!session) {
    throw new Problem('Log in first: the app holds no access token.');
  }
  if (!isFresh()) {
    await refreshSession('because it had expired');
  }
  return session.access_token;
}

function isFresh() {
  return session && session.expires_at - SAFETY_MARGIN_MS > Date.now();
}

function scopeKey() {
  return [...config.scopes].sort().join(' ');
}

function loadSession() {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
    return stored && stored.access_token && stored.refresh_token ? stored : null;
  } catch {
    return null;
  }
}

function saveSession() {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function forgetSession() {
  localStorage.removeItem(SESSION_KEY);
  session = null;
}

function logOut() {
  forgetSession();
  note('Logged out: the session was forgotten in this browser.');
  setStatus('Logged out. The tokens were forgotten here; the server keeps nothing.');
  showSignedOut();
}

// ---- Talking to the token-swap server and the Web API.

async function postForm(url, fields, what) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new Problem(`The token-swap server at ${originOf(url)} could not be reached. ` +
      'Is it running?', { code: 'unreachable' });
  }
  const body = await readJson(response);
  if (response.ok) {
    return body;
  }
  throw serverProblem(what, response.status, body);
}

function serverProblem(what, status, body) {
  const reason = body?.error ? `${body.error}${body.error_description ?
    `: ${body.error_description}` : ''}` : `HTTP ${status}`;
  if (what === 'refresh' && status >= 400 && status < 500) {
    return new Problem(`The server refused the refresh token (${reason}). The session is over: ` +
      'log in again.', { code: body?.error || 'refresh_rejected', endsSession: true });
  }
  const doing = what === 'refresh' ? 'refresh the access token' : 'exchange the code for tokens';
  return new Problem(`The token-swap server could not ${doing} (${reason}).`,
    { code: body?.error || String(status) });
}

async function apiGet(url) {
  const token = await freshAccessToken();
  let response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}` },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new Problem(`The Web API at ${originOf(url)} could not be reached.`,
      { code: 'unreachable' });
  }
  const body = await readJson(response);
  if (!response.ok) {
    const message = body?.error?.message || body?.error_description || `HTTP ${response.status}`;
    throw new Problem(`The Web API refused the request (${response.status}: ${message}).` +
      (response.status === 401 ? ' Try "Refresh now", or log in again.' : ''),
    { code: String(response.status) });
  }
  return body;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function showProfile() {
  setStatus('Asking the Web API who you are…');
  const me = await apiGet(`${apiBase()}/v1/me`);
  $('profile-name').textContent = me.display_name || me.id || '(no name)';
  $('profile-email').textContent = me.email || '(not shared)';
  $('profile-country').textContent = me.country || '(not shared)';
  $('profile-product').textContent = me.product || '(not shared)';
  setImage($('profile-image'), me.images);
  $('profile').hidden = false;
  note(`The Web API says you are ${$('profile-name').textContent}.`);
  setStatus(`Logged in as ${$('profile-name').textContent}.`);
}

async function showPlaylists(pageUrl) {
  const url = pageUrl || `${apiBase()}/v1/me/playlists?limit=5`;
  // Only ever send the access token to the API the page was configured with.
  if (originOf(url) !== originOf(apiBase())) {
    throw new Problem('The Web API pointed the next page somewhere else; it was not followed.');
  }
  setStatus('Fetching your playlists…');
  const page = await apiGet(url);
  const list = $('playlist-list');
  if (!pageUrl) {
    list.replaceChildren();
  }
  for (const playlist of page.items || []) {
    list.append(playlistItem(playlist));
  }
  nextPlaylists = page.next || null;
  $('more').hidden = !nextPlaylists;
  $('playlist-count').textContent = `(${list.children.length} of ${page.total ?? '?'})`;
  $('playlist-block').hidden = false;
  note(`Fetched ${page.items?.length ?? 0} playlists${nextPlaylists ? '; there are more' : ''}.`);
  setStatus(`Showing ${list.children.length} of ${page.total ?? '?'} playlists.`);
}

function playlistItem(playlist) {
  const item = document.createElement('li');
  const picture = document.createElement('img');
  picture.alt = '';
  picture.width = 48;
  picture.height = 48;
  setImage(picture, playlist.images);
  const text = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = playlist.name || '(untitled)';
  const details = document.createElement('span');
  const owner = playlist.owner?.display_name || playlist.owner?.id || 'unknown';
  // Spotify renamed the playlist's `tracks` to `items`; either may come.
  const total = (playlist.tracks ?? playlist.items)?.total;
  details.textContent = `by ${owner} · ${total ?? '?'} tracks`;
  text.append(name, details);
  item.append(picture, text);
  return item;
}

function setImage(element, images) {
  const url = Array.isArray(images) ? images.find((image) => image?.url)?.url : null;
  element.hidden = !url;
  if (url) {
    element.src = url;
  } else {
    element.removeAttribute('src');
  }
}

// Relative URLs (a page served by the token-swap server itself) count as the page's own origin.
function originOf(url) {
  return new URL(url, location.href).origin;
}

function apiBase() {
  return config.api_base_url.replace(/\/+$/, '');
}

// ---- Showing things.

let countdownTimer = null;

function showSession(source) {
  $('signed-out').hidden = true;
  $('session').hidden = false;
  $('api').hidden = false;
  $('source').textContent = source;
  showToken('reveal-access', 'access-token', session.access_token);
  showToken('reveal-refresh', 'refresh-token', session.refresh_token);
  $('expiry').textContent = new Date(session.expires_at).toLocaleTimeString();
  const scopes = session.scope.split(' ').filter(Boolean);
  $('scopes').replaceChildren(...scopes.map((scope) => {
    const chip = document.createElement('li');
    chip.textContent = scope;
    return chip;
  }));
  if (!scopes.length) {
    $('scopes').textContent = '(none)';
  }
  clearInterval(countdownTimer);
  tick();
  countdownTimer = setInterval(tick, 1000);
  setStatus(`Logged in (${source}).`);
}

function showSignedOut() {
  clearInterval(countdownTimer);
  $('session').hidden = true;
  $('api').hidden = true;
  $('profile').hidden = true;
  $('playlist-block').hidden = true;
  $('signed-out').hidden = false;
}

function tick() {
  if (!session) {
    return;
  }
  const left = Math.round((session.expires_at - Date.now()) / 1000);
  const countdown = $('countdown');
  if (left <= 0) {
    countdown.textContent = `(expired ${-left} s ago; the next use refreshes it)`;
  } else if (left * 1000 <= SAFETY_MARGIN_MS) {
    countdown.textContent = `(in ${left} s: inside the 30 s margin, the next use refreshes it)`;
  } else {
    countdown.textContent = `(in ${formatSeconds(left)})`;
  }
  countdown.dataset.state = left * 1000 > SAFETY_MARGIN_MS ? 'fresh' : 'stale';
}

function formatSeconds(total) {
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes ? `${minutes} min ${String(seconds).padStart(2, '0')} s` : `${seconds} s`;
}

function showToken(buttonId, codeId, token) {
  const button = $(buttonId);
  button.setAttribute('aria-pressed', 'false');
  button.textContent = 'Reveal';
  $(codeId).textContent = mask(token);
}

function toggleReveal(buttonId, codeId, token) {
  if (!token) {
    return;
  }
  const button = $(buttonId);
  const reveal = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(reveal));
  button.textContent = reveal ? 'Hide' : 'Reveal';
  $(codeId).textContent = reveal ? token : mask(token);
}

function mask(token) {
  return token ? `${'•'.repeat(16)}${token.slice(-4)}` : '';
}

function showEndpoints() {
  const rows = [
    ['Accounts service', config.authorize_url],
    ['Token exchange', config.exchange_url],
    ['Token refresh', config.refresh_url],
    ['Web API', config.api_base_url],
    ['Redirect URI', config.redirect_uri],
    ['Client id', config.client_id],
    ['Scopes asked for', config.scopes.join(' ')],
  ];
  $('endpoints').replaceChildren(...rows.map(([label, value]) => {
    const row = document.createElement('div');
    const term = document.createElement('dt');
    const detail = document.createElement('dd');
    term.textContent = label;
    detail.textContent = value;
    row.append(term, detail);
    return row;
  }));
}

function setStatus(text) {
  $('status').textContent = text;
}

function showProblem(problem) {
  const text = problem instanceof Problem ? problem.message :
    `Unexpected failure: ${problem?.message || problem}`;
  $('problem-text').textContent = text;
  $('problem').dataset.code = problem?.code || 'unexpected';
  $('problem').hidden = false;
  note(text);
}

function hideProblem() {
  $('problem').hidden = true;
}

function note(text) {
  const entries = readActivity();
  entries.unshift({ at: Date.now(), text });
  sessionStorage.setItem(ACTIVITY_KEY, JSON.stringify(entries.slice(0, ACTIVITY_LIMIT)));
  showActivity();
}

function readActivity() {
  try {
    const entries = JSON.parse(sessionStorage.getItem(ACTIVITY_KEY) || '[]');
    return Array.isArray(entries) ? entries : [];
  } catch {
    return [];
  }
}

function showActivity() {
  $('activity').replaceChildren(...readActivity().map(({ at, text }) => {
    const entry = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = new Date(at).toISOString();
    time.textContent = new Date(at).toLocaleTimeString();
    entry.append(time, ` ${text}`);
    return entry;
  }));
}

// ---- Randomness and encoding for state and PKCE.

function randomText(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes) {
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
