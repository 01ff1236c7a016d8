// sala's web client in headless Chromium against a real chat-server, with a
// terminal user on a raw IRC socket on the other side. Run by
// web_client_test.sh, which starts the server and restarts it on request:
//
//   node web_client_test.js --url http://127.0.0.1:WEB/ --irc-port N
//        --screenshot FILE --control FIFO --ack FIFO
//
// Writing "restart" to the control fifo makes the script stop the server
// with SIGTERM and start it again on the same web port and database; it
// answers "restarted IRC_PORT" on the ack fifo. Each check is a behaviour a
// person would notice; every wait is bounded and polls a condition.

'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { execFileSync } = require('node:child_process');
const puppeteer = require('puppeteer-core');

const WAIT_MS = 30000;
// The server lets a client send 20 lines at once, then 10 per second: the
// 150 history lines take about 15 s to get through, more in slow builds.
const HISTORY_WAIT_MS = 120000;
const HISTORY_LINES = 150;
// More than one page (100) of CHATHISTORY AFTER.
const GAP_LINES = 120;
const BROWSER_NICK = 'webuser';
const TERMINAL_NICK = 'term';
const ACCOUNT = 'webaccount';
const ACCOUNT_PASSWORD = 'web pass 1234';

function parseArgs(argv) {
  const args = {};
  for (let i = 2; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['url', 'irc-port', 'screenshot', 'control', 'ack']) {
    if (!args[key]) throw new Error(`missing --${key}`);
  }
  return args;
}

function step(text) {
  console.log(`web_client: ${text}`);
}

// --- the terminal user: a raw IRC client on TCP -------------------------------

class TerminalUser {
  constructor(nick) {
    this.nick = nick;
    this.lines = [];
    this.waiters = new Set();
    this.socket = null;
  }

  async connect(port) {
    this.lines = [];
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        this.socket = await new Promise((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          socket.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`terminal user could not connect to ${port}: ${err.message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    let buffer = '';
    this.socket.setEncoding('utf8');
    this.socket.on('error', () => {});
    this.socket.on('data', (data) => {
      buffer += data;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('PING ')) this.send(`PONG ${line.slice(5)}`);
        this.lines.push(line);
        for (const waiter of this.waiters) waiter();
      }
    });
    this.send(`NICK ${this.nick}`);
    this.send(`USER ${this.nick} 0 * :terminal user`);
    await this.waitFor((l) => / 001 /.test(l), 'the terminal user registers');
  }

  send(line) {
    this.socket.write(`${line}\r\n`);
  }

  mark() {
    return this.lines.length;
  }

  // Resolves with the first line from index `from` that matches.
  waitFor(match, what, { from = 0, timeout = WAIT_MS } = {}) {
    const test = typeof match === 'function' ? match : (l) => match.test(l);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.slice(from).find(test);
        if (found === undefined) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out: ${what}; the terminal user's last lines:\n${this.lines.slice(-15).join('\n')}`));
      }, timeout);
      this.waiters.add(check);
      check();
    });
  }

  // PING/PONG as a barrier: the server answers after every earlier line.
  async sync(token, timeout = WAIT_MS) {
    const from = this.mark();
    this.send(`PING :${token}`);
    await this.waitFor((l) => l.includes('PONG') && l.endsWith(token), `PONG ${token}`, { from, timeout });
  }

  close() {
    if (this.socket) this.socket.destroy();
  }
}

// --- the browser side -----------------------------------------------------------

// Waits for fn (run in the page) to return true; a last argument
// {timeout} overrides the usual bound.
async function waitInPage(page, what, fn, ...args) {
  let timeout = WAIT_MS;
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && !Array.isArray(last) && 'timeout' in last) timeout = args.pop().timeout;
  try {
    return await page.waitForFunction(fn, { timeout, polling: 100 }, ...args);
  } catch (err) {
    const visible = await page.evaluate(() => {
      const log = document.querySelector('.log:not([hidden])');
      const lines = log ? [...log.querySelectorAll('.line')].slice(-12).map((l) => l.textContent) : [];
      const status = document.getElementById('conn-status');
      const state = !status ? 'no page' : status.hidden ? 'online' : document.getElementById('conn-text').textContent;
      return `title=${document.title} status=${state}\n${lines.join('\n')}`;
    }).catch(() => '(page unreadable)');
    throw new Error(`timed out: ${what} (${err.message})\nthe page shows: ${visible}`);
  }
}

// The lines of one room's log as the user sees them.
function roomLines(page, room) {
  return page.evaluate((name) => {
    const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === name);
    if (!log) return [];
    return [...log.querySelectorAll('.line')].map((line) => ({
      nick: line.querySelector('.nick')?.textContent ?? '',
      text: line.querySelector('.text')?.textContent ?? '',
      classes: line.className,
    }));
  }, room);
}

function logHas(room, text) {
  return [room, text];
}

const lineShown = ([name, text]) => {
  const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === name);
  return Boolean(log) && [...log.querySelectorAll('.line .text')].some((t) => t.textContent === text);
};

async function typeLine(page, text) {
  await page.focus('#input');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

// --- the server restart, done by the shell script --------------------------------

class ServerControl {
  constructor(controlPath, ackPath) {
    this.control = fs.openSync(controlPath, 'w');
    // A non-blocking pipe read by the event loop: a blocking read of a fifo
    // would hold a worker thread, and the process, until the script writes.
    const fd = fs.openSync(ackPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    this.ackStream = new net.Socket({ fd, readable: true, writable: false });
    this.acks = readline.createInterface({ input: this.ackStream })[Symbol.asyncIterator]();
  }

  async restart() {
    fs.writeSync(this.control, 'restart\n');
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('the server did not restart')), 120000));
    const { value } = await Promise.race([this.acks.next(), timeout]);
    const m = /^restarted (\d+)$/.exec(value || '');
    if (!m) throw new Error(`unexpected answer from the restart: ${value}`);
    return Number(m[1]);
  }

  close() {
    fs.closeSync(this.control);
    this.ackStream.destroy();
  }
}

// --- the checks -------------------------------------------------------------------

async function login(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.type('#login-nick', BROWSER_NICK);
  await page.click('#login-submit');
  await waitInPage(page, 'the browser user joins #lobby', () => {
    const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#lobby');
    return log && !log.hidden && /webuser joined/.test(log.textContent);
  });
  step('the browser user picked a nick and is in #lobby');
}

async function checkHistory(page, terminal, url) {
  terminal.send('JOIN #history');
  await terminal.waitFor(/ 366 term #history /, 'the terminal user joins #history');
  for (let n = 1; n <= HISTORY_LINES; n++) terminal.send(`PRIVMSG #history :history line ${n}`);
  await terminal.sync('history-sent', HISTORY_WAIT_MS);
  step(`the terminal user said ${HISTORY_LINES} lines in #history`);
  await login(page, url);

  await typeLine(page, '/join #history');
  await waitInPage(page, 'the replayed lines show in #history, marked as history', () => {
    const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#history');
    return log && !log.hidden && [...log.querySelectorAll('.line.history .text')].some((t) => t.textContent === 'history line 150');
  });
  step('joining #history shows the last lines as history');

  const count = () => page.evaluate(() => {
    const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#history');
    return [...log.querySelectorAll('.line .text')].filter((t) => /^history line \d+$/.test(t.textContent)).length;
  });
  // Scrolling to the top loads a page of older lines at a time; the line the
  // reader was looking at stays where it was.
  for (let round = 0; round < 20; round++) {
    const before = await count();
    if (await page.evaluate(lineShown, logHas('#history', 'history line 1'))) break;
    const anchor = await page.evaluate(() => {
      const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#history');
      const first = log.querySelector('.line');
      first.id = 'scroll-anchor';
      log.scrollTop = 0;
      log.dispatchEvent(new Event('scroll'));
      return first.textContent;
    });
    await waitInPage(page, `older lines load when scrolled to the top (round ${round + 1}, ${before} shown)`,
      (n) => {
        const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#history');
        return [...log.querySelectorAll('.line .text')].filter((t) => /^history line \d+$/.test(t.textContent)).length > n;
      }, before);
    const offset = await page.evaluate(() => {
      const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#history');
      const anchorLine = document.getElementById('scroll-anchor');
      anchorLine.removeAttribute('id');
      return anchorLine.getBoundingClientRect().top - log.getBoundingClientRect().top;
    });
    assert.ok(offset >= -5 && offset < 200,
      `the line at the top (${anchor}) moved to ${offset}px from the top of the pane when older lines came in`);
  }
  const numbers = (await roomLines(page, '#history'))
    .map((l) => /^history line (\d+)$/.exec(l.text))
    .filter(Boolean)
    .map((m) => Number(m[1]));
  const expected = Array.from({ length: HISTORY_LINES }, (_, i) => i + 1);
  assert.deepEqual(numbers, expected, 'every history line shows exactly once, oldest first');
  step(`scrolling up loaded older lines until line 1: all ${HISTORY_LINES} lines once, in order, scroll position kept`);
}

async function checkChat(page, terminal) {
  await page.evaluate(() => {
    const item = [...document.querySelectorAll('.room')].find((r) => r.querySelector('.room-name').textContent === '#lobby');
    item.querySelector('.room-button').click();
  });
  await waitInPage(page, '#lobby is shown again', () => document.getElementById('room-title').textContent === '#lobby');

  const from = terminal.mark();
  await typeLine(page, 'hello from the browser');
  await terminal.waitFor(new RegExp(`^(@\\S+ )?:${BROWSER_NICK}!\\S+ PRIVMSG #lobby :hello from the browser$`),
    'the terminal user gets the browser user\'s line', { from });
  terminal.send('PRIVMSG #lobby :hello from the terminal');
  await waitInPage(page, 'the browser shows the terminal user\'s line', lineShown, logHas('#lobby', 'hello from the terminal'));
  const lines = await roomLines(page, '#lobby');
  const theirs = lines.find((l) => l.text === 'hello from the terminal');
  const mine = lines.find((l) => l.text === 'hello from the browser');
  assert.equal(theirs.nick, TERMINAL_NICK, 'the terminal user\'s line names its sender');
  assert.equal(mine.nick, BROWSER_NICK, 'the browser user\'s own line names its sender');
  step('browser and terminal users exchanged lines in #lobby, each shown with its sender');

  await waitInPage(page, 'the member list shows both users', () => {
    const names = [...document.querySelectorAll('#member-list .nick')].map((n) => n.textContent);
    return names.includes('webuser') && names.includes('term');
  });
  step('the member list shows both users');

  // The list follows MODE and NICK as they happen (the terminal user joined
  // #lobby first, so it is the room's operator).
  const members = () => page.evaluate(() => [...document.querySelectorAll('#member-list .member')]
    .map((m) => m.querySelector('.prefix').textContent + m.querySelector('.nick').textContent));
  terminal.send(`MODE #lobby +v ${BROWSER_NICK}`);
  await waitInPage(page, 'the member list shows the voice given to the browser user', () =>
    [...document.querySelectorAll('#member-list .member')].some((m) => m.textContent === '+webuser'));
  terminal.send('NICK termtemp');
  await waitInPage(page, 'the member list follows a nick change', () => {
    const names = [...document.querySelectorAll('#member-list .nick')].map((n) => n.textContent);
    return names.includes('termtemp') && !names.includes('term');
  });
  terminal.send(`NICK ${TERMINAL_NICK}`);
  await waitInPage(page, 'the member list follows the nick change back', () =>
    [...document.querySelectorAll('#member-list .member')].some((m) => m.textContent === '@term'));
  assert.deepEqual(await members(), ['@term', '+webuser'], 'operators first, then voiced members, with their prefixes');
  step('the member list follows MODE +v and NICK, prefixes shown, operators first');
}

async function checkTextIsText(page, terminal, dialogs) {
  const payload = '<img src=x onerror=alert(1)>';
  const imagesBefore = await page.evaluate(() => document.querySelectorAll('img').length);
  terminal.send(`PRIVMSG #lobby :\x02bold\x02 \x0304,01red\x03 \x1ditalic\x0f ${payload} end`);
  await waitInPage(page, 'the markup line shows as text', lineShown, logHas('#lobby', `bold red italic ${payload} end`));
  // A PING round trip and one more line: time for any injected handler to fire.
  terminal.send('PRIVMSG #lobby :after the markup');
  await waitInPage(page, 'the line after the markup shows', lineShown, logHas('#lobby', 'after the markup'));
  const facts = await page.evaluate(() => {
    const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#lobby');
    const text = log.textContent;
    const line = [...log.querySelectorAll('.line')].find((l) => l.textContent.includes('<img'));
    return {
      images: document.querySelectorAll('img').length,
      logImages: log.querySelectorAll('img').length,
      controls: /[\x00-\x08\x0b-\x1f]/.test(text),
      bold: [...line.querySelectorAll('.f-bold')].map((s) => s.textContent).join('|'),
      red: [...line.querySelectorAll('.fg-4.bg-1')].map((s) => s.textContent).join('|'),
      italic: [...line.querySelectorAll('.f-italic')].map((s) => s.textContent).join('|'),
    };
  });
  assert.equal(facts.logImages, 0, 'no <img> element in the log');
  assert.equal(facts.images, imagesBefore, 'no <img> element was added to the page');
  assert.equal(dialogs.length, 0, `no dialog opened (got: ${dialogs.join(', ')})`);
  assert.equal(facts.controls, false, 'no IRC control characters in the page text');
  assert.equal(facts.bold, 'bold', 'bold text is styled bold');
  assert.equal(facts.red, 'red', 'colour 4 on 1 is styled red on black');
  assert.equal(facts.italic, 'italic', 'italic text is styled italic');
  step('HTML in a message shows as literal text; IRC bold/colour/italic codes are styled, not shown');
}

async function checkMention(browser, page, terminal, screenshot) {
  // Another tab in front hides this one, as a person switching tabs would.
  const other = await browser.newPage();
  await other.bringToFront();
  await waitInPage(page, 'the chat tab is hidden', () => document.visibilityState === 'hidden');
  assert.equal(await page.title(), 'sala', 'no notification before the mention');
  terminal.send(`PRIVMSG #lobby :${BROWSER_NICK}: are you there?`);
  await waitInPage(page, 'the title counts the mention while the tab is hidden', () => document.title === '(1) sala');
  const line = (await roomLines(page, '#lobby')).find((l) => l.text === `${BROWSER_NICK}: are you there?`);
  assert.ok(line && /\bmention\b/.test(line.classes), 'the line that names the browser user is highlighted');
  const plain = (await roomLines(page, '#lobby')).find((l) => l.text === 'hello from the terminal');
  assert.ok(!/\bmention\b/.test(plain.classes), 'a line without the nick is not highlighted');
  await page.bringToFront();
  await other.close();
  await waitInPage(page, 'the title clears once the tab is seen', () => document.title === 'sala');
  step('a mention is highlighted and counted in the title while the tab is hidden, cleared when seen');
  // The picture for the README: a room, its members, the mention highlighted.
  await page.screenshot({ path: screenshot });
}

async function openLogin(browser, url, nick, account, password) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 700, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: 'load' });
  await page.$eval('#login-nick', (input) => { input.value = ''; });
  await page.type('#login-nick', nick);
  await page.click('#login-account summary');
  await page.type('#login-account-name', account);
  await page.type('#login-password', password);
  await page.click('#login-submit');
  return page;
}

// SASL PLAIN with the account fields, a wrong password, and a nick in use.
// The account is made by a user of its own, so that the terminal user's nick
// stays unregistered (a registered nick is renamed after a grace period).
async function checkAccountLogin(browser, ircPort, url) {
  const maker = new TerminalUser(ACCOUNT);
  await maker.connect(ircPort);
  maker.send(`REGISTER * * :${ACCOUNT_PASSWORD}`);
  await maker.waitFor(/ REGISTER SUCCESS /, `an account "${ACCOUNT}" is made`);
  maker.send('QUIT :made the account');
  await maker.waitFor(/^ERROR /, 'the account maker quits');
  maker.close();

  const wrong = await openLogin(browser, url, 'someone', ACCOUNT, 'not the password');
  await waitInPage(wrong, 'a wrong password shows an error on the login form', () => {
    const error = document.getElementById('login-error');
    return !error.hidden && error.textContent.length > 0 && !document.getElementById('login-screen').hidden;
  });
  await wrong.close();

  const page = await openLogin(browser, url, TERMINAL_NICK, ACCOUNT, ACCOUNT_PASSWORD);
  await waitInPage(page, 'logged in to the account, under a free variant of the nick in use', (account) =>
    document.getElementById('my-nick').textContent === 'term_'
    && document.getElementById('my-account').textContent.includes(`account ${account}`), ACCOUNT);
  await page.close();
  step('SASL PLAIN login with the account fields works, a wrong password shows an error, a nick in use gets a "_"');
}

async function checkRestart(page, terminal, control) {
  const beforeRestart = (await roomLines(page, '#lobby')).filter((l) => l.text === 'hello from the terminal').length;
  assert.equal(beforeRestart, 1);
  const port = await control.restart();
  step('the server was stopped with SIGTERM and started again');
  await waitInPage(page, 'the browser notices the outage', () => !document.getElementById('conn-status').hidden);
  // The browser's network is cut while the terminal user talks, so that all
  // of it is a gap to fill on the reconnect, whatever the back-off's timing.
  await page.setOfflineMode(true);
  terminal.close();
  await terminal.connect(port);
  await terminal.waitFor(/ 366 term #lobby /, 'the terminal user is back in #lobby');
  for (let n = 1; n <= GAP_LINES; n++) terminal.send(`PRIVMSG #lobby :gap line ${n}`);
  await terminal.sync('gap-sent', HISTORY_WAIT_MS);
  step(`the terminal user reconnected and said ${GAP_LINES} lines while the browser was offline`);
  assert.equal(await page.$eval('#conn-status', (s) => s.hidden), false, 'the browser stayed offline meanwhile');
  await page.setOfflineMode(false);
  // Back online, the next attempt of the back-off (30 s apart at most) reconnects.
  await waitInPage(page, 'the browser reconnects by itself and rejoins #lobby', () => {
    const names = [...document.querySelectorAll('#member-list .nick')].map((n) => n.textContent);
    return document.getElementById('conn-status').hidden && names.includes('webuser') && names.includes('term');
  }, { timeout: 2 * WAIT_MS });
  terminal.send('PRIVMSG #lobby :live after the restart');
  await waitInPage(page, 'the line said after the reconnect shows', lineShown, logHas('#lobby', 'live after the restart'));
  await waitInPage(page, `all ${GAP_LINES} lines of the gap show`, (n) => {
    const log = [...document.querySelectorAll('.log')].find((l) => l.dataset.room === '#lobby');
    return new Set([...log.querySelectorAll('.line .text')].map((t) => t.textContent).filter((t) => t.startsWith('gap line '))).size === n;
  }, GAP_LINES);
  const texts = (await roomLines(page, '#lobby')).map((l) => l.text);
  const gap = texts.filter((t) => /^gap line \d+$/.test(t)).map((t) => Number(t.slice(9)));
  assert.deepEqual(gap, Array.from({ length: GAP_LINES }, (_, i) => i + 1), 'each gap line once, in order');
  for (const once of ['hello from the terminal', 'hello from the browser', 'live after the restart']) {
    assert.equal(texts.filter((t) => t === once).length, 1, `"${once}" shows once after the reconnect`);
  }
  step('after the restart the browser reconnected by itself; the gap and the live line show once each');
}

async function checkPhone(page, terminal, screenshot) {
  // Only the size changes: isMobile or hasTouch would make puppeteer reload the page.
  await page.setViewport({ width: 375, height: 667, deviceScaleFactor: 1 });
  terminal.send(`PRIVMSG #lobby :${'a-very-long-word-'.repeat(20)}end`);
  await waitInPage(page, 'the long line shows', () => [...document.querySelectorAll('.line .text')].some((t) => t.textContent.endsWith('-end')));
  const width = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(width.scroll <= width.inner, `no horizontal scroll at 375x667 (scrollWidth ${width.scroll} > innerWidth ${width.inner})`);
  const membersShown = () => page.evaluate(() => {
    const panel = document.getElementById('members-panel');
    const box = panel.getBoundingClientRect();
    return getComputedStyle(panel).display !== 'none' && box.width > 0;
  });
  assert.equal(await membersShown(), false, 'the member list is folded away on a phone');
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-phone.png') });
  await page.click('#toggle-members');
  await waitInPage(page, 'the member list opens', () => getComputedStyle(document.getElementById('members-panel')).display !== 'none');
  assert.ok((await page.$eval('#member-list', (l) => l.textContent)).includes(TERMINAL_NICK), 'the opened member list shows the terminal user');
  await page.click('#toggle-members');
  await waitInPage(page, 'the member list folds again', () => getComputedStyle(document.getElementById('members-panel')).display === 'none');
  step('at 375x667 nothing scrolls sideways and the member list folds and unfolds');
  step(`screenshots saved: ${screenshot} and ${path.basename(screenshot.replace(/\.png$/, '-phone.png'))}`);
}

async function main() {
  const args = parseArgs(process.argv);
  fs.mkdirSync(path.dirname(args.screenshot), { recursive: true });
  const chromium = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  const control = new ServerControl(args.control, args.ack);
  const terminal = new TerminalUser(TERMINAL_NICK);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    // Over a pipe, chromium exits with node, even when node is killed.
    pipe: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 700, deviceScaleFactor: 1 });
    const dialogs = [];
    const pageErrors = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });

    await terminal.connect(Number(args['irc-port']));
    await checkHistory(page, terminal, args.url);
    await checkChat(page, terminal);
    await checkTextIsText(page, terminal, dialogs);
    await checkMention(browser, page, terminal, args.screenshot);
    await checkAccountLogin(browser, Number(args['irc-port']), args.url);
    await checkRestart(page, terminal, control);
    await checkPhone(page, terminal, args.screenshot);
    // Failed WebSocket connections while the server was down log errors;
    // anything else (a script error, a CSP violation) is a bug.
    const real = pageErrors.filter((e) => !/^WebSocket connection to '[^']*' failed/.test(e));
    assert.deepEqual(real, [], 'no script errors or CSP violations in the page');
    step('all checks passed');
  } finally {
    terminal.close();
    control.close();
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 10000))]);
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(`web_client: FAIL: ${err.stack || err}`);
  process.exit(1);
});
