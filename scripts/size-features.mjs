// Issue 16: what each FEATURE of the browser `Socket` costs. `npm run size -- --features` groups the attribution of
// `npm run size -- --why` (every minified byte of `import { Socket }`, by top-level declaration or class member) into
// the features users get, for the default and the production build. Every item must belong to a feature:
// test/package/size-features.test.ts fails on an item no rule claims, so a new piece of code has to say what it is for.
//
// A rule is `file` (path under src/, or node_modules/…) and `names`: exact item names, or a prefix ending in `*`.
// A rule naming the item exactly wins; otherwise the first feature whose prefix matches takes it. Items that serve several features go to the one that needs
// them most (`#detach` to the lifecycle, `byteLength` to the send contract): the table is for deciding what to cut,
// and a shared item cannot be cut with one feature anyway.

/** @type {{ feature: string, why: string, rules: { file: string, names: string[] }[] }[]} */
export const FEATURES = [
  {
    feature: 'EventEmitter API (eventemitter3)',
    why: 'the API we promise (on/once/off/emit, listener counts); its CommonJS wrapper is what bundlers add',
    rules: [
      { file: 'node_modules/eventemitter3/index.js', names: ['*'] },
      { file: '(generated)', names: ['*'] },
    ],
  },
  {
    feature: 'Typed errors',
    why: 'a class and a stable `code` per failure, instanceof across duplicated copies of the package',
    rules: [{ file: 'src/errors.ts', names: ['*'] }],
  },
  {
    feature: 'Connection lifecycle over the native WebSocket',
    why: 'connect, open/close events, states, close(), connectionTimeout, mapping native events to typed results',
    rules: [
      { file: 'src/browser/browser-transport.ts', names: ['*'] },
      { file: 'src/browser/handshake-error-from-event.ts', names: ['*'] },
      { file: 'src/browser/runtime.ts', names: ['browserRuntime'] },
      { file: 'src/close-args.ts', names: ['*'] },
      { file: 'src/index.browser.ts', names: ['*'] },
      { file: 'src/dev.ts', names: ['*'] },
      {
        file: 'src/socket.ts',
        names: [
          'SocketCore',
          'SocketCore#constructor',
          'SocketCore#state',
          'SocketCore#readyState',
          'SocketCore#protocol',
          'SocketCore#extensions',
          'SocketCore#handshake',
          'SocketCore#url',
          'SocketCore#close',
          'READY_STATE',
          'closeInfo',
          'SocketCore##options',
          'SocketCore##runtime',
          'SocketCore##state',
          'SocketCore##url',
          'SocketCore##urlInput',
          'SocketCore##parsedUrl',
          'SocketCore##info',
          'SocketCore##transport',
          'SocketCore##up',
          'SocketCore##generation',
          'SocketCore##timer',
          'SocketCore##ended',
          'SocketCore##detach',
          'SocketCore##stopTimers',
          'SocketCore##end',
          'SocketCore##attempt',
          'SocketCore##start',
          'SocketCore.#Link',
          'SocketCore##onOpen',
          'SocketCore##onMessage',
          'SocketCore##failAttempt',
          'SocketCore##shutdown',
          'SocketCore##finish',
          'SocketCore##closeError',
          'TEXT',
          'BINARY',
        ],
      },
    ],
  },
  {
    feature: 'Reconnection (jittered backoff, policy by close code and error)',
    why: 'reconnect on loss, full-jitter backoff, retry only what can work, reconnect(), minUptime',
    rules: [
      { file: 'src/backoff.ts', names: ['*'] },
      {
        file: 'src/socket.ts',
        names: [
          'SocketCore##lost',
          'SocketCore##retry',
          'SocketCore#reconnect',
          'SocketCore##retries',
          'SocketCore##opened',
          'SocketCore##openedAt',
          'SocketCore##lastClose',
        ],
      },
    ],
  },
  {
    feature: 'Send contract (bounded queue, drop reporting, sendAsync)',
    why: 'nothing lost silently: queued while down, bounded, every loss a `drop`, sendAsync settles once',
    rules: [
      { file: 'src/byte-length.ts', names: ['*'] },
      {
        file: 'src/socket.ts',
        names: [
          'toMessage',
          'SocketCore#send',
          'SocketCore#sendAsync',
          'SocketCore#bufferedAmount',
          'SocketCore##send',
          'SocketCore##write',
          'SocketCore##settle',
          'SocketCore##drop',
          'SocketCore##flush',
          'SocketCore##queue',
          'SocketCore##queued',
        ],
      },
    ],
  },
  {
    feature: 'Write buffer cap and `drain`',
    why: 'backpressure on send: refuse over maxBufferedAmount, `drain` under lowWaterMark',
    rules: [
      {
        file: 'src/socket.ts',
        names: [
          'DRAIN_POLL',
          'SocketCore##drainWatch',
          'SocketCore##startDrainWatch',
          'SocketCore.#pollDrain',
          'SocketCore##checkDrain',
        ],
      },
    ],
  },
  {
    feature: 'messages() and sendStream()',
    why: 'async iteration with a bounded buffer; a message sent as its chunks come',
    rules: [
      { file: 'src/message-iterator.ts', names: ['*'] },
      { file: 'src/send-stream.ts', names: ['*'] },
      { file: 'src/stream-host.ts', names: ['*'] },
      {
        file: 'src/socket.ts',
        names: [
          'SocketCore#messages',
          'SocketCore#sendStream',
          'SocketCore##streams',
          'SocketCore##streamHost',
          'SocketCore##held',
          'SocketCore##reading',
        ],
      },
    ],
  },
  {
    feature: 'Option validation and defaults',
    why: 'one options object, defaults, range checks (a bad number would spin a timer), URL and subprotocol checks',
    rules: [
      { file: 'src/options.ts', names: ['*'] },
      { file: 'src/provider.ts', names: ['readOptions', 'asSockline'] },
      { file: 'src/request-checks.ts', names: ['*'] },
      { file: 'src/protocol/http-grammar.ts', names: ['*'] },
      { file: 'src/protocol/format.ts', names: ['*'] },
      { file: 'src/browser/runtime.ts', names: ['NODE_ONLY'] },
    ],
  },
  {
    feature: 'URL and subprotocol providers',
    why: 'a (sync or async) function called before every attempt, e.g. for a fresh token',
    rules: [{ file: 'src/provider.ts', names: ['resolveProvider'] }],
  },
  {
    feature: 'AbortSignal',
    why: '`signal` closes the Socket',
    rules: [{ file: 'src/socket.ts', names: ['SocketCore##abort', 'SocketCore##onAbort'] }],
  },
  {
    feature: 'online/offline',
    why: 'no retries while the page is offline, one at once when it is back',
    rules: [
      {
        file: 'src/socket.ts',
        names: [
          'SocketCore##listen',
          'SocketCore##network',
          'SocketCore##onNetwork',
          'SocketCore##offline',
          'SocketCore##networkChanged',
        ],
      },
    ],
  },
  {
    feature: 'Listener isolation and ordered `state` events',
    why: 'a throwing listener neither breaks the Socket nor hides the event from the others; states seen in order',
    rules: [
      { file: 'src/emit-each.ts', names: ['*'] },
      { file: 'src/socket.ts', names: ['SocketCore#emit', 'SocketCore##setState', 'SocketCore##states'] },
    ],
  },
  {
    feature: 'Unheard errors reported, `debug` hook',
    why: 'a failure nobody listens to is warned once on the logger; `debug: true` logs every event',
    rules: [
      { file: 'src/report.ts', names: ['*'] },
      { file: 'src/browser/debug.ts', names: ['*'] },
      { file: 'src/socket.ts', names: ['SocketCore##fail', 'SocketCore##warned'] },
    ],
  },
  {
    feature: 'Heartbeat hook (the heartbeat itself is opt-in)',
    why: 'the option accepts `heartbeat()` from sockline/heartbeat; pongs kept out of `message`',
    rules: [
      { file: 'src/socket.ts', names: ['SocketCore##stopBeat'] },
      { file: 'src/options.ts', names: ['heartbeatOf'] },
      { file: 'src/heartbeat-module.ts', names: ['*'] },
    ],
  },
  {
    feature: 'ping() and stats',
    why: 'ping() (Node; a clear error in browsers), counters',
    rules: [{ file: 'src/socket.ts', names: ['SocketCore#ping', 'SocketCore#stats', 'SocketCore##stats'] }],
  },
];

const matches = (item, exact) => (rule) =>
  rule.file === item.file &&
  rule.names.some((name) => (name.endsWith('*') ? !exact && item.name.startsWith(name.slice(0, -1)) : name === item.name));

/** The feature an item belongs to, or undefined when no rule claims it. A rule naming the item wins over a prefix. */
export function featureOf(item) {
  const by = (exact) => FEATURES.find((f) => f.rules.some(matches(item, exact)))?.feature;
  return by(true) ?? by(false);
}

/**
 * One build's attribution (attribute()) grouped by feature: `{ features: [{ feature, why, min, gzip, items }], unassigned }`,
 * features in FEATURES order, with the same totals as the attribution.
 */
export function byFeature(build) {
  const rows = new Map(FEATURES.map((f) => [f.feature, { feature: f.feature, why: f.why, min: 0, gzip: 0, items: 0 }]));
  const unassigned = [];
  for (const item of build.items) {
    const feature = featureOf(item);
    if (!feature) {
      unassigned.push(item);
      continue;
    }
    const row = rows.get(feature);
    row.min += item.min;
    row.gzip += item.gzip;
    row.items++;
  }
  return { features: [...rows.values()], unassigned };
}
