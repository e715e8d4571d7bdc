// The live dashboard's server on its own: the page in headless Chromium fed frames as a run would feed
// them, the figures it shows, names escaped, the report at the end, read-only, a port in use.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';

import { startDashboard, MAX_FRAMES } from '../../src/live/dashboard-server.js';
import { renderDashboardPage, type DashboardFrame } from '../../src/report/dashboard-page.js';
import { requireTool } from '../helpers/tools.js';
import { launchChromium } from '../helpers/chromium.js';

const skip = requireTool('chromium');
let browser: Browser | null = null;

before(async () => {
  if (skip !== false) return;
  browser = await launchChromium();
});
after(async () => browser?.close());

const EVIL = '<script>window.__pwned = 1</script>';

function frame(second: number, over: Partial<DashboardFrame> = {}): DashboardFrame {
  return {
    elapsedSeconds: second,
    completed: 100 * second,
    failed: second,
    failures: { connect: second, receive: 0 },
    rps: 100,
    targetRps: 120,
    p50Ms: 1.5,
    p99Ms: 9.25,
    secondP50Ms: 1.5,
    secondP99Ms: 9.25,
    connections: 10,
    busyPercent: 12,
    endpoints: [{ name: EVIL, requests: 100 * second, failures: second, non2xx: 0, p50Ms: 1.5, p99Ms: 9.25 }],
    final: false,
    ...over,
  };
}

const page = renderDashboardPage({ target: 'http://127.0.0.1:1/<b>x</b>', settings: '-c 10 --rate 120' });

test('the page shows the frames as they come, names as text, and the final figures with the report to save', { skip }, async () => {
  const started = await startDashboard('127.0.0.1', 0, page);
  assert.ok(started.ok);
  const dashboard = started.value;
  try {
    dashboard.publish(frame(1));
    const tab = await browser!.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await tab.goto(dashboard.url);
    const metric = (name: string): Promise<string> => tab.locator(`[data-metric="${name}"]`).innerText();
    // Locators, not waitForFunction: the page's CSP (no 'unsafe-eval') refuses a predicate passed as a string.
    const showing = (selector: string, text: RegExp): Promise<void> => tab.locator(selector).filter({ hasText: text }).waitFor();
    // A viewer that joins mid-run gets the frames so far at once.
    await showing('[data-metric="completed"]', /^100$/);
    dashboard.publish(frame(2));
    await showing('[data-metric="completed"]', /^200$/);
    assert.equal(await metric('p99'), '9.250');
    assert.equal(await metric('target'), '120');
    assert.equal(await metric('errors'), '2');
    // The endpoint named like a script tag is shown as text and never runs.
    assert.equal(await tab.locator('#endpoints tbody td').first().innerText(), EVIL);
    assert.equal(await tab.evaluate('window.__pwned'), undefined);
    assert.equal(await tab.locator('p.target').innerText(), 'http://127.0.0.1:1/<b>x</b>');
    assert.equal(await tab.locator('#save').getAttribute('aria-disabled'), 'true');
    // Four charts drawn by uPlot.
    assert.equal(await tab.locator('.chart canvas').count(), 4);

    dashboard.finish(
      frame(2.5, { completed: 250, rps: 98.76, p50Ms: 1.432, p99Ms: 8.765, final: true }),
      '<!DOCTYPE html><title>report</title>',
    );
    await showing('#status', /^finished/);
    assert.equal(await metric('completed'), '250');
    assert.equal(await metric('rps'), '98.76');
    assert.equal(await metric('p99'), '8.765');
    assert.equal(await tab.locator('#save').getAttribute('href'), 'report.html');
    const saved = await fetch(new URL('report.html', dashboard.url));
    assert.equal(saved.status, 200);
    assert.match(saved.headers.get('content-disposition') ?? '', /attachment; filename="gb-report.html"/);
    assert.equal(await saved.text(), '<!DOCTYPE html><title>report</title>');
    assert.deepEqual(problems, []);
    await tab.close();
  } finally {
    await dashboard.close();
  }
});

test('read-only: other methods are refused, the report is not there before the end, the last frame is JSON', async () => {
  const started = await startDashboard('127.0.0.1', 0, page);
  assert.ok(started.ok);
  const dashboard = started.value;
  try {
    assert.equal((await fetch(dashboard.url, { method: 'POST', body: 'x' })).status, 405);
    assert.equal((await fetch(new URL('report.html', dashboard.url))).status, 404);
    assert.equal((await fetch(new URL('nothing', dashboard.url))).status, 404);
    assert.equal(await (await fetch(new URL('frame.json', dashboard.url))).text(), 'null');
    dashboard.publish(frame(3));
    const last = (await (await fetch(new URL('frame.json', dashboard.url))).json()) as DashboardFrame;
    assert.equal(last.completed, 300);
    const head = await fetch(dashboard.url);
    assert.match(head.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  } finally {
    await dashboard.close();
  }
});

test('keeps at most an hour of frames for viewers that join late', async () => {
  const started = await startDashboard('127.0.0.1', 0, page);
  assert.ok(started.ok);
  const dashboard = started.value;
  try {
    for (let s = 1; s <= MAX_FRAMES + 5; s++) dashboard.publish(frame(s));
    const controller = new AbortController();
    const res = await fetch(new URL('events', dashboard.url), { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value } = (await reader.read()) as { value?: Uint8Array };
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const frames = JSON.parse(/^event: frames\ndata: (.*)$/m.exec(text)![1]!) as DashboardFrame[];
    assert.equal(frames.length, MAX_FRAMES);
    assert.equal(frames[0]!.elapsedSeconds, 6);
    assert.equal(frames.at(-1)!.elapsedSeconds, MAX_FRAMES + 5);
  } finally {
    await dashboard.close();
  }
});

test('a port in use is an error value naming it', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const started = await startDashboard('127.0.0.1', port, page);
    assert.deepEqual(started, { ok: false, error: `--dashboard 127.0.0.1:${port} is in use` });
  } finally {
    blocker.close();
  }
});
