/** The `perMessageDeflate` option (issue 12): validated at construction on Node, refused in browsers. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { browserRuntime } from '../../src/browser/runtime.js';
import { NODE_DEFAULTS } from '../../src/node/node-options.js';
import { nodeRuntime } from '../../src/node/runtime.js';
import { normalize, type SocketOptions } from '../../src/options.js';
import type { Runtime } from '../../src/runtime.js';

const node = (options: SocketOptions) => normalize(options, nodeRuntime as Runtime<any>);
const browser = (options: SocketOptions) => normalize(options, browserRuntime as Runtime<any>);

describe('perMessageDeflate', () => {
  it('defaults to true (offered, like browsers)', () => {
    expect(NODE_DEFAULTS.perMessageDeflate).toBe(true);
    expect((node({}).transport as { perMessageDeflate: unknown }).perMessageDeflate).toBe(true);
  });

  it('passes false and a valid object through (the object copied)', () => {
    expect((node({ perMessageDeflate: false }).transport as { perMessageDeflate: unknown }).perMessageDeflate).toBe(false);
    const given = { threshold: 0, serverMaxWindowBits: 10 };
    const kept = (node({ perMessageDeflate: given }).transport as { perMessageDeflate: unknown }).perMessageDeflate;
    expect(kept).toEqual(given);
    expect(kept).not.toBe(given);
  });

  it('refuses a bad value at construction, naming the field', () => {
    expect(() => node({ perMessageDeflate: { serverMaxWindowBits: 16 } })).toThrow(InvalidArgumentError);
    expect(() => node({ perMessageDeflate: { serverMaxWindowBits: 16 } })).toThrow(/perMessageDeflate\.serverMaxWindowBits 16/);
    expect(() => node({ perMessageDeflate: 'yes' as never })).toThrow(/Invalid perMessageDeflate "yes"/);
    expect(() => node({ perMessageDeflate: { windowBits: 9 } as never })).toThrow(/Unknown option perMessageDeflate\.windowBits/);
  });

  it('is refused in browsers, where the native WebSocket decides (even true)', () => {
    for (const value of [true, false, { threshold: 0 }]) {
      expect(() => browser({ perMessageDeflate: value })).toThrow(
        'Option perMessageDeflate is not supported in browsers: the native WebSocket cannot apply it (Node build only)',
      );
    }
  });
});
