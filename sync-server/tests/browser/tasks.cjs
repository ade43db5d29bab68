// Tasks over the demo street (issue 20 item 1), run by scripts/test-browser: headless
// Chromium signed in as the demo's community supervisor gives a visit task for one household
// of a grid from the tasks page; the grid's simulated worker phone (a real store, driven with
// `gk`) records the visit and syncs through the real relay; the supervisor reloads the task
// and sees it done, by whom — at 1280 px and at 390 px.
'use strict';
const path = require('path');
const { execFileSync } = require('child_process');
const { assert, check, shot, run } = require('./harness.cjs');

const base = process.env.GK_DEMO_BASE;
const password = process.env.GK_PASSWORD;
const devices = process.env.GK_DEMO_DEVICES;
const gk = process.env.GK_CLI;

function phone(grid, ...args) {
  return execFileSync(gk, ['--db', path.join(devices, `${grid}-worker.db`), ...args]).toString('utf-8');
}

run(async (page) => {
  let grid = '';
  let household = '';
  let taskUrl = '';
  const due = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);

  await check('the supervisor gives a visit task from the tasks page', async () => {
    await page.goto(`${base}/login`);
    await page.fill('#name', '李建国');
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(/\/r\/population/), page.click('#signin')]);
    await page.click('header nav a[href="/tasks"]');
    const first = page.locator('#grids a').first();
    grid = new URL(await first.getAttribute('href'), base).searchParams.get('grid');
    await first.click();
    await page.fill('input[name="title"]', '寒潮前走访独居老人');
    await page.selectOption('select[name="task_type"]', 'visit');
    await page.fill('input[name="due_on"]', due);
    const box = page.locator('#targets input[name="target"]').first();
    household = await box.getAttribute('value');
    await box.check();
    await shot(page, 'tasks-give-1280');
    await Promise.all([page.waitForURL(/\/tasks\/[0-9a-f-]+$/), page.click('#give-task')]);
    taskUrl = page.url();
    const summary = await page.locator('#task-summary').innerText();
    assert(summary.includes('已完成 0/1'), `summary: ${summary}`);
    assert((await page.locator('#task-targets tr.open').count()) === 1, 'one target open');
  });

  await check('the grid\'s phone gets the task and its visit completes it through the sync', async () => {
    const first = JSON.parse(phone(grid, 'sync', '--json'));
    assert(first, 'sync summary');
    const agenda = phone(grid, 'agenda');
    assert(agenda.includes('寒潮前走访独居老人'), `the phone's agenda: ${agenda.slice(0, 400)}`);
    phone(grid, 'add', 'visit', '--grid', grid, '--json',
      JSON.stringify({ subject: { kind: 'household', id: household }, visited_at: '', findings: '已送棉被' }));
    phone(grid, 'sync', '--json');
    const after = phone(grid, 'agenda');
    assert(!after.includes('寒潮前走访独居老人'), 'done tasks leave the agenda');
  });

  await check('the supervisor sees it done, at 1280 px and 390 px', async () => {
    await page.goto(taskUrl);
    const summary = await page.locator('#task-summary').innerText();
    assert(summary.includes('已完成 1/1'), `summary: ${summary}`);
    const row = await page.locator('#task-targets tbody tr').first().innerText();
    assert(row.includes('走访') && !row.includes('未完成'), `row: ${row}`);
    assert((await page.locator('#task-workers li').count()) === 1, 'one worker did it');
    await shot(page, 'task-done-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const url of [taskUrl, `${base}/tasks`]) {
      await page.goto(url);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 390, `${url} is ${width}px wide at 390 px`);
    }
    await shot(page, 'tasks-390');
    await page.goto(taskUrl);
    await shot(page, 'task-done-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/tasks`);
    const listed = await page.locator('#tasks').innerText();
    assert(listed.includes('寒潮前走访独居老人') && listed.includes('1/1'), `tasks list: ${listed}`);
  });
});
