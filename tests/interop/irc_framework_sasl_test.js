'use strict';
// The irc-framework side of tests/interop/irc_framework_sasl_test.sh: a
// client that logs in with SASL PLAIN through irc-framework's own
// `account: {account, password}` option and joins a channel.
//
//   node irc_framework_sasl_test.js PORT ACCOUNT PASSWORD CHANNEL
//
// Writes one line per thing the shell script checks to stdout, as it
// happens: "raw< LINE" for each line from the server, "event NAME k=v ..."
// for the irc-framework events the test is about. Reads commands on stdin:
// "quit MESSAGE" quits with MESSAGE; the end of stdin quits too. Exits 0
// once the connection has closed after a quit, 1 if it closed before, or
// when its own deadline passes (only a hang reaches that).
const IRC = require('irc-framework');
const readline = require('readline');

const DEADLINE_MS = 600 * 1000;

const [port, account, password, channel] = process.argv.slice(2);
if (!port || !account || !password || !channel) {
    process.stderr.write('usage: node irc_framework_sasl_test.js PORT ACCOUNT PASSWORD CHANNEL\n');
    process.exit(2);
}

function say(line) {
    process.stdout.write(line + '\n');
}

function fields(e, names) {
    return names.map((n) => n + '=' + (e[n] === undefined ? '' : e[n])).join(' ');
}

const client = new IRC.Client();
let quitting = false;

const deadline = setTimeout(() => {
    say('# deadline passed');
    process.exit(1);
}, DEADLINE_MS);

client.on('raw', (e) => {
    if (e.from_server) {
        // irc-framework hands the line over with its CR LF.
        say('raw< ' + e.line.replace(/[\r\n]+$/, ''));
    }
});
client.on('loggedin', (e) => say('event loggedin ' + fields(e, ['nick', 'account'])));
client.on('account', (e) => say('event account ' + fields(e, ['nick', 'account'])));
client.on('sasl failed', (e) => say('event sasl_failed ' + fields(e, ['reason', 'message'])));
client.on('registered', (e) => {
    say('event registered ' + fields(e, ['nick']));
    client.join(channel);
});
client.on('join', (e) => say('event join ' + fields(e, ['nick', 'channel', 'account', 'gecos'])));
client.on('close', () => {
    say('event close');
    clearTimeout(deadline);
    process.exit(quitting ? 0 : 1);
});

const commands = readline.createInterface({ input: process.stdin });
function quit(message) {
    if (quitting) {
        return;
    }
    quitting = true;
    client.quit(message);
}
commands.on('line', (line) => {
    const m = /^quit (.*)$/.exec(line);
    if (m) {
        quit(m[1]);
    }
});
commands.on('close', () => quit('stdin closed'));

client.connect({
    host: '127.0.0.1',
    port: Number(port),
    tls: false,
    nick: account,
    username: account,
    gecos: 'irc-framework sasl user',
    account: { account: account, password: password },
    auto_reconnect: false,
});
