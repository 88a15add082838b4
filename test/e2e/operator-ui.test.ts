// The operator UI in a real browser against a real `clawgress serve`: sign in and create an
// agent by keyboard only, read its key, create and publish a policy, watch decisions arrive
// live, filter them, open one, explain, disable/enable, rotate, and edit a quota.
// Screenshots of each step go to test-artifacts/e2e/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ProxyAgent, request } from 'undici';
import { startHttpOrigin, type Origin } from '../helpers/origin.js';
import { startServe, TEST_ADMIN_TOKEN, type ServeProcess } from '../helpers/serve.js';
import { collectPageErrors, launchChromium, screenshot, tabTo } from './browser.js';

const AGENT = 'e2e-agent';

/** The page updates after each action (a reload, a re-render): wait for the text rather than
 *  read it once, and fail with what was last shown. */
async function expectText(locator: Locator, pattern: RegExp, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await locator.innerText().catch(() => '');
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(last, pattern);
}
// The live view must show a decision this soon after the request (the contract).
const LIVE_WITHIN_MS = 2_000;

describe('operator ui', () => {
  let serve: ServeProcess;
  let origin: Origin;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let apiKey = '';

  before(async () => {
    browser = await launchChromium();
    [serve, origin] = await Promise.all([startServe({ args: ['--allow-internal', '127.0.0.1/32'] }), startHttpOrigin()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.adminUrl });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    pageErrors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await Promise.all([serve?.stop(), origin?.close()]);
  });

  const proxied = async (method: string, path: string, key = apiKey) => {
    const dispatcher = new ProxyAgent({ uri: serve.proxyUrl(AGENT, key), proxyTunnel: false });
    try {
      const answer = await request(`http://127.0.0.1:${origin.port}${path}`, { method: method as 'GET', dispatcher });
      await answer.body.dump();
      return answer.statusCode;
    } finally {
      await dispatcher.close();
    }
  };
  const row = (text: string) => page.getByRole('row').filter({ hasText: text });

  it('signs in with the keyboard only', async () => {
    await page.goto(serve.adminUrl);
    const token = page.getByLabel('Admin token');
    await tabTo(page, token);
    await screenshot(page, '01-sign-in');
    await page.keyboard.type(TEST_ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    assert.equal(page.url().includes(TEST_ADMIN_TOKEN), false, "the token never goes in a url");
    assert.equal(await page.evaluate('sessionStorage.length'), 1);
  });

  it('creates an agent with the keyboard only and shows its key once, with the HTTPS_PROXY line', async () => {
    await tabTo(page, page.getByRole('button', { name: 'New agent' }));
    await page.keyboard.press('Enter');
    const fields: [string, string][] = [['Agent ID', AGENT], ['Team', 'team-e2e'], ['Project', 'proj-e2e'], ['Environment', 'test']];
    for (const [label, value] of fields) {
      await tabTo(page, page.getByLabel(label, { exact: true }));
      await page.keyboard.type(value);
    }
    await screenshot(page, '02-new-agent');
    await tabTo(page, page.getByRole('button', { name: 'Create agent' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `API key for ${AGENT}` }).waitFor();
    apiKey = await page.getByRole('textbox', { name: 'API key' }).inputValue();
    assert.match(apiKey, /^\S{20,}$/);
    const line = await page.getByRole('textbox', { name: 'Proxy setting' }).inputValue();
    const config = (await (await fetch(`${serve.adminUrl}/ui/config.json`)).json()) as { proxy_address: string | null };
    const address = config.proxy_address ?? '127.0.0.1:3128';
    assert.equal(line, `HTTPS_PROXY=http://${AGENT}:${encodeURIComponent(apiKey)}@${address}`);
    await page.getByRole('button', { name: 'Copy API key' }).click();
    await page.getByText('Copied', { exact: true }).first().waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), apiKey);
    await screenshot(page, '03-key-shown-once');
    await page.getByRole('button', { name: /Done/ }).click();
    assert.equal(await page.getByRole('textbox', { name: 'API key' }).count(), 0, 'the key is gone once dismissed');
    const agentRow = row(AGENT);
    for (const text of ['team-e2e', 'proj-e2e', 'test', 'API key', 'active']) assert.ok((await agentRow.innerText()).includes(text), text);
  });

  it('searches the agent list', async () => {
    await page.getByRole('button', { name: 'New agent' }).click();
    await page.getByLabel('Agent ID').fill('other-agent');
    await page.getByLabel('Team').fill('team-other');
    await page.getByLabel('Project').fill('p');
    await page.getByLabel('Environment').fill('prod');
    await page.getByLabel('Authentication').selectOption('jwt');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByText('Agent other-agent registered').waitFor();
    await page.getByLabel('Search agents').fill('team-e2e');
    await page.getByText('1 of 2 agents').waitFor();
    assert.equal(await row('other-agent').count(), 0);
    assert.equal(await row(AGENT).count(), 1);
    await page.getByLabel('Search agents').fill('');
  });

  it('shows the API validation message on a bad policy, then creates and publishes it with a diff', async () => {
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    const versionBefore = Number(/version (\d+)/.exec(await page.locator('.bundle-line').innerText())![1]);
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.getByLabel('Policy ID').fill('allow-e2e-origin');
    await page.getByLabel('Agents').fill(AGENT);
    await page.getByLabel('Domains').fill('*example.com');
    await page.getByLabel('Methods').fill('GET');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('alert').getByText('match.domains: `*example.com` is not a valid wildcard').waitFor();
    assert.equal(await page.getByLabel('Domains').getAttribute('aria-invalid'), 'true');
    await screenshot(page, '04-policy-validation');
    await page.getByLabel('Domains').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByText('Draft allow-e2e-origin saved as version 1').waitFor();
    await expectText(row('allow-e2e-origin'), /draft v1, not published/);

    await page.getByRole('button', { name: 'Publish…' }).click();
    const diff = page.getByRole('region', { name: 'Publish policies' });
    await diff.getByText('Add (1)').waitFor();
    await expectText(diff, /allow-e2e-origin\s+allow · priority 10 · GET 127\.0\.0\.1 · agents: e2e-agent/);
    await screenshot(page, '05-publish-diff');
    await diff.getByRole('button', { name: 'Publish now' }).click();
    await page.getByText(`Published bundle version ${versionBefore + 1}`).waitFor();
    await expectText(row('allow-e2e-origin'), /published v1/);
    await expectText(page.locator('.bundle-line'), new RegExp(`version ${versionBefore + 1}`));
  });

  it('explains whether the agent may GET a url', async () => {
    const box = page.getByRole('region', { name: 'Explain a decision' });
    await box.getByLabel('Agent').fill(AGENT);
    await box.getByLabel('Method').selectOption('GET');
    await box.getByLabel('URL').fill(`http://127.0.0.1:${origin.port}/hello`);
    await box.getByRole('button', { name: 'Explain' }).click();
    await box.getByText('allowed by policy `allow-e2e-origin`').waitFor();
    await box.getByLabel('Method').selectOption('POST');
    await box.getByRole('button', { name: 'Explain' }).click();
    await box.getByText('no policy matches').waitFor();
    await screenshot(page, '06-explain');
  });

  it('shows a request through the proxy in the live table within 2 s', async () => {
    await page.getByRole('link', { name: 'Decisions' }).click();
    await page.getByRole('status').getByText('Live', { exact: true }).waitFor();
    assert.equal(await proxied('GET', '/e2e-live-allowed'), 200);
    await row('/e2e-live-allowed').waitFor({ timeout: LIVE_WITHIN_MS });
    await expectText(row('/e2e-live-allowed'), new RegExp(`${AGENT}\\s+allow\\s+GET 127\\.0\\.0\\.1:${origin.port}/e2e-live-allowed\\s+allow-e2e-origin\\s+200`));
    assert.equal(await proxied('POST', '/e2e-live-denied'), 403);
    await row('/e2e-live-denied').waitFor({ timeout: LIVE_WITHIN_MS });
    assert.equal(await page.locator('strong[data-decision="deny"]').innerText(), '1');
    await screenshot(page, '07-decisions-live');
  });

  it('filters by decision on the server', async () => {
    await page.getByLabel('Decision', { exact: true }).selectOption('deny');
    await page.getByRole('status').getByText('Live', { exact: true }).waitFor();
    await row('/e2e-live-denied').waitFor();
    await row('/e2e-live-allowed').waitFor({ state: 'detached' });
    // Sent in this order, the allowed request would arrive first if the filter let it through.
    assert.equal(await proxied('GET', '/e2e-filtered-allowed'), 200);
    assert.equal(await proxied('POST', '/e2e-filtered-denied'), 403);
    await row('/e2e-filtered-denied').waitFor({ timeout: LIVE_WITHIN_MS });
    assert.equal(await row('/e2e-filtered-allowed').count(), 0);
    assert.equal(await page.locator('strong[data-decision="allow"]').innerText(), '0');
    await screenshot(page, '08-decisions-filtered-deny');
  });

  it('filters by agent', async () => {
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row('/e2e-filtered-allowed').waitFor();
    await page.getByLabel('Agent', { exact: true }).fill('nobody');
    await page.getByLabel('Agent', { exact: true }).press('Enter');
    await page.getByText('No decisions yet for this filter').waitFor();
    await page.getByLabel('Agent', { exact: true }).fill(AGENT);
    await page.getByRole('button', { name: 'Apply' }).click();
    await row('/e2e-filtered-allowed').waitFor();
  });

  it('shows every field of an event when it is clicked', async () => {
    await row('/e2e-live-allowed').getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const text = await dialog.innerText();
    for (const field of ['request_id', 'timestamp', 'identity.agent_id', 'identity.team_id', 'destination.path', 'decision', 'policy_id',
      'bundle_version', 'reason', 'latency_ms', 'bytes_in', 'bytes_out', 'status', 'gateway_id', 'schema_version']) {
      assert.match(text, new RegExp(`^${field.replace('.', '\\.')}\\s`, 'm'), field);
    }
    assert.match(text, /destination\.path\s+\/e2e-live-allowed/);
    await screenshot(page, '09-event-details');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('disables and enables an agent, and rotates its key', async () => {
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: `Disable ${AGENT}` }).click();
    await page.getByText(`Agent ${AGENT} is now disabled.`).waitFor();
    await expectText(row(AGENT), /disabled/);
    assert.equal(await proxied('GET', '/while-disabled'), 403);
    await page.getByRole('button', { name: `Enable ${AGENT}` }).click();
    await page.getByText(`Agent ${AGENT} is now active.`).waitFor();
    await page.getByRole('button', { name: `Rotate key of ${AGENT}` }).click();
    await page.getByRole('heading', { name: `New API key for ${AGENT}` }).waitFor();
    const rotated = await page.getByRole('textbox', { name: 'API key' }).inputValue();
    assert.notEqual(rotated, apiKey);
    await screenshot(page, '10-key-rotated');
    assert.equal(await proxied('GET', '/with-rotated-key', rotated), 200);
    await page.getByRole('button', { name: /Done/ }).click();
  });

  it('sets, edits and removes a quota', async () => {
    await page.getByRole('link', { name: 'Quotas' }).click();
    await page.getByRole('heading', { name: 'Quotas', level: 1 }).waitFor();
    await page.getByRole('button', { name: `Set quota of ${AGENT}` }).click();
    await page.getByLabel('Requests per second').fill('5');
    await page.getByLabel('Requests per minute').fill('100');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.getByText(`Quota of ${AGENT} saved`).waitFor();
    // The table reloads after the message: wait for the row, then read it.
    await row(AGENT).filter({ hasText: 'hard stop' }).waitFor();
    await expectText(row(AGENT), /5\s+100\s+hard stop/);
    await page.getByRole('button', { name: `Edit quota of ${AGENT}` }).click();
    assert.equal(await page.getByLabel('Requests per second').inputValue(), '5');
    await page.getByLabel('Mode').selectOption('alert_only');
    await page.getByLabel('Requests per minute').fill('0');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.getByRole('alert').getByText(/rpm_limit/).waitFor();
    await page.getByLabel('Requests per minute').fill('120');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await row(AGENT).filter({ hasText: 'alert only' }).waitFor();
    await expectText(row(AGENT), /5\s+120\s+alert only/);
    const stored = await serve.api('GET', `/quotas/${AGENT}`);
    assert.deepEqual([stored.body.rps_limit, stored.body.rpm_limit, stored.body.mode], [5, 120, 'alert_only']);
    await screenshot(page, '11-quotas');
    await page.getByRole('button', { name: `Remove quota of ${AGENT}` }).click();
    await page.getByText(`Quota of ${AGENT} removed`).waitFor();
    assert.equal((await serve.api('GET', `/quotas/${AGENT}`)).status, 404);
  });

  it('signs out and keeps no token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
  });

  it('raised no console error but the API validation answers it asked for', () => {
    const unexpected = pageErrors.filter((text) => text !== 'Failed to load resource: the server responded with a status of 400 (Bad Request)');
    assert.deepEqual(unexpected, []);
  });
});
