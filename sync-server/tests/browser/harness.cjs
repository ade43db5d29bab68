// What the browser tests share: checks counted into `N passed, N failed`, screenshots, and
// a headless Chromium (playwright-core from .browser/, Debian's chromium).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require(path.join(process.env.GK_TOOLS, 'node_modules', 'playwright-core'));

const counts = { passed: 0, failed: 0 };

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function check(name, fn) {
  try {
    await fn();
    counts.passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    counts.failed++;
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
}

// The text of an XLSX file's sheets and shared strings (its XML, tags and all).
function xlsxText(file) {
  return execFileSync('python3', ['-c',
    "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(''.join(z.read(n).decode('utf-8') for n in z.namelist() if n.startswith('xl/') and n.endswith('.xml')))",
    file]).toString('utf-8');
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(process.env.GK_SHOTS, `${name}.png`), fullPage: true });
}

// Runs `body(page, context)` in a fresh profile, then prints the counts and exits with them.
function run(body) {
  (async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gk-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.GK_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      locale: 'zh-CN',
    });
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(15000);
    await body(page, context);
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    console.log(`${counts.passed} passed, ${counts.failed} failed`);
    process.exit(counts.failed === 0 ? 0 : 1);
  })().catch((e) => {
    console.log(`FAIL harness: ${e && e.message}`);
    console.log(`${counts.passed} passed, ${counts.failed + 1} failed`);
    process.exit(1);
  });
}

module.exports = { assert, check, shot, run, xlsxText };
