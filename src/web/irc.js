// IRC wire format and text helpers for the web client: pure functions, no DOM,
// so that every byte the server sends is interpreted in one place.

const TAG_UNESCAPES = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

// IRCv3 message-tags: "\:" is ";", "\s" a space, ...; an unknown escape stands
// for its character and a lone trailing backslash is dropped.
export function unescapeTagValue(value) {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '\\') { out += c; continue; }
    i++;
    if (i < value.length) out += TAG_UNESCAPES[value[i]] ?? value[i];
  }
  return out;
}

export function escapeTagValue(value) {
  return value.replace(/[\\; \r\n]/g, (c) => ({ '\\': '\\\\', ';': '\\:', ' ': '\\s', '\r': '\\r', '\n': '\\n' })[c]);
}

export function parsePrefix(prefix) {
  if (!prefix) return { nick: '', user: '', host: '' };
  const bang = prefix.indexOf('!');
  const at = prefix.indexOf('@', bang < 0 ? 0 : bang);
  if (bang < 0 && at < 0) return { nick: prefix, user: '', host: '' };
  const nickEnd = bang >= 0 ? bang : at;
  return {
    nick: prefix.slice(0, nickEnd),
    user: bang >= 0 ? prefix.slice(bang + 1, at >= 0 ? at : undefined) : '',
    host: at >= 0 ? prefix.slice(at + 1) : '',
  };
}

// Returns {tags, prefix, source, command, params} or null for an empty line.
export function parseLine(line) {
  let i = 0;
  const tags = {};
  const skipSpaces = () => { while (line[i] === ' ') i++; };
  if (line[0] === '@') {
    const end = line.indexOf(' ');
    if (end < 0) return null;
    for (const item of line.slice(1, end).split(';')) {
      if (!item) continue;
      const eq = item.indexOf('=');
      if (eq < 0) tags[item] = '';
      else tags[item.slice(0, eq)] = unescapeTagValue(item.slice(eq + 1));
    }
    i = end + 1;
    skipSpaces();
  }
  let prefix = '';
  if (line[i] === ':') {
    const end = line.indexOf(' ', i);
    if (end < 0) return null;
    prefix = line.slice(i + 1, end);
    i = end + 1;
    skipSpaces();
  }
  const params = [];
  let command = '';
  while (i < line.length) {
    if (line[i] === ':' && command) { params.push(line.slice(i + 1)); break; }
    let end = line.indexOf(' ', i);
    if (end < 0) end = line.length;
    const word = line.slice(i, end);
    if (command) params.push(word); else command = word.toUpperCase();
    i = end;
    skipSpaces();
  }
  if (!command) return null;
  return { tags, prefix, source: parsePrefix(prefix), command, params };
}

// Builds one line; the last parameter becomes a trailing one when it needs to.
export function buildLine(command, params = [], tags = null) {
  let line = '';
  if (tags && Object.keys(tags).length) {
    line = '@' + Object.entries(tags).map(([k, v]) => (v === '' ? k : `${k}=${escapeTagValue(v)}`)).join(';') + ' ';
  }
  line += command;
  params.forEach((p, idx) => {
    const last = idx === params.length - 1;
    const clean = String(p).replace(/[\r\n\0]/g, ' ');
    if (last && (clean === '' || clean.includes(' ') || clean[0] === ':')) line += ' :' + clean;
    else line += ' ' + clean;
  });
  return line;
}

// CASEMAPPING from ISUPPORT: ascii folds A-Z only; rfc1459 also []\~ -> {}|^.
export function caseFolder(mapping) {
  if (mapping === 'ascii') return (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const strict = mapping === 'strict-rfc1459';
  return (s) => s.replace(strict ? /[A-Z[\]\\]/g : /[A-Z[\]\\~]/g,
    (c) => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c] ?? c.toLowerCase());
}

// CTCP ACTION: "\x01ACTION text\x01" (the closing \x01 is optional in practice).
export function parseAction(text) {
  if (!text.startsWith('\x01ACTION')) return null;
  const rest = text.slice(7).replace(/\x01$/, '');
  return rest.startsWith(' ') ? rest.slice(1) : rest;
}

export function isCtcp(text) {
  return text.startsWith('\x01');
}

// SASL PLAIN: authzid empty, then authcid and password, NUL-separated, in
// base64 of the UTF-8 bytes; sent in 400-byte chunks, "+" closing a payload
// that is an exact multiple of 400.
export function saslPlainChunks(account, password) {
  const bytes = new TextEncoder().encode(`\0${account}\0${password}`);
  let binary = '';
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  const encoded = btoa(binary);
  const chunks = [];
  for (let i = 0; i < encoded.length; i += 400) chunks.push(encoded.slice(i, i + 400));
  if (encoded.length % 400 === 0) chunks.push('+');
  return chunks;
}

// Cuts text into pieces of at most maxBytes UTF-8 bytes, at code point
// boundaries, preferring the last space: the server cuts longer lines.
export function splitUtf8(text, maxBytes) {
  const encoder = new TextEncoder();
  const pieces = [];
  let rest = text;
  while (encoder.encode(rest).length > maxBytes) {
    let bytes = 0;
    let cut = 0;
    for (const ch of rest) {
      const n = encoder.encode(ch).length;
      if (bytes + n > maxBytes) break;
      bytes += n;
      cut += ch.length;
    }
    const space = rest.lastIndexOf(' ', cut - 1);
    if (space > cut / 2) cut = space + 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

// A stable hue per nick, so that one person keeps one colour everywhere.
export function nickHue(nick) {
  let h = 2166136261;
  for (const ch of nick.toLowerCase()) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 16777619);
  }
  // FNV-1a alone leaves short nicks that differ in one letter on nearby
  // hues; a final mix spreads them round the wheel.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) % 360;
}

const FORMAT_TOGGLES = { '\x02': 'bold', '\x1d': 'italic', '\x1f': 'underline', '\x1e': 'strike', '\x11': 'mono', '\x16': 'reverse' };

function plainStyle() {
  return { bold: false, italic: false, underline: false, strike: false, mono: false, reverse: false, fg: null, bg: null };
}

// Splits IRC-formatted text into runs of {text, style}. Colours are numbers
// 0-98 (\x03) or '#rrggbb' (\x04), or null; every control character is
// consumed, so none reaches the page.
export function parseFormatting(text) {
  const runs = [];
  let style = plainStyle();
  let current = '';
  const flush = () => {
    if (current) runs.push({ text: current, style: { ...style } });
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (FORMAT_TOGGLES[c]) {
      flush();
      style[FORMAT_TOGGLES[c]] = !style[FORMAT_TOGGLES[c]];
    } else if (c === '\x0f') {
      flush();
      style = plainStyle();
    } else if (c === '\x03' || c === '\x04') {
      flush();
      const pattern = c === '\x03' ? /^(\d{1,2})(?:,(\d{1,2}))?/ : /^([0-9a-fA-F]{6})(?:,([0-9a-fA-F]{6}))?/;
      const m = pattern.exec(text.slice(i + 1));
      if (!m) {
        style.fg = null;
        style.bg = null;
        continue;
      }
      const colour = (v) => (c === '\x03' ? (Number(v) === 99 ? null : Number(v)) : '#' + v.toLowerCase());
      style.fg = colour(m[1]);
      if (m[2] !== undefined) style.bg = colour(m[2]);
      i += m[0].length;
    } else if (c < ' ' && c !== '\t') {
      // Other C0 controls (stray \x01, bells...) are dropped.
    } else {
      current += c;
    }
  }
  flush();
  return runs;
}

export function stripFormatting(text) {
  return parseFormatting(text).map((r) => r.text).join('');
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/g;

// Splits plain text into {text, url} pieces; url is set for http(s) links only.
export function findLinks(text) {
  const pieces = [];
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    if (m.index > last) pieces.push({ text: text.slice(last, m.index), url: null });
    pieces.push({ text: m[0], url: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), url: null });
  return pieces;
}

// True when text names nick as a word (not inside a longer nick).
export function mentions(text, nick) {
  if (!nick) return false;
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w\\[\\]\\\\\`^{}|-])${escaped}($|[^\\w\\[\\]\\\\\`^{}|-])`, 'i').test(stripFormatting(text));
}

// ISUPPORT PREFIX, e.g. "(qaohv)~&@%+": mode letters and their symbols, highest first.
export function parsePrefixSupport(value) {
  const m = /^\(([^)]*)\)(.*)$/.exec(value || '');
  if (!m || m[1].length !== m[2].length) return { modes: 'ov', symbols: '@+' };
  return { modes: m[1], symbols: m[2] };
}

// A server-time tag value as milliseconds since the epoch, or null.
export function parseServerTime(value) {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
