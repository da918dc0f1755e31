/// <reference lib="dom" />
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { newApiKey, writeKeyFile } from '../../core/api-keys';
import { projectRoot } from '../../core/paths';
import { consoleAssetsDir } from '../../api/console-assets';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';
import { fillToOom } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';

/**
 * The web console end to end in Debian's chromium (driven by puppeteer-core, no browser download):
 * sign in, register an instance, ask for a triage and watch its progress arrive in stream order,
 * read the report, approve a proposed action, and what a viewer key may not do. Every page is
 * screenshotted to test-artifacts/ui/ and must render its main landmark without script errors.
 */

const CHROMIUM = process.env.SRE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(projectRoot(), 'test-artifacts/ui');

describe('web console in chromium', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  let browser: Browser;
  let approverContext: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-ui-keys-'));
  const keysFile = path.join(dir, 'keys.yaml');
  const approver = newApiKey('ops-lead', 'approver');
  const viewer = newApiKey('dashboard', 'viewer');
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const state: { instanceId?: string; taskId?: string; threadId?: string } = {};

  async function newPage(context: BrowserContext): Promise<Page> {
    const p = await context.newPage();
    await p.setViewport({ width: 1280, height: 900 });
    // Script errors and CSP refusals (which Chromium reports on the console) fail the run.
    p.on('pageerror', (err) => pageErrors.push(String(err)));
    p.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 40[134]/.test(message.text()))
        pageErrors.push(message.text());
    });
    return p;
  }

  async function go(p: Page, hash: string, heading: string | RegExp): Promise<void> {
    await p.goto(`${api.url}/ui/${hash}`);
    await waitForHeading(p, heading);
  }

  async function waitForHeading(p: Page, heading: string | RegExp): Promise<void> {
    const source = heading instanceof RegExp ? heading.source : `^${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    await p.waitForFunction((re: string) => new RegExp(re).test(document.querySelector('main h1')?.textContent ?? ''), { timeout: 15_000 }, source);
  }

  /** Types into the control whose visible label is `label` (every control has one). */
  async function fill(p: Page, label: string, value: string, scope = 'main'): Promise<void> {
    // A page renders its heading first and its form once its data has loaded: wait for the label.
    const id = await p
      .waitForFunction(
        (text: string, within: string) => [...document.querySelectorAll(`${within} label`)].find((l) => l.textContent === text)?.getAttribute('for'),
        { timeout: 15_000 },
        label,
        scope,
      )
      .then((handle) => handle.jsonValue() as Promise<string | null>)
      .catch(() => undefined);
    if (!id) throw new Error(`no control labelled "${label}" in ${scope}`);
    const tag = await p.$eval(`#${id}`, (el) => el.tagName);
    if (tag === 'SELECT') await p.select(`#${id}`, value);
    else {
      await p.$eval(`#${id}`, (el) => ((el as HTMLInputElement).value = ''));
      await p.type(`#${id}`, value);
    }
  }

  async function clickButton(p: Page, text: string): Promise<void> {
    const button = await p.waitForSelector(`main button::-p-text(${text})`, { timeout: 10_000 });
    await button!.click();
  }

  async function landmarkAndShot(p: Page, name: string): Promise<void> {
    const landmark = await p.evaluate(() => {
      const main = document.querySelector('main');
      return {
        tag: main?.tagName,
        h1: main?.querySelector('h1')?.textContent,
        errors: [...document.querySelectorAll('main .notice.error')].map((e) => e.textContent),
      };
    });
    expect(landmark.tag).toBe('MAIN');
    expect(landmark.h1).toBeTruthy();
    expect(landmark.errors).toEqual([]);
    await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(consoleAssetsDir(), 'main.js'))) throw new Error('the console is not built: run npm run build first');
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (scripts/setup.sh does)`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    writeKeyFile(keysFile, [approver.entry, viewer.entry]);
    api = await startApiUnderTest({ env: { SRE_API_KEYS_FILE: keysFile } });
    target = await startRedis();
    // A cache whose writes fail with OOM under noeviction: its triage proposes an action to approve.
    const client = target.client();
    await fillToOom(client);
    client.disconnect();
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // As root, Chromium only starts without its sandbox; the pages are our own, on loopback.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
    });
    approverContext = await browser.createBrowserContext();
    await approverContext.overridePermissions(api.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    page = await newPage(approverContext);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await target?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('signs in with an API key into an HttpOnly SameSite=Strict session and lands on the fleet', async () => {
    await page.goto(`${api.url}/ui/`);
    await waitForHeading(page, 'Sign in');
    await landmarkAndShot(page, 'sign-in');
    await fill(page, 'API key', 'sre_wrong');
    await clickButton(page, 'Sign in');
    await page.waitForSelector('main [role=alert]::-p-text(That key is not valid.)');
    await fill(page, 'API key', approver.key);
    await clickButton(page, 'Sign in');
    await waitForHeading(page, 'Fleet');
    const cookies = await approverContext.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'sre_session', httpOnly: true, sameSite: 'Strict', path: '/' })]);
    // The page itself cannot read the session, and never kept the key.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).not.toContain(approver.key);
    expect(await page.$eval('#who', (el) => el.textContent)).toContain('ops-lead (approver)');
  });

  it('registers an instance from the fleet page; the fleet lists it, not yet checked', async () => {
    await (await page.waitForSelector('main details summary'))!.click();
    const form = 'main form[aria-label="Register an instance"]';
    await fill(page, 'Name', 'cache-ui', form);
    await fill(page, 'Connection URL', target.url, form);
    await fill(page, 'Environment', 'staging', form);
    await fill(page, 'Usage', 'cache', form);
    await clickButton(page, 'Register');
    const row = await page.waitForSelector('main tr[data-instance] ::-p-text(cache-ui)');
    expect(row).toBeTruthy();
    state.instanceId = await page.$eval('main tr[data-instance]', (tr) => tr.getAttribute('data-instance')!);
    expect(await page.$eval('main tr[data-instance]', (tr) => tr.textContent)).toContain('not checked');
    // Filters narrow the list: no production instance exists.
    const filters = 'main [role=search]';
    await fill(page, 'Environment', 'production', filters);
    await page.waitForSelector('main ::-p-text(No instances match)');
    await fill(page, 'Environment', 'staging', filters);
    await page.waitForSelector('main tr[data-instance]');
  });

  it('asks for a triage: progress events appear as the stream sends them, then the report', async () => {
    await go(page, `#/ask?instance=${state.instanceId}`, 'Ask');
    await fill(page, 'Question', 'Run a full health check of this cache');
    await fill(page, 'Agent', 'triage');
    await fill(page, 'Instance', state.instanceId!);
    await clickButton(page, 'Ask');
    // The first events arrive while the task still runs: the list grows before the report exists.
    await page.waitForSelector('main li[data-event=task_started]', { timeout: 30_000 });
    await page.waitForSelector('main li[data-event=task_done]', { timeout: 90_000 });
    await page.waitForSelector('main section.report h2::-p-text(Report)', { timeout: 30_000 });
    state.taskId = new URL(page.url()).hash.match(/task=([^&]+)/)![1];
    state.threadId = decodeURIComponent(new URL(page.url()).hash.match(/thread=([^&]+)/)![1]);
    const task = await waitForTask({ call: (m, p, b, h) => api.call(m, p, b, { ...bearer(approver.key), ...h }) }, state.taskId);
    expect(task).toMatchObject({ status: 'done', agent: 'triage', instance_id: state.instanceId });

    // The page shows exactly this task's events, in the order of the thread's stream.
    const shown = await page.$$eval('main ol.progress li', (items) =>
      items.map((li) => `${li.getAttribute('data-event')}:${li.getAttribute('data-call') ?? ''}`),
    );
    const stream = await (await fetch(`${api.url}/api/v1/threads/${state.threadId}/stream?until=done`, { headers: bearer(approver.key) })).text();
    const streamed = [...stream.matchAll(/^event: (\w+)\ndata: (.*)$/gm)]
      .filter(([, type]) => type !== 'snapshot')
      .map(([, type, data]) => ({ type, ...JSON.parse(data) }))
      .filter((e) => e.taskId === state.taskId)
      .map((e) => `${e.type}:${e.callId ?? ''}`);
    expect(shown).toEqual(streamed);
    expect(shown[0]).toBe('task_started:');
    expect(shown[shown.length - 1]).toBe('task_done:');
    expect(shown.some((s) => s.startsWith('phase:'))).toBe(true);
    // Each tool call is shown as it starts and again as it finishes, start first.
    const calls = shown.filter((s) => s.startsWith('tool_call:'));
    expect(calls.length).toBeGreaterThan(3);
    for (const call of calls) expect(shown.indexOf(call.replace('tool_call', 'tool_result'))).toBeGreaterThan(shown.indexOf(call));

    // The report: every finding of the task with its severity as a word, its evidence, its commands.
    const report = await page.$eval('main section.report', (section) => ({
      status: section.querySelector('dl.facts dd')?.textContent,
      badges: [...section.querySelectorAll('article.finding h4 .badge')].map((b) => b.textContent),
      evidence: section.querySelectorAll('table.evidence tbody tr').length,
      copy: section.querySelectorAll('ul.commands button').length,
      temporal: section.querySelector('a[href*="namespaces"]')?.getAttribute('href'),
    }));
    expect(report.status).toBe('done');
    expect(report.badges).toEqual(task.result.findings.map((f: { severity: string }) => f.severity.toUpperCase()));
    expect(report.badges.length).toBeGreaterThan(0);
    expect(report.evidence).toBe(task.result.findings.reduce((n: number, f: { evidence: unknown[] }) => n + f.evidence.length, 0));
    expect(report.temporal).toBe(task.workflow_url);
    const firstCommand = task.result.findings.flatMap((f: { commands: string[] }) => f.commands)[0];
    if (firstCommand) {
      expect(report.copy).toBeGreaterThan(0);
      await page.click('main section.report ul.commands button');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstCommand);
    }
    await landmarkAndShot(page, 'report');
    // The README's picture: the top of the report (findings with severity, evidence and commands).
    const top = await page.$eval('main section.report', (el) => el.getBoundingClientRect().top + window.scrollY);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-top.png'), clip: { x: 0, y: top - 16, width: 1280, height: 1100 } });

    // Long reports print without the navigation and the forms.
    await page.emulateMediaType('print');
    expect(await page.$eval('header.top', (el) => getComputedStyle(el).display)).toBe('none');
    expect(await page.$eval('main section.report', (el) => getComputedStyle(el).display)).not.toBe('none');
    await page.emulateMediaType('screen');
  });

  it('shows the checked instance on the fleet and its page: verdict, findings with evidence, history', async () => {
    await go(page, '#/fleet', 'Fleet');
    await page.waitForSelector('main tr[data-instance]');
    const row = await page.$eval('main tr[data-instance]', (tr) => tr.textContent ?? '');
    expect(row).not.toContain('not checked');
    expect(row).toMatch(/HEALTHY|WARNING|CRITICAL/);
    await landmarkAndShot(page, 'fleet');
    await page.click('main tr[data-instance] a');
    await waitForHeading(page, 'Instance cache-ui');
    // The history section is drawn last, after the latest check's findings.
    await page.waitForSelector('main section[aria-labelledby=history-h]');
    const instance = await page.$eval('main', (m) => ({
      text: m.textContent ?? '',
      findings: m.querySelectorAll('article.finding').length,
      history: m.querySelectorAll('section[aria-labelledby=history-h] tbody tr').length,
    }));
    expect(instance.text).toContain(
      target.url
        .replace(/^redis:\/\//, '')
        .split('@')
        .pop()!,
    );
    expect(instance.findings).toBeGreaterThan(0);
    expect(instance.history).toBe(1);
    await landmarkAndShot(page, 'instance');
  });

  it('approves a proposed action and sees it verified (runs when the approvals API exists)', async () => {
    const approvals = await api.call('GET', `/api/v1/approvals?task_id=${state.taskId}`, undefined, bearer(approver.key));
    await go(page, '#/approvals', 'Approvals');
    if (approvals.status === 404) {
      // Until the approvals API lands, the page says so instead of failing.
      await page.waitForSelector('main ::-p-text(Approvals are not available)');
      await landmarkAndShot(page, 'approvals');
      return;
    }
    expect(approvals.status).toBe(200);
    const pending = approvals.body.approvals.find((a: { state: string }) => a.state === 'pending');
    expect(pending).toBeDefined();
    const card = `main article[data-approval="${pending.id}"]`;
    await page.waitForSelector(card);
    expect(await page.$eval(card, (el) => el.textContent)).toContain(pending.precondition);
    await page.type(`${card} textarea`, 'approved from the console test');
    await page.click(`${card} button.primary`);
    await page.waitForFunction((sel: string) => document.querySelector(sel)?.getAttribute('data-state') !== 'pending', { timeout: 30_000 }, card);
    // The approved action runs in its remediation workflow; wait for it to end like waitForTask does for tasks.
    const deadline = Date.now() + 90_000;
    let decided = await api.call('GET', `/api/v1/approvals/${pending.id}`, undefined, bearer(approver.key));
    while (['pending', 'approved', 'executed'].includes(decided.body.state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      decided = await api.call('GET', `/api/v1/approvals/${pending.id}`, undefined, bearer(approver.key));
    }
    expect(decided.body).toMatchObject({
      state: 'verified',
      decided_by: 'ops-lead',
      comment: 'approved from the console test',
      result: { verification: { passed: true } },
    });
    await go(page, '#/approvals', 'Approvals');
    await page.waitForSelector(`${card}[data-state=verified]`);
    expect(await page.$eval(card, (el) => el.textContent)).toContain('passed');
    await landmarkAndShot(page, 'approvals');
  });

  it('threads: lists the conversation, asks a follow-up with live progress, offers feedback', async () => {
    await go(page, '#/threads', 'Threads');
    await landmarkAndShot(page, 'threads');
    await page.click(`main a[href="#/threads/${encodeURIComponent(state.threadId!)}"]`);
    await page.waitForSelector('main ol.conversation li.message');
    // The question and its answer, then the messages of the action the triage proposed (and its approval).
    expect(await page.$$eval('main ol.conversation li.message:not(.action)', (items) => items.length)).toBe(2);
    expect(await page.$$eval('main ol.conversation li.message.action', (items) => items.map((i) => i.textContent).join('\n'))).toMatch(/Proposed action act_/);
    await fill(page, 'Follow-up question', 'Which runbook covers this?');
    await fill(page, 'Agent', 'knowledge');
    await clickButton(page, 'Ask');
    await page.waitForSelector('main li[data-event=task_done]', { timeout: 90_000 });
    await page.waitForSelector('main section.report', { timeout: 30_000 });
    await page.click('main [aria-label="Feedback on this answer"] button[aria-label="This answer helped"]');
    await page.waitForFunction(() => /Thanks/.test(document.querySelector('main .feedback [role=status]')?.textContent ?? ''));
    await landmarkAndShot(page, 'thread');
  });

  it('schedules: creates an interval schedule, pauses, resumes and runs it', async () => {
    await go(page, '#/schedules', 'Schedules');
    await (await page.waitForSelector('main details summary'))!.click();
    await fill(page, 'Name', 'hourly cache-ui check');
    await fill(page, 'Instance', state.instanceId!);
    await fill(page, 'Every', '2');
    await fill(page, 'Unit', 'hours');
    await clickButton(page, 'Create schedule');
    const row = 'main tr[data-schedule]';
    await page.waitForSelector(`${row} ::-p-text(every 2 hours)`);
    expect(await page.$eval(row, (tr) => tr.textContent)).toContain('active');
    await page.click(`${row} button[aria-label="Pause hourly cache-ui check"]`);
    await page.waitForSelector(`${row} button[aria-label="Resume hourly cache-ui check"]`);
    expect(await page.$eval(row, (tr) => tr.textContent)).toContain('paused');
    await page.click(`${row} button[aria-label="Resume hourly cache-ui check"]`);
    await page.waitForSelector(`${row} button[aria-label="Pause hourly cache-ui check"]`);
    await page.click(`${row} button[aria-label="Run now hourly cache-ui check"]`);
    await page.waitForSelector('main ::-p-text(Started task)');
    const schedules = await api.call('GET', '/api/v1/schedules', undefined, bearer(approver.key));
    expect(schedules.body.schedules).toEqual([
      expect.objectContaining({ name: 'hourly cache-ui check', enabled: true, instance_id: state.instanceId, interval: { every: 2, unit: 'hours' } }),
    ]);
    await landmarkAndShot(page, 'schedules');
  });

  it('knowledge: searches the runbooks and opens one', async () => {
    await go(page, '#/knowledge', 'Knowledge');
    await fill(page, 'Search runbooks', 'evictions maxmemory');
    await page.keyboard.press('Enter');
    await page.waitForSelector('main ol.hits li a');
    const first = await page.$eval('main ol.hits li a', (a) => a.textContent);
    await landmarkAndShot(page, 'knowledge');
    await page.click('main ol.hits li a');
    await waitForHeading(page, first!);
    expect(await page.$$eval('main article .markdown > *', (els) => els.length)).toBeGreaterThan(3);
    await landmarkAndShot(page, 'runbook');
  });

  it('is usable by keyboard, follows the system theme and shows times in the browser time zone', async () => {
    await page.emulateTimezone('Asia/Tokyo');
    await go(page, '#/fleet', 'Fleet');
    await page.waitForSelector('main tr[data-instance]');
    // Arriving on a page puts the focus on its heading; going back from there reaches every section and the skip link.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    const visited: string[] = [];
    for (let i = 0; i < 20 && visited[visited.length - 1] !== 'Skip to content'; i++) {
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
      visited.push(await page.evaluate(() => document.activeElement?.textContent ?? ''));
    }
    expect(visited).toEqual(expect.arrayContaining(['Sign out', 'Fleet', 'Ask', 'Threads', 'Approvals', 'Schedules', 'Knowledge', 'Skip to content']));
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.evaluate(() => document.querySelector('main h1')?.textContent)).toBe('Fleet');
    // Every control of the page has a label (its own <label>, or aria-label on buttons without text).
    const unlabelled = await page.$$eval('main input, main select, main textarea', (els) =>
      els.filter((el) => !el.id || !document.querySelector(`label[for="${el.id}"]`)).map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    const shown = await page.$eval('main time', (t) => ({ text: t.textContent, at: t.getAttribute('datetime')! }));
    expect(shown.text).toBe(new Date(shown.at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Asia/Tokyo' }));
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).not.toBe(light);
    await landmarkAndShot(page, 'fleet-dark');
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  });

  it('a viewer key sees no approve, check-now or register controls, and the API answers 403 when it tries', async () => {
    const context = await browser.createBrowserContext();
    try {
      const p = await newPage(context);
      await p.goto(`${api.url}/ui/`);
      await waitForHeading(p, 'Sign in');
      await fill(p, 'API key', viewer.key);
      await clickButton(p, 'Sign in');
      await waitForHeading(p, 'Fleet');
      await p.waitForSelector('main tr[data-instance]');
      expect(await p.$$eval('main button', (bs) => bs.map((b) => b.textContent))).toEqual([]);
      expect(await p.$('main details')).toBeNull();
      await go(p, '#/approvals', 'Approvals');
      await p.waitForSelector('main .notice, main section');
      expect(await p.$$eval('main button', (bs) => bs.filter((b) => /Approve|Reject/.test(b.textContent ?? '')).length)).toBe(0);
      await landmarkAndShot(p, 'approvals-viewer');
      await go(p, `#/ask?task=${state.taskId}&thread=${state.threadId}`, 'Ask');
      await p.waitForSelector('main form button[type=submit]');
      expect(await p.$eval('main form button[type=submit]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
      // Going around the page: the API itself refuses the viewer's session.
      const statuses = await p.evaluate(async (instanceId: string) => {
        const post = (url: string, body: unknown) =>
          fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sre-console': '1' }, body: JSON.stringify(body) }).then(
            (r) => r.status,
          );
        return {
          task: await post('/api/v1/tasks', { message: 'check', agent: 'triage', instance_id: instanceId }),
          approve: await post('/api/v1/approvals/act_test/approve', { comment: 'no' }),
        };
      }, state.instanceId!);
      expect(statuses.task).toBe(403);
      const approvalsExist = (await api.call('GET', '/api/v1/approvals', undefined, bearer(approver.key))).status !== 404;
      expect(statuses.approve).toBe(approvalsExist ? 403 : 404);
    } finally {
      await context.close();
    }
  });
});
