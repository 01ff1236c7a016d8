// The web client's wire-format and text helpers (src/web/irc.js), table by
// table, under node's own test runner: no browser, no server.
//
//   node --test tests/web/irc_js_test.mjs

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  buildLine, caseFolder, findLinks, mentions, nickHue, parseAction, parseFormatting, parseLine,
  saslPlainChunks, splitUtf8, stripFormatting, unescapeTagValue,
} from '../../src/web/irc.js';

test('parseLine: tags, prefix, command, middle and trailing parameters', () => {
  const cases = [
    ['PING :abc', { tags: {}, prefix: '', command: 'PING', params: ['abc'] }],
    [':n!u@h PRIVMSG #a :hi there', { tags: {}, prefix: 'n!u@h', command: 'PRIVMSG', params: ['#a', 'hi there'] }],
    ['@time=2026-01-01T00:00:00.000Z;msgid=x1 :n!u@h PRIVMSG #a :', { tags: { time: '2026-01-01T00:00:00.000Z', msgid: 'x1' }, prefix: 'n!u@h', command: 'PRIVMSG', params: ['#a', ''] }],
    ['@a=b\\sc\\:d\\\\e\\r\\nf;flag :s 005 me X=1 Y :are supported', { tags: { a: 'b c;d\\e\r\nf', flag: '' }, prefix: 's', command: '005', params: ['me', 'X=1', 'Y', 'are supported'] }],
    [':s  CAP  *  LS   :a b', { tags: {}, prefix: 's', command: 'CAP', params: ['*', 'LS', 'a b'] }],
    ['privmsg #a ::)', { tags: {}, prefix: '', command: 'PRIVMSG', params: ['#a', ':)'] }],
  ];
  for (const [line, want] of cases) {
    const got = parseLine(line);
    assert.deepEqual({ tags: got.tags, prefix: got.prefix, command: got.command, params: got.params }, want, line);
  }
  assert.equal(parseLine(''), null);
  assert.equal(parseLine('@only-tags'), null);
  assert.deepEqual(parseLine(':nick!user@host QUIT').source, { nick: 'nick', user: 'user', host: 'host' });
  assert.deepEqual(parseLine(':server.example NOTICE * :x').source, { nick: 'server.example', user: '', host: '' });
});

test('tag values: escapes undone, unknown escapes kept as the character, a lone backslash dropped', () => {
  assert.equal(unescapeTagValue('a\\sb'), 'a b');
  assert.equal(unescapeTagValue('\\x'), 'x');
  assert.equal(unescapeTagValue('end\\'), 'end');
});

test('buildLine: a trailing parameter only when needed; no CR, LF or NUL gets through', () => {
  assert.equal(buildLine('PRIVMSG', ['#a', 'hi']), 'PRIVMSG #a hi');
  assert.equal(buildLine('PRIVMSG', ['#a', 'hi there']), 'PRIVMSG #a :hi there');
  assert.equal(buildLine('PRIVMSG', ['#a', ':)']), 'PRIVMSG #a ::)');
  assert.equal(buildLine('PRIVMSG', ['#a', '']), 'PRIVMSG #a :');
  assert.equal(buildLine('PRIVMSG', ['#a', 'one\r\nQUIT :two']), 'PRIVMSG #a :one  QUIT :two');
  assert.equal(buildLine('CHATHISTORY', ['BEFORE', '#a', 'msgid=x', '50'], { label: 'w1' }), '@label=w1 CHATHISTORY BEFORE #a msgid=x 50');
});

test('parseFormatting: styles toggle and reset, colours with and without background', () => {
  const runs = parseFormatting('\x02bold\x02 \x0304,01red\x03 plain \x1ditalic\x0f end \x0312blue\x03,x');
  const styled = runs.map((r) => [r.text, r.style.bold, r.style.italic, r.style.fg, r.style.bg]);
  assert.deepEqual(styled, [
    ['bold', true, false, null, null],
    [' ', false, false, null, null],
    ['red', false, false, 4, 1],
    [' plain ', false, false, null, null],
    ['italic', false, true, null, null],
    [' end ', false, false, null, null],
    ['blue', false, false, 12, null],
    [',x', false, false, null, null],
  ]);
  assert.deepEqual(parseFormatting('\x04ff8800,000000hex').map((r) => [r.style.fg, r.style.bg]), [['#ff8800', '#000000']]);
  assert.deepEqual(parseFormatting('\x0399default').map((r) => r.style.fg), [null]);
});

test('stripFormatting leaves no control character', () => {
  const text = stripFormatting('\x02a\x1db\x1fc\x1ed\x11e\x16f\x0f\x0304,05g\x03\x01h\x07i\x04abcdefj');
  assert.equal(text, 'abcdefghij');
  assert.doesNotMatch(text, /[\x00-\x1f]/);
});

test('CTCP ACTION and SASL PLAIN', () => {
  assert.equal(parseAction('\x01ACTION waves\x01'), 'waves');
  assert.equal(parseAction('\x01ACTION waves'), 'waves');
  assert.equal(parseAction('\x01VERSION\x01'), null);
  assert.equal(parseAction('hello'), null);
  assert.deepEqual(saslPlainChunks('acct', 'pass word'), [Buffer.from('\0acct\0pass word').toString('base64')]);
  // 300 bytes encode to exactly 400 characters: a "+" must follow.
  const chunks = saslPlainChunks('a', 'p'.repeat(297));
  assert.deepEqual(chunks.map((c) => c.length), [400, 1]);
  assert.equal(chunks[1], '+');
});

test('splitUtf8: pieces within the byte limit, whole code points, the text intact', () => {
  const text = 'é'.repeat(30) + ' word '.repeat(20) + '😀'.repeat(10);
  const pieces = splitUtf8(text, 40);
  assert.equal(pieces.join(''), text);
  for (const piece of pieces) {
    assert.ok(Buffer.byteLength(piece) <= 40, piece);
    assert.doesNotMatch(piece, /^[\udc00-\udfff]|[\ud800-\udbff]$/);
  }
  assert.deepEqual(splitUtf8('short', 40), ['short']);
});

test('mentions: the nick as a word, any case, not inside a longer nick', () => {
  assert.ok(mentions('webuser: hi', 'webuser'));
  assert.ok(mentions('hi WebUser!', 'webuser'));
  assert.ok(mentions('\x02webuser\x02 look', 'webuser'));
  assert.ok(!mentions('webuser_ is someone else', 'webuser'));
  assert.ok(!mentions('notwebuser', 'webuser'));
  assert.ok(mentions('ping [x]!', '[x]'));
});

test('caseFolder: ascii folds letters only; rfc1459 folds brackets too', () => {
  assert.equal(caseFolder('ascii')('#ABC[]'), '#abc[]');
  assert.equal(caseFolder('rfc1459')('#ABC[]\\~'), '#abc{}|^');
});

test('findLinks: http(s) only, trailing punctuation left out', () => {
  assert.deepEqual(findLinks('see https://example.org/a?b=1. and javascript:alert(1)'), [
    { text: 'see ', url: null },
    { text: 'https://example.org/a?b=1', url: 'https://example.org/a?b=1' },
    { text: '. and javascript:alert(1)', url: null },
  ]);
});

test('nickHue: one nick, one hue, whatever its case; neighbours apart', () => {
  assert.equal(nickHue('WebUser'), nickHue('webuser'));
  const hues = ['term', 'webuser', 'alice', 'bob', 'carol', 'dave'].map(nickHue);
  for (const hue of hues) assert.ok(hue >= 0 && hue < 360);
  assert.ok(Math.abs(nickHue('term') - nickHue('webuser')) > 30, 'the two nicks of the browser test look different');
});
