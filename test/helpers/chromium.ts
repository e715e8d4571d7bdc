// Debian's Chromium as the browser tests drive it (playwright-core): headless, and quiet on the network.

import { chromium, type Browser } from 'playwright-core';
import { findTool } from './tools.js';

/** Starts Chromium; the caller closes it. Callers skip first when it is missing (requireTool('chromium')). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findTool('chromium') ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
