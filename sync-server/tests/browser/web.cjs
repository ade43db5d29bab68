// Real-browser test of the supervisor pages, run by scripts/test-browser: headless Chromium
// driven by playwright-core against a relay seeded by the `web_fixture` example.
'use strict';
const { assert, check, shot, run, xlsxText } = require('./harness.cjs');
const os = require('os');
const path = require('path');

const base = process.env.GK_BASE;
const password = process.env.GK_PASSWORD;

async function signIn(page, name) {
  await page.goto(`${base}/login`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/r\/population/), page.click('#signin')]);
}

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(os.tmpdir(), `gk-${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(file);
  return file;
}

run(async (page, context) => {

  await check('signed-out pages lead to the sign-in form', async () => {
    await page.goto(`${base}/r/population?node=s1`);
    assert(page.url().includes('/login'), page.url());
    await shot(page, '01-login');
  });

  await check('administrator signs in', async () => {
    await signIn(page, 'root');
  });

  await check('drill down street → community → grid → record', async () => {
    await page.goto(`${base}/r/population?node=s1`);
    await shot(page, '02-street-population');
    await Promise.all([page.waitForURL(/node=c1/), page.click('#figures a:has-text("幸福社区")')]);
    await shot(page, '03-community-population');
    await Promise.all([page.waitForURL(/node=g1/), page.click('#figures a:has-text("第一网格")')]);
    await Promise.all([page.waitForURL(/\/l\/households/), page.click('#figures tr.total a[href^="/l/households"]')]);
    await shot(page, '04-grid-households');
    await Promise.all([page.waitForURL(/\/rec\//), page.click('#records a[href^="/rec/"] >> nth=0')]);
    const history = await page.locator('#history tbody tr').count();
    assert(history >= 2, `history rows: ${history}`);
    assert(await page.locator('#members').innerText().then((t) => t.includes('11010519491231002X')), 'admin sees the ID number whole');
    await shot(page, '05-record');
  });

  await check('charts are inline SVG on the report pages', async () => {
    for (const [report, name] of [['cases', '06-cases'], ['visits', '07-visits'], ['inspections', '08-inspections']]) {
      await page.goto(`${base}/r/${report}?node=s1`);
      const charts = await page.locator('svg.chart').count();
      assert(charts >= 1, `${report}: ${charts} charts`);
      await shot(page, name);
    }
  });

  await check('readable on a 768 px tablet (no page-wide horizontal scroll)', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${base}/r/cases?node=s1`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 768, `page is ${width}px wide`);
    await shot(page, '09-cases-tablet');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('every page readable on a 390 px phone: nothing wider than the screen, no sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/r/population?node=s1`);
    const nav = await page.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('href')));
    const pages = [...new Set([...nav, '/r/cases?node=g1', '/l/households?node=g1', '/l/members?node=c1', '/l/cases?node=s1',
      '/ledgers/hazards?node=s1', '/ledgers/daily_log?node=c1', '/ledgers/special_groups?node=g1'])];
    assert(pages.length >= 8, `pages: ${pages}`);
    for (const p of pages) {
      await page.goto(`${base}${p}`);
      const wide = await page.evaluate(() => {
        const out = [];
        const vw = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > vw) out.push(`the page, ${document.documentElement.scrollWidth}px`);
        for (const el of document.querySelectorAll('table, svg.chart, form, img')) {
          const r = el.getBoundingClientRect();
          if (r.right > vw + 0.5) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} to ${Math.round(r.right)}px`);
        }
        return out;
      });
      assert(wide.length === 0, `${p} at 390 px: ${wide.join(', ')}`);
      await shot(page, `390${p.replace(/[^a-z0-9]+/gi, '-')}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('administrator downloads an XLSX with Chinese headers and whole numbers', async () => {
    await page.goto(`${base}/l/members?node=c1`);
    const file = await download(page, '#export-xlsx');
    const text = xlsxText(file);
    assert(text.includes('姓名') && text.includes('身份证号'), 'headers');
    assert(text.includes('张大爷'), 'a resident');
    assert(text.includes('11010519491231002X'), 'whole ID number for an administrator');
  });

  await check('administration page', async () => {
    await page.goto(`${base}/admin`);
    assert(await page.locator('#devices tr').count() >= 2, 'devices listed');
    assert(await page.locator('#audit tr').count() >= 1, 'the export was logged');
    await shot(page, '10-admin');
  });

  await check('administrator uploads an XLSForm, reads the import report, publishes it', async () => {
    await page.goto(`${base}/admin`);
    const form = page.locator('#template-upload');
    await form.locator('input[name=id]').fill('shop_check');
    await form.locator('input[name=version]').fill('1');
    await form.locator('input[name=file]').setInputFiles(process.env.GK_XLSFORM);
    await Promise.all([page.waitForURL(/\/admin\/templates$/), form.locator('button').click()]);
    const issues = await page.locator('#issues').innerText();
    assert(issues.includes('survey') && issues.includes('4') && issues.includes('type'), `import report: ${issues}`);
    assert(issues.includes('不支持类型 date；此行已跳过'), `why, in words: ${issues}`);
    const items = await page.locator('table.items').innerText();
    assert(items.includes('安全出口畅通') && items.includes('疏散通道') && items.includes('燃气'), `items in words: ${items}`);
    await shot(page, '11-template-draft');
    await Promise.all([page.waitForURL(/\/publish$/), page.click('#publish')]);
    assert((await page.locator('#template-status').innerText()).includes('已发布'), 'published');
    assert(await page.locator('#publish').count() === 0, 'no publish button once frozen');
    await page.goto(`${base}/admin`);
    assert((await page.locator('#templates').innerText()).includes('shop_check'), 'listed');
  });

  await check('sign out', async () => {
    await Promise.all([page.waitForURL(/\/login/), page.click('#logout')]);
    const resp = await page.goto(`${base}/r/population?node=s1`);
    assert(page.url().includes('/login'), `after sign-out: ${page.url()} ${resp && resp.status()}`);
  });

  await check('supervisor of community A signs in', async () => {
    await signIn(page, 'super-c1');
  });

  await check('supervisor of community A gets 403 for community B page', async () => {
    const resp = await page.goto(`${base}/r/population?node=c2`);
    assert(resp.status() === 403, `status ${resp.status()}`);
    await shot(page, '11-forbidden');
    const list = await page.goto(`${base}/l/members?node=g3`);
    assert(list.status() === 403, `list status ${list.status()}`);
  });

  await check('supervisor of community A gets 403 for community B exports', async () => {
    for (const url of ['/x/r/population?node=c2&format=xlsx', '/x/l/members?node=c2&format=csv', '/x/l/members?node=g3&format=xlsx']) {
      const r = await page.request.get(`${base}${url}`);
      assert(r.status() === 403, `${url}: ${r.status()}`);
    }
  });

  await check('supervisor export is masked', async () => {
    await page.goto(`${base}/l/members?node=c1`);
    const file = await download(page, '#export-xlsx');
    const text = xlsxText(file);
    assert(text.includes('110105********002X'), 'masked ID number');
    assert(!text.includes('11010519491231002X'), 'no whole ID number');
    assert(text.includes('138****5678'), 'masked phone');
  });

  await check('English switch', async () => {
    await page.goto(`${base}/r/cases?node=c1`);
    await Promise.all([page.waitForNavigation(), page.click('header a:has-text("English")')]);
    const body = await page.locator('body').innerText();
    assert(body.includes('Cases'), 'English title');
    await shot(page, '12-cases-english');
  });
});
