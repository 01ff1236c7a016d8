'use strict';
// The node side of tests/interop/irc_framework_websocket_test.sh:
// irc-framework, the library inside Kiwi IRC, connects over its WebSocket
// transport (as it does in a browser; `ws` stands in for the browser's
// WebSocket) and chats with a plain TCP user in the same channel.
//
//   node irc_framework_websocket_test.js IRC_PORT WEB_PORT
//
// Prints what it checks as it goes; exits 0 when every check passed, 1 on
// the first that failed or when its deadline passes.
const IRC = require('irc-framework');
const WebSocketTransport = require('irc-framework/src/transports/websocket');
const net = require('net');

global.WebSocket = require('ws');

const DEADLINE_MS = 90 * 1000;
const CHANNEL = '#web';
const [ircPort, webPort] = process.argv.slice(2).map(Number);
if (!ircPort || !webPort) {
    process.stderr.write('usage: node irc_framework_websocket_test.js IRC_PORT WEB_PORT\n');
    process.exit(2);
}

const say = (line) => process.stdout.write(line + '\n');
const fail = (why) => {
    say('FAIL: ' + why);
    process.exit(1);
};
setTimeout(() => fail('deadline passed'), DEADLINE_MS);

// Resolves with the first item of `seen` (and later arrivals) that `match`es.
function waitFor(seen, match, what) {
    return new Promise((resolve) => {
        const check = () => {
            const found = seen.find(match);
            if (found !== undefined) {
                resolve(found);
                return true;
            }
            return false;
        };
        if (check()) {
            return;
        }
        say('waiting for ' + what);
        const timer = setInterval(() => check() && clearInterval(timer), 20);
    });
}

// The terminal user: raw IRC lines over TCP.
const tcpLines = [];
const tcp = net.connect(ircPort, '127.0.0.1');
let pending = '';
tcp.setEncoding('utf8');
tcp.on('data', (chunk) => {
    pending += chunk;
    let eol;
    while ((eol = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, eol).replace(/\r$/, '');
        pending = pending.slice(eol + 1);
        if (line.startsWith('PING ')) {
            tcp.write('PONG ' + line.slice(5) + '\r\n');
        }
        tcpLines.push(line);
    }
});
const tcpSend = (line) => tcp.write(line + '\r\n');

// The browser user: irc-framework over WebSocket.
const events = [];
const web = new IRC.Client();
web.on('registered', (e) => events.push({ kind: 'registered', nick: e.nick }));
web.on('join', (e) => events.push({ kind: 'join', nick: e.nick, channel: e.channel }));
web.on('privmsg', (e) => events.push({ kind: 'privmsg', nick: e.nick, target: e.target, message: e.message, time: e.time }));
web.on('action', (e) => events.push({ kind: 'action', nick: e.nick, message: e.message }));
web.on('close', () => events.push({ kind: 'close' }));

async function main() {
    tcpSend('NICK tcpuser');
    tcpSend('USER tcp 0 * :terminal user');
    await waitFor(tcpLines, (l) => / 001 tcpuser /.test(l), 'the TCP user to register');
    tcpSend('JOIN ' + CHANNEL);
    await waitFor(tcpLines, (l) => / 366 tcpuser #web /.test(l), 'the TCP user to join');

    web.connect({
        host: '127.0.0.1',
        port: webPort,
        path: '/irc',
        transport: WebSocketTransport,
        websocket_protocol: 'text.ircv3.net',
        nick: 'webuser',
        username: 'web',
        gecos: 'browser user',
        auto_reconnect: false,
    });
    await waitFor(events, (e) => e.kind === 'registered' && e.nick === 'webuser', 'irc-framework to register over WebSocket');
    say('ok: irc-framework registered over WebSocket (text.ircv3.net)');
    web.join(CHANNEL);
    await waitFor(events, (e) => e.kind === 'join' && e.nick === 'webuser' && e.channel === CHANNEL, 'its own JOIN');
    await waitFor(tcpLines, (l) => /^:webuser!web@127\.0\.0\.1 JOIN #web/.test(l), 'the TCP user to see the JOIN');
    say('ok: the TCP user saw webuser join');

    tcpSend('PRIVMSG #web :hello from the terminal, ünïcode too');
    const got = await waitFor(events, (e) => e.kind === 'privmsg' && e.nick === 'tcpuser', 'the terminal line in irc-framework');
    if (got.target !== CHANNEL || got.message !== 'hello from the terminal, ünïcode too') {
        fail('irc-framework got ' + JSON.stringify(got));
    }
    if (!got.time) {
        fail('no server-time on the line: irc-framework did not get the cap over WebSocket');
    }
    say('ok: irc-framework got the terminal line with its sender and server-time');

    web.say(CHANNEL, 'hello from the browser');
    web.action(CHANNEL, 'waves');
    await waitFor(tcpLines, (l) => l === ':webuser!web@127.0.0.1 PRIVMSG #web :hello from the browser',
        'the browser line at the TCP user');
    await waitFor(tcpLines, (l) => l === ':webuser!web@127.0.0.1 PRIVMSG #web :\x01ACTION waves\x01',
        'the browser action at the TCP user');
    say('ok: the TCP user got the browser line and action with the right sender');

    web.quit('closing the tab');
    await waitFor(tcpLines, (l) => l === ':webuser!web@127.0.0.1 QUIT :Quit: closing the tab', 'the QUIT at the TCP user');
    await waitFor(events, (e) => e.kind === 'close', 'irc-framework to see the connection close');
    say('ok: the quit reached the TCP user and the WebSocket closed');
    tcpSend('QUIT :done');
    tcp.end();
    process.exit(0);
}

main().catch((e) => fail(String(e && e.stack ? e.stack : e)));
