// Record pages over the demo street (issue #24), run by scripts/test-browser: headless
// Chromium signed in as the demo's community supervisor (李建国, 幸福社区) opens one record
// of every kind from the lists, screenshots it at 1280 px and 390 px, and checks it is in
// words (no snake_case identifier, no JSON), masked, linked both ways; settles a conflict
// from the page; and walks every report, list and CSV export of the community in Chinese.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { assert, check, shot, run, xlsxText } = require('./harness.cjs');

const base = process.env.GK_DEMO_BASE;
const password = process.env.GK_PASSWORD;
const node = 'xf-1';

// ASCII snake_case words (`owner_occupied`) in text a person reads; ids and codes have none.
function snakeWords(text) {
  return [...new Set(text.split(/[^A-Za-z0-9_]+/).filter((w) => {
    const parts = w.split('_');
    return parts.length > 1 && parts.every((p) => /^[a-z]+$/.test(p));
  }))];
}

// What each kind's page must show, and which of its records to prefer: one with a
// conflict, a failed item, a timeline of several steps.
const KINDS = [
  ['households', '住户', ['住址', '住房类型', '成员', '与户主关系', '户籍类型', '年龄'], '#conflicts'],
  ['places', '场所', ['名称', '场所类型', '负责人'], '#referrers'],
  ['visits', '走访', ['走访对象', '走访时间', '走访事由'], '#fields a[href^="/rec/"]'],
  ['inspections', '巡查', ['巡查对象', '巡查模板', '检查项', '结果'], 'tr.warn'],
  ['cases', '事件', ['状态', '类别', '办理时限', '办理经过'], '#timeline tbody tr:nth-child(3)'],
  ['mediations', '矛盾调解', ['纠纷类型', '当事人', '风险等级'], '#sessions'],
  ['activities', '活动', ['主题', '活动类型', '参与人次'], null],
];

run(async (page, context) => {
  const records = {};

  await check('the demo community supervisor signs in', async () => {
    await page.goto(`${base}/login`);
    await page.fill('#name', '李建国');
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(/\/r\/population/), page.click('#signin')]);
  });

  for (const [list, kindName, labels, prefer] of KINDS) {
    const kind = list.replace(/ies$/, 'y').replace(/s$/, '');
    await check(`one ${kind} in words at 1280 px and 390 px`, async () => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${base}/l/${list}?node=${node}`);
      const links = await page.locator('#records a[href^="/rec/"]').evaluateAll(
        (as) => as.map((a) => a.getAttribute('href')));
      assert(links.length > 0, `no ${list} in the demo`);
      let chosen = links[0];
      if (prefer) {
        for (const href of links.slice(0, 30)) {
          await page.goto(`${base}${href}`);
          if (await page.locator(prefer).count() > 0) { chosen = href; break; }
        }
      }
      records[list] = chosen;
      await page.goto(`${base}${chosen}`);
      const text = await page.locator('main').innerText();
      assert(text.startsWith(kindName) || text.includes(`${kindName} ·`), `kind in words: ${text.slice(0, 80)}`);
      for (const l of labels) assert(text.includes(l), `label ${l}`);
      assert(snakeWords(text).length === 0, `identifiers: ${snakeWords(text).join(' ')}`);
      assert(!text.includes('{"') && !text.includes('":'), 'JSON on the page');
      assert(!/\d{6}(19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]/.test(text), 'a whole ID number shown to a supervisor');
      assert(!/1[3-9]\d{9}/.test(text), 'a whole phone number shown to a supervisor');
      await shot(page, `rec-${kind}-1280`);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}${chosen}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 390, `page is ${width}px wide at 390 px`);
      await shot(page, `rec-${kind}-390`);
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  }

  await check('links both ways: visit → household → its visits', async () => {
    await page.goto(`${base}${records.visits}`);
    const home = await page.locator('#fields a[href^="/rec/"]').first().getAttribute('href');
    await Promise.all([page.waitForURL(new RegExp(home)), page.click(`#fields a[href="${home}"]`)]);
    assert((await page.locator('main').innerText()).includes('住址'), 'a household');
    const back = await page.locator('#referrers a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(back.includes(records.visits), `the household lists the visit: ${back}`);
  });

  await check('a case raised by an inspection links to it, and the inspection to the case', async () => {
    await page.goto(`${base}${records.inspections}`);
    const caseLink = await page.locator('tr.warn a[href^="/rec/"]').first().getAttribute('href');
    await page.goto(`${base}${caseLink}`);
    const source = await page.locator('#fields a[href^="/rec/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(source.includes(records.inspections), `case → inspection: ${source}`);
  });

  // The value not shown now, so the pick changes what the record shows.
  await check('the supervisor settles a conflict from the page', async () => {
    await page.goto(`${base}${records.households}`);
    const before = await page.locator('.conflict').count();
    assert(before > 0, 'a household with a conflict');
    await Promise.all([page.waitForURL(/\/rec\//), page.locator('.conflict tr:not(:has(.chip)) form.pick button').first().click()]);
    const after = await page.locator('.conflict').count();
    assert(after === before - 1, `conflicts ${before} → ${after}`);
    const history = await page.locator('#history').innerText();
    assert(history.includes('李建国 改了'), 'the pick is in the history under the supervisor');
    await shot(page, 'rec-household-settled');
  });

  await check('every report, list and export (CSV, XLSX) of the community in Chinese, no identifiers', async () => {
    const reports = ['population', 'visits', 'inspections', 'cases', 'mediations', 'activities', 'workers'];
    const lists = ['households', 'members', 'visits', 'places', 'inspections', 'cases', 'mediations', 'activities'];
    const bad = [];
    for (const n of [node, 'xf-1-01']) {
      for (const url of [...reports.map((r) => `/r/${r}?node=${n}`), ...lists.map((l) => `/l/${l}?node=${n}`)]) {
        await page.goto(`${base}${url}`);
        const words = snakeWords(await page.locator('body').innerText());
        if (words.length) bad.push(`${url}: ${words.join(' ')}`);
      }
      for (const url of [...reports.map((r) => `/x/r/${r}?node=${n}&format=csv`), ...lists.map((l) => `/x/l/${l}?node=${n}&format=csv`)]) {
        const r = await page.request.get(`${base}${url}`);
        assert(r.status() === 200, `${url}: ${r.status()}`);
        const words = snakeWords(await r.text());
        if (words.length) bad.push(`${url}: ${words.join(' ')}`);
      }
      // The XLSX form of the same exports: cell text only, the XML's own tags left out.
      for (const url of [...reports.map((r) => `/x/r/${r}?node=${n}&format=xlsx`), ...lists.map((l) => `/x/l/${l}?node=${n}&format=xlsx`)]) {
        const r = await page.request.get(`${base}${url}`);
        assert(r.status() === 200, `${url}: ${r.status()}`);
        const file = path.join(os.tmpdir(), `gk-records-${Date.now()}.xlsx`);
        fs.writeFileSync(file, await r.body());
        const cells = xlsxText(file).replace(/<[^>]*>/g, ' ');
        fs.rmSync(file);
        const words = snakeWords(cells);
        if (words.length) bad.push(`${url}: ${words.join(' ')}`);
      }
    }
    assert(bad.length === 0, bad.join('; '));
  });

  await check('a record under the English switch', async () => {
    await page.goto(`${base}${records.households}`);
    await Promise.all([page.waitForNavigation(), page.click('header a:has-text("English")')]);
    const text = await page.locator('main').innerText();
    assert(text.includes('Housing') && text.includes('Members'), 'English labels');
    await shot(page, 'rec-household-english');
  });
});
