/**
 * The development/production switch (issue 16). `DEV` is `true` in this file, which is what Node, the tests and the
 * default browser build get; the rollup build of dist/browser.production.* (package.json "production" condition)
 * swaps this module for one where `DEV` is `false` (rollup.config.mjs `production()`), and rollup drops every
 * `if (DEV)` branch. One source, no hand-kept copy.
 *
 * What the production build leaves out: the long prose of argument/state errors (the short message keeps the
 * option or method name and a link to the README section; `error.code` is unchanged), and the static option checks
 * that only catch programming mistakes (unknown option names, the types of callbacks and objects). Runtime failures
 * (network, handshake, timeout, protocol) keep their full messages in both builds.
 */
export const DEV: boolean = true;

/** Where the short production messages point: README sections by their GitHub anchors. */
export const DOCS = 'https://github.com/sockline/sockline#';

/**
 * The production message of an argument/state error: what went wrong in a few words, then the README section.
 * Call sites write `DEV ? long : brief(short, section)`, so that the long prose is dropped with its branch.
 */
export const brief = (short: string, section: string): string => `${short} (${DOCS}${section})`;
