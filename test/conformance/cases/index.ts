/** Every conformance case, in category order. */
import type { ConformanceCase } from '../harness.js';
import { closeCases } from './close.js';
import { allCompressionCases } from './compression.js';
import { fragmentationCases } from './fragmentation.js';
import { framingCases } from './framing.js';
import { limitCases } from './limits.js';
import { pingPongCases } from './ping-pong.js';
import { opcodeCases, reservedBitsCases } from './reserved.js';
import { utf8Cases } from './utf8.js';

export const allCases: ConformanceCase[] = [
  ...framingCases,
  ...pingPongCases,
  ...reservedBitsCases,
  ...opcodeCases,
  ...fragmentationCases,
  ...utf8Cases,
  ...closeCases,
  ...limitCases,
  ...allCompressionCases,
];
