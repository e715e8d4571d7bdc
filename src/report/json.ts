// gb's JSON result format: the Summary written as one versioned object (metrics/result-json.ts reads it back).

import type { Summary } from '../metrics/summary.js';

/**
 * The Summary, pretty-printed. It already carries `schemaVersion` and the phase histograms, so
 * nothing is added or dropped; schema/gb-result.schema.json documents every field.
 */
export function renderJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
