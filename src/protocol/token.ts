/**
 * RFC 7230 §3.2.6: `token = 1*tchar`, `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 * "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`. This is also exactly RFC 6455 §4.1's subprotocol alphabet
 * ("U+0021 to U+007E not including separator characters as defined in [RFC2616]").
 */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
