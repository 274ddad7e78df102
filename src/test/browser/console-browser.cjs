// The operator console in real headless Chromium (Playwright, playwright-core only, Debian's chromium).
// Run by jp.kofuhub.console.ConsoleBrowserTest; the settings come as JSON in KOFU_BROWSER:
//   base        https://localhost:<port> of the test hub (mutual TLS)
//   pfx         the client certificate the browser presents (operator.p12), passphrase
//   user, password, role ("operator" | "viewer")
//   camel       the Camel context's name (its node in Hawtio's Camel tree)
//   shots       folder for screenshots (login, routes, suspend, suspended)
//   reason      what the stop switch's form is filled with (the operator recorded is the logged-in user)
// Prints one line per step and a last line "RESULT ok" (exit 0) or "RESULT failed: …" (exit 1).
// No sleeps: every step waits for a selector, a URL or a response, with a timeout.
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const cfg = JSON.parse(process.env.KOFU_BROWSER);
const TIMEOUT = 90000;
const BOUNDARY = ['registry-sync', 'daily-settlement', 'post-availability', 'post-certificate'];

function step(text) {
  console.log('STEP ' + text);
}

async function shot(page, name) {
  if (cfg.shots) {
    await page.screenshot({ path: path.join(cfg.shots, name) });
    step('screenshot ' + name);
  }
}

async function login(page) {
  await page.goto(cfg.base + '/actuator/hawtio/');
  await page.locator('#username').waitFor();
  step('login page at ' + new URL(page.url()).pathname);
  await shot(page, 'console-login.png');
  await page.fill('#username', cfg.user);
  await page.fill('#password', cfg.password);
  await Promise.all([page.waitForURL('**/actuator/hawtio/**'), page.click('#login')]);
  step('logged in as ' + cfg.user);
}

// Hawtio's Camel routes view, for the routes of our context only.
async function openRoutes(page) {
  await page.goto(cfg.base + '/actuator/hawtio/camel/routes');
  const ctx = page.locator(`li[id="org.apache.camel-CamelContexts-${cfg.camel}-folder"]`);
  try {
    await ctx.waitFor({ timeout: 40000 });
  } catch (e) {
    // Hawtio builds its JMX tree once per page load; a refused first bulk request (it was a body over the
    // viewer check's old 1 MB limit with many Camel contexts in one JVM) leaves it empty: load once more
    step('routes tree not drawn after 40 s: reloading once');
    await page.goto(cfg.base + '/actuator/hawtio/camel/routes');
    await ctx.waitFor({ timeout: 60000 });
  }
  const folder = page.locator(`li[id="org.apache.camel-CamelContexts-${cfg.camel}-routes-folder"]`);
  if (await folder.count() === 0) {
    await ctx.locator(':scope > div button.pf-v6-c-tree-view__node-toggle').click();
  }
  await folder.locator(':scope > div button.pf-v6-c-tree-view__node-text').click();
  await page.locator('a.pf-v6-c-nav__link', { hasText: /^Routes$/ }).click();
  await routeRow(page, 'registry-sync').waitFor();
  step('Camel routes view of ' + cfg.camel);
}

function routeRow(page, id) {
  return page.locator('table tbody tr', { has: page.locator('td', { hasText: new RegExp('^' + id + '$') }) });
}

// Waits until every boundary route's row shows one of the states (a row's text runs its cells together).
async function expectRoutes(page, states) {
  for (const id of BOUNDARY) {
    const row = routeRow(page, id);
    await row.filter({ hasText: new RegExp('(' + states.join('|') + ')') }).waitFor();
    step('route ' + id + ' ' + (await row.innerText()).replace(/\s+/g, ' ').trim());
  }
}

// The stop switch's MBean in Hawtio's JMX tree, its Operations tab, the operation's form filled.
async function openOperation(page, operation) {
  await page.goto(cfg.base + '/actuator/hawtio/jmx');
  const search = page.locator('input[type=search], .pf-v6-c-search-input input').first();
  await search.fill('CouplingSwitch');
  await search.press('Enter');
  await page.locator('button.pf-v6-c-tree-view__node-text', { hasText: /^CouplingSwitch$/ }).click();
  await page.locator('a.pf-v6-c-nav__link', { hasText: /^Operations$/ }).click();
  const item = page.locator('#jmx-operation-list > li', {
    has: page.locator('b', { hasText: new RegExp('^' + operation + '\\(') })
  });
  await item.waitFor();
  await item.locator('button[aria-label="Details"]').click();
  const inputs = item.locator('section input');
  await inputs.nth(0).waitFor();
  if (await inputs.count() !== 1) {
    throw new Error('the stop switch\'s ' + operation + ' should ask for the reason only, it asks ' + await inputs.count());
  }
  await inputs.nth(0).fill(cfg.reason);
  step('JMX operation ' + operation + ' of jp.kofuhub:type=CouplingSwitch, form filled');
  return item;
}

// Clicks Execute and answers the Jolokia response of that exec (HTTP status, body). The body is read
// within 10 s: after a refusal Hawtio may leave the response unread.
async function execute(page, item, operation) {
  const answer = page.waitForResponse(r => r.url().includes('jolokia') && r.request().method() === 'POST'
      && (r.request().postData() || '').includes('"operation":"' + operation + '('), { timeout: TIMEOUT });
  answer.catch(() => {});
  await item.locator('button', { hasText: /^Execute$/ }).click();
  const r = await answer;
  let timer;
  const body = await Promise.race([r.text().catch(() => ''),
    new Promise(resolve => { timer = setTimeout(() => resolve(''), 10000); })]);
  clearTimeout(timer);
  step('exec ' + operation + ': HTTP ' + r.status() + ' ' + body.slice(0, 200).replace(/\s+/g, ' '));
  return { status: r.status(), body };
}

// The same exec sent by this browser session's own request context (its cookies, its certificate,
// the XSRF-TOKEN echoed as Hawtio does): the server's answer, whatever the page did with it.
async function execDirect(page, operation) {
  const cookies = await page.context().cookies(cfg.base);
  const xsrf = (cookies.find(c => c.name === 'XSRF-TOKEN') || {}).value || '';
  const r = await page.request.post(cfg.base + '/actuator/jolokia', {
    headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': xsrf },
    data: JSON.stringify({ type: 'exec', mbean: 'jp.kofuhub:type=CouplingSwitch',
      operation: operation + '(java.lang.String)', arguments: [cfg.reason] })
  });
  const body = await r.text();
  step('direct exec ' + operation + ': HTTP ' + r.status() + ' ' + body.slice(0, 200).replace(/\s+/g, ' '));
  return { status: r.status(), body };
}

// Issue #19: what an operator watches is in the console. The kofu.* meters are MBeans (domain kofu.metrics,
// Micrometer's JMX registry); Spring Boot → Health renders (Hawtio reads the health MBean, which the hub
// answers in Hawtio's shape) for operators and viewers alike.
const pageErrors = [];

async function jolokia(page, request) {
  const cookies = await page.context().cookies(cfg.base);
  const xsrf = (cookies.find(c => c.name === 'XSRF-TOKEN') || {}).value || '';
  const r = await page.request.post(cfg.base + '/actuator/jolokia', {
    headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': xsrf },
    data: JSON.stringify(request)
  });
  return { status: r.status(), body: await r.text() };
}

async function hubInTheConsole(page) {
  const meters = await jolokia(page, { type: 'search', mbean: 'kofu.metrics:*' });
  const found = JSON.parse(meters.body).value || [];
  if (meters.status !== 200 || found.length === 0) {
    throw new Error('no kofu.* meters in JMX: HTTP ' + meters.status + ' ' + meters.body.slice(0, 300));
  }
  step('kofu meters in JMX: ' + found.length + ' MBeans, e.g. '
      + found.filter(n => /kofuSync|kofuIssuances|kofuCoupling/.test(n)).slice(0, 3).join(' '));
  const health = await jolokia(page, { type: 'exec', mbean: 'org.springframework.boot:type=Endpoint,name=Health',
    operation: 'health' });
  const value = (JSON.parse(health.body) || {}).value || {};
  if (health.status !== 200 || !value.components) {
    throw new Error('health MBean: HTTP ' + health.status + ' ' + health.body.slice(0, 300));
  }
  step('health MBean: ' + value.status + ' components ' + Object.keys(value.components).sort().join(','));
  await page.goto(cfg.base + '/actuator/hawtio/springboot/health');
  await page.getByText(/Overall status/).first().waitFor();
  await page.getByText(/Replica/).first().waitFor();
  const bad = pageErrors.filter(e => /is not a function/.test(e));
  if (bad.length > 0) {
    throw new Error('the Health page failed: ' + bad.join(' | '));
  }
  step('health page: Overall status shown');
  // the route diagram's statistics (Hawtio: dumpRoutesStatsAsXml on the Camel context), read-only
  const stats = await jolokia(page, { type: 'exec',
    mbean: `org.apache.camel:context=${cfg.camel},type=context,name="${cfg.camel}"`,
    operation: 'dumpRoutesStatsAsXml(boolean,boolean)', arguments: [true, true] });
  const statsValue = (JSON.parse(stats.body) || {}).value;
  if (stats.status !== 200 || typeof statsValue !== 'string' || !statsValue.includes('registry-sync')) {
    throw new Error('route statistics failed: HTTP ' + stats.status + ' ' + stats.body.slice(0, 400));
  }
  step('route statistics: ' + (statsValue.match(/<routeStat /g) || []).length + ' routes');
  await shot(page, 'console-health-' + cfg.role + '.png');
}

async function operatorRun(page) {
  await login(page);
  await hubInTheConsole(page);
  await openRoutes(page);
  await expectRoutes(page, ['Started']);
  await shot(page, 'console-routes.png');

  const suspend = await openOperation(page, 'suspend');
  await shot(page, 'console-suspend.png');
  const r = await execute(page, suspend, 'suspend');
  if (r.status !== 200 || !/"status":200/.test(r.body)) {
    throw new Error('the operator\'s suspend was not run: HTTP ' + r.status + ' ' + r.body.slice(0, 300));
  }
  await openRoutes(page);
  await expectRoutes(page, ['Suspended', 'Stopped']);
  await shot(page, 'console-routes-suspended.png');

  const resume = await openOperation(page, 'resume');
  const back = await execute(page, resume, 'resume');
  if (back.status !== 200 || !/"status":200/.test(back.body)) {
    throw new Error('the operator\'s resume was not run: HTTP ' + back.status);
  }
  await openRoutes(page);
  await expectRoutes(page, ['Started']);
}

async function viewerRun(page) {
  await login(page);
  await hubInTheConsole(page);
  await openRoutes(page);
  await expectRoutes(page, ['Started']);
  const suspend = await openOperation(page, 'suspend');
  const r = await execute(page, suspend, 'suspend');
  if (r.status !== 403) {
    throw new Error('a viewer\'s suspend was not refused: HTTP ' + r.status + ' ' + r.body.slice(0, 300));
  }
  const direct = await execDirect(page, 'suspend');
  if (direct.status !== 403 || !direct.body.includes('CONSOLE_OPERATOR_ONLY')) {
    throw new Error('a viewer\'s direct suspend was not refused: HTTP ' + direct.status);
  }
  await openRoutes(page);
  await expectRoutes(page, ['Started']);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: cfg.chromium || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']
  });
  let failed = null;
  let pageForFailure = null;
  // the whole run has a limit of its own, so a hang is reported with what was done until then
  setTimeout(() => {
    console.log('RESULT failed: the browser run took longer than 4 minutes');
    process.exit(2);
  }, 240000).unref();
  try {
    const context = await browser.newContext({
      // the hub's certificate is issued by the run's demo CA, which this fresh browser profile does not know
      ignoreHTTPSErrors: true,
      viewport: { width: 1400, height: 860 },
      clientCertificates: [{ origin: cfg.base, pfxPath: cfg.pfx, passphrase: cfg.passphrase }]
    });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', e => {
      pageErrors.push(e.message);
      console.log('PAGEERROR ' + e.message);
    });
    page.on('response', r => {
      if (r.url().includes('jolokia') && r.status() !== 200) {
        console.log('JOLOKIA HTTP ' + r.status() + ' ' + (r.request().postData() || r.url()).slice(0, 4000));
      }
    });
    page.on('requestfailed', q => console.log('REQUESTFAILED ' + q.url() + ' ' + (q.failure() || {}).errorText));
    pageForFailure = page;
    if (cfg.role === 'operator') {
      await operatorRun(page);
    } else {
      await viewerRun(page);
    }
  } catch (e) {
    failed = e;
    if (pageForFailure && cfg.shots) {
      await pageForFailure.screenshot({ path: path.join(cfg.shots, 'failure-' + cfg.role + '.png') }).catch(() => {});
    }
  } finally {
    await browser.close();
  }
  if (failed) {
    console.log('RESULT failed: ' + String(failed.stack || failed).split('\n').slice(0, 8).join(' | '));
    process.exit(1);
  }
  console.log('RESULT ok');
})();
