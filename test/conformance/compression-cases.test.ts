/**
 * The compression case definitions (cases/compression.ts) are well formed and enabled: conformance.test.ts runs
 * them with the rest of `allCases`.
 */
import { describe, expect, it } from 'vitest';
import { allCompressionCases, compressionCases, compressionParameterCases } from './cases/compression.js';
import { allCases } from './cases/index.js';

describe('compression conformance cases', () => {
  it('have unique Autobahn-style ids in categories 12 and 13, and are all enabled', () => {
    const ids = allCompressionCases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of compressionCases) expect(c.id).toMatch(/^12\.\d+\.\d+$/);
    for (const c of compressionParameterCases) expect(c.id).toMatch(/^13\.\d+\.\d+$/);
    const enabled = new Set(allCases.map((c) => c.id));
    expect(ids.filter((id) => !enabled.has(id))).toEqual([]);
  });

  it('say what the server does, the section, and what the client must do', () => {
    for (const c of allCompressionCases) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.rfc, c.id).toMatch(/RFC|§/);
      expect(c.expected.length, c.id).toBeGreaterThan(5);
    }
  });

  it('cover sizes up to 16 MiB, fragmentation, interleaving, every window size and both no-context-takeover directions', () => {
    const titles = allCompressionCases.map((c) => c.title).join('\n');
    expect(titles).toContain('16 MiB');
    expect(titles).toMatch(/fragments/);
    expect(titles).toMatch(/uncompressed, compressed/);
    for (const bits of [8, 9, 12, 15]) {
      expect(titles).toContain(`server_max_window_bits=${bits}`);
      expect(titles).toContain(`client_max_window_bits=${bits}`);
    }
    expect(titles).toContain('server_no_context_takeover');
    expect(titles).toContain('client_no_context_takeover');
  });
});
