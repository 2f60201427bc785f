// End to end: `tokenswap demo` (emulated accounts service, token-swap server and the demo page, on
// free loopback ports, with short-lived tokens) driven through Debian's headless Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const binary = process.env.TOKENSWAP_BINARY || join(root, 'build/release/src/tokenswap');
const shots = join(root, 'artifacts/browser');
// Long enough to reload and see the cached token, short enough to wait out: the page counts a
// token as expired 30 s before its end.
const TOKEN_LIFETIME_S = 45;
const STEP_TIMEOUT_MS = 15_000;

let demo;
let demoUrl;
let profileDir;
let context;
let page;
const pageErrors = [];
let shotNumber = 0;

// Starts the binary and waits until its output matches `pattern`; resolves with the match.
async function startBinary(args, pattern, env = {}) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const match = await new Promise((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`not ready:\n${output}`)), 20_000);
    const read = (chunk) => {
      output += chunk;
      const seen = output.match(pattern);
      if (seen) {
        clearTimeout(timer);
        found(seen);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => failed(new Error(`tokenswap ${args[0]} exited (${code}):\n${output}`)));
  });
  return { child, match };
}

async function startDemo() {
  const { child, match } = await startBinary(
    ['demo', '--port', '0', '--token-lifetime', String(TOKEN_LIFETIME_S)],
    /http:\/\/127\.0\.0\.1:\d+\//);
  return { child, url: match[0] };
}

// A port nobody listens on right now, for a server whose address must be known before it starts.
function freePort() {
  return new Promise((found) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => found(port));
    });
  });
}

function stopProcess(child) {
  return new Promise((done) => {
    if (child.exitCode !== null) {
      done(child.exitCode);
      return;
    }
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.on('exit', (code, signal) => {
      clearTimeout(force);
      done(code ?? signal);
    });
    child.kill('SIGINT');
  });
}

async function snap(name) {
  shotNumber += 1;
  const file = join(shots, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

const problem = () => page.locator('#problem');
const source = () => page.locator('#source');

async function revealedAccessToken() {
  const reveal = page.locator('#reveal-access');
  if ((await reveal.getAttribute('aria-pressed')) !== 'true') {
    await reveal.click();
  }
  const token = await page.locator('#access-token').textContent();
  await reveal.click();
  return token;
}

async function logInUntilConsent() {
  await page.getByRole('button', { name: 'Log in with Spotify' }).click();
  await page.getByRole('button', { name: 'Agree' }).waitFor();
}

async function storedSession() {
  return page.evaluate(() => JSON.parse(localStorage.getItem('tokenswap.demo.session')));
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ child: demo, url: demoUrl } = await startDemo());
  profileDir = mkdtempSync(join(tmpdir(), 'tokenswap-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A policy violation means the page needs something its own policy forbids.
    if (/Content Security Policy/i.test(message.text())) {
      pageErrors.push(message.text());
    }
  });
});

after(async () => {
  await context?.close();
  if (profileDir) {
    rmSync(profileDir, { recursive: true, force: true });
  }
  if (demo) {
    const status = await stopProcess(demo);
    assert.equal(status, 0, 'tokenswap demo stops cleanly on Ctrl-C');
  }
});

describe('the demo page', () => {
  it('logs in through the consent page and shows what the app holds', async () => {
    await page.goto(demoUrl);
    await page.getByRole('button', { name: 'Log in with Spotify' }).waitFor();
    await snap('signed-out');

    await logInUntilConsent();
    await snap('consent');
    await page.getByRole('button', { name: 'Agree' }).click();

    await source().filter({ hasText: 'from a new login' }).waitFor();
    assert.match(await page.locator('#access-token').textContent(), /^•+.{4}$/);
    assert.match(await page.locator('#refresh-token').textContent(), /^•+.{4}$/);
    assert.match(await page.locator('#countdown').textContent(), /\(in \d+ s\)/);
    const scopes = await page.locator('#scopes li').allTextContents();
    assert.ok(scopes.includes('user-read-email'), `scopes shown: ${scopes}`);
    assert.ok(!page.url().includes('code='), 'the code is taken out of the address bar');

    const token = await revealedAccessToken();
    assert.ok(token.length > 20 && !token.includes('•'), 'reveal shows the whole token');
    await page.locator('#reveal-refresh').click();
    const sealed = await page.locator('#refresh-token').textContent();
    assert.ok(sealed.startsWith('v1.'), 'reveal shows the whole sealed refresh token');
    await page.locator('#reveal-refresh').click();
    await snap('logged-in');
  });

  it('reuses the cached session after a reload', async () => {
    const before = await revealedAccessToken();
    await page.reload();
    await source().filter({ hasText: "restored from this browser's storage" }).waitFor();
    assert.ok(await revealedAccessToken() === before, 'the same access token is reused');
    await snap('cached-session');
  });

  it('shows who is logged in', async () => {
    await page.getByRole('button', { name: 'Who am I' }).click();
    await page.locator('#profile').waitFor();
    assert.notEqual((await page.locator('#profile-name').textContent()).trim(), '');
    assert.match(await page.locator('#profile-email').textContent(), /@/);
    assert.notEqual(await page.locator('#profile-product').textContent(), '(not shared)');
    await snap('who-am-i');
  });

  it('lists the playlists page by page', async () => {
    await page.getByRole('button', { name: 'My playlists' }).click();
    const items = page.locator('#playlist-list li');
    await items.first().waitFor();
    const firstPage = await items.count();
    const more = page.getByRole('button', { name: 'Load more' });
    assert.ok(await more.isVisible(), 'the sample library has more than one page');

    while (await more.isVisible()) {
      const shown = await items.count();
      await more.click();
      await page.waitForFunction((n) => document.querySelectorAll('#playlist-list li').length > n,
        shown);
    }
    const total = await items.count();
    assert.ok(total > firstPage);
    assert.match(await page.locator('#playlist-count').textContent(), new RegExp(`\\(${total} of ${total}\\)`));
    await page.waitForFunction(() => [...document.querySelectorAll('#playlist-list img')]
      .every((image) => image.complete && image.naturalWidth > 0));
    await snap('playlists');
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = () => page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    // The whole token is the widest thing the page shows.
    await page.locator('#reveal-access').click();
    assert.ok(await overflow() <= 0, 'the revealed token wraps within the screen');
    await page.locator('#reveal-access').click();
    assert.ok(await overflow() <= 0, 'the page fits the screen');
    await snap('phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('refreshes an expired token through the server', async () => {
    const before = await revealedAccessToken();
    const { refresh_token: sealedBefore } = await storedSession();
    await page.locator('#countdown[data-state="stale"]').waitFor({
      timeout: TOKEN_LIFETIME_S * 1000,
    });
    await snap('expiring');

    await page.reload();
    await source().filter({ hasText: 'refreshed because it had expired' }).waitFor();
    assert.ok(await revealedAccessToken() !== before, 'a new access token replaces the old');
    assert.match(await page.locator('#countdown').textContent(), /\(in \d+ s\)/);
    const { refresh_token: sealedAfter } = await storedSession();
    assert.ok(sealedAfter.startsWith('v1.') && sealedAfter !== sealedBefore,
      'the rotated refresh token comes back sealed and is kept');

    await page.getByRole('button', { name: 'Who am I' }).click();
    await page.locator('#profile').waitFor();
    await snap('refreshed');
  });

  it('refreshes on request', async () => {
    const before = await revealedAccessToken();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await source().filter({ hasText: 'refreshed on request' }).waitFor();
    assert.ok(await revealedAccessToken() !== before, 'a new access token replaces the old');
  });

  it('says so when the server cannot be reached', async () => {
    const { refresh_url: refreshUrl } = await page.evaluate(() =>
      fetch('config.json').then((response) => response.json()));
    await page.route(refreshUrl, (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await problem().filter({ hasText: 'could not be reached' }).waitFor();
    await page.unroute(refreshUrl);
    assert.ok(await page.locator('#session').isVisible(), 'the session survives an outage');
    await snap('server-unreachable');
  });

  it('logs out and stays logged out', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in with Spotify' }).waitFor();
    assert.equal(await storedSession(), null);
    await page.reload();
    await page.getByRole('button', { name: 'Log in with Spotify' }).waitFor();
    assert.ok(await page.locator('#session').isHidden());
    await snap('logged-out');
  });

  it('explains a cancelled consent, with the login started from the keyboard', async () => {
    for (let presses = 0; presses < 5; presses += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.id === 'login')) {
        break;
      }
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'login');
    await snap('keyboard-focus');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Agree' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await problem().filter({ hasText: 'You cancelled at the consent page' }).waitFor();
    assert.equal(await problem().getAttribute('data-code'), 'access_denied');
    assert.equal(await storedSession(), null);
    await snap('consent-cancelled');
  });

  it('ignores an answer whose state was tampered with', async () => {
    await logInUntilConsent();
    const tampered = new URL(page.url());
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    await page.goto(tampered.toString());
    await page.getByRole('button', { name: 'Agree' }).click();
    await problem().filter({ hasText: 'the state did not match' }).waitFor();
    assert.equal(await problem().getAttribute('data-code'), 'state_mismatch');
    assert.equal(await storedSession(), null);
    await snap('state-mismatch');
  });

  it('sends the person to log in again when the refresh token is refused', async () => {
    await logInUntilConsent();
    await page.getByRole('button', { name: 'Agree' }).click();
    await source().filter({ hasText: 'from a new login' }).waitFor();
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('tokenswap.demo.session'));
      const last = session.refresh_token.slice(-1);
      session.refresh_token = session.refresh_token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
      localStorage.setItem('tokenswap.demo.session', JSON.stringify(session));
    });
    await page.reload();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await problem().filter({ hasText: 'refused the refresh token' }).waitFor();
    await page.getByRole('button', { name: 'Log in with Spotify' }).waitFor();
    assert.equal(await storedSession(), null);
    await snap('refresh-refused');
  });
});

describe('serve --demo-app', () => {
  const clientId = 'demo-app-test-client';
  const processes = [];
  let pageUrl;

  before(async () => {
    const emulator = await startBinary(['emulator', '--port', '0', '--client-id', clientId,
      '--client-secret', 'demo-app-test-secret', '--redirect-uri', 'http://127.0.0.1/demo/callback',
      '--app-name', 'tokenswap serve --demo-app'], /http:\/\/127\.0\.0\.1:\d+/);
    processes.push(emulator.child);
    const port = await freePort();
    const serve = await startBinary(['serve', '--demo-app'], /listening/, {
      CLIENT_ID: clientId,
      CLIENT_SECRET: 'demo-app-test-secret',
      CLIENT_CALLBACK_URL: `http://127.0.0.1:${port}/demo/callback`,
      ENCRYPTION_SECRET: 'a browser test secret of more than thirty-two characters',
      SPOTIFY_ACCOUNTS_URL: emulator.match[0],
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    processes.push(serve.child);
    pageUrl = `http://127.0.0.1:${port}/demo`;
  });

  after(async () => {
    for (const child of processes.reverse()) {
      assert.equal(await stopProcess(child), 0, 'stops cleanly on Ctrl-C');
    }
  });

  it('serves the same page beside the token routes and logs in through them', async () => {
    await page.goto(pageUrl);
    assert.equal(new URL(page.url()).pathname, '/demo/');
    await logInUntilConsent();
    await page.getByRole('button', { name: 'Agree' }).click();
    await source().filter({ hasText: 'from a new login' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/demo/');

    await page.getByRole('button', { name: 'Refresh now' }).click();
    await source().filter({ hasText: 'refreshed on request' }).waitFor();
    await snap('serve-demo-app');
  });
});

it('raised no script error and no policy violation', () => {
  assert.deepEqual(pageErrors, []);
});
