// Renders every page of a site built by `aispec site` in headless Chromium and checks it:
//   - no console errors and no failed requests (the site must be self-contained);
//   - each chart (an <svg class="chart">) is visible and not blank: its box in a screenshot has enough pixels
//     that differ from the page background;
//   - axe-core finds no violations (headings, table headers, contrast, alt text and the rest of its rules).
//
// Usage: node check-site.js SITE_DIR [--screenshot PAGE.html=OUT.png]
// Prints one JSON report on stdout and exits 0 when every page passes, 1 when one fails, 2 when it cannot run.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const CHROMIUM = process.env.AISPEC_CHROMIUM || '/usr/bin/chromium';

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

let playwright;
let axeSource;
try {
  playwright = require('playwright-core');
  axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  fail(`the node modules are missing (${e.message}); run \`npm ci\` in tests/browser`);
}
if (!fs.existsSync(CHROMIUM)) {
  fail(`no Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (or set AISPEC_CHROMIUM)`);
}

const args = process.argv.slice(2);
const siteDir = args[0];
if (!siteDir || !fs.existsSync(siteDir)) fail('usage: node check-site.js SITE_DIR [--screenshot PAGE=OUT.png]');
const screenshots = {};
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--screenshot' && args[i + 1]) {
    const [page, out] = args[i + 1].split('=');
    screenshots[page] = out;
    i++;
  }
}

// Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) into { width, height, channels, pixels }.
function decodePng(buffer) {
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('ascii', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error(`PNG bit depth ${data[8]} is not supported`);
      colorType = data[9];
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (!channels) throw new Error(`PNG colour type ${colorType} is not supported`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += Math.floor((a + b) / 2);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

// Share of pixels in colour (not white, grey or black: the markers and lines, not the frame and grid), and
// how many colours there are.
function inkShare(png) {
  let ink = 0;
  const colours = new Set();
  const total = png.width * png.height;
  for (let i = 0; i < total; i++) {
    const o = i * png.channels;
    const r = png.pixels[o];
    const g = png.pixels[o + 1];
    const b = png.pixels[o + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) ink++;
    colours.add((r >> 4) * 256 + (g >> 4) * 16 + (b >> 4));
  }
  return { share: total ? ink / total : 0, colours: colours.size };
}

async function checkPage(context, file) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) errors.push(`request outside the site: ${r.url()}`);
  });
  await page.goto('file://' + path.resolve(siteDir, file), { waitUntil: 'load' });
  const charts = [];
  for (const svg of await page.locator('svg.chart').all()) {
    const box = await svg.boundingBox();
    const visible = await svg.isVisible();
    const png = decodePng(await svg.screenshot());
    const ink = inkShare(png);
    charts.push({ visible, width: box ? box.width : 0, height: box ? box.height : 0, ink: ink.share, colours: ink.colours });
  }
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  if (screenshots[file]) {
    await page.screenshot({ path: screenshots[file], fullPage: false });
  }
  await page.close();
  const problems = [...errors];
  charts.forEach((c, i) => {
    if (!c.visible || c.width < 50 || c.height < 50) problems.push(`chart ${i + 1} is not visible`);
    else if (c.ink < 0.005 || c.colours < 3) problems.push(`chart ${i + 1} looks blank (${(c.ink * 100).toFixed(1)} % in colour, ${c.colours} colours)`);
  });
  for (const v of axe) problems.push(`axe ${v.id} (${v.impact}): ${v.help} [${v.nodes} element(s)]`);
  return { page: file, charts, axe, problems };
}

(async () => {
  const pages = fs.readdirSync(siteDir).filter((f) => f.endsWith('.html')).sort();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aispec-chromium-'));
  let context;
  try {
    // A fresh profile folder per run (playwright passes it as --user-data-dir).
    context = await playwright.chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
  } catch (e) {
    fail(`Chromium does not start: ${e.message}`);
  }
  const results = [];
  try {
    for (const file of pages) results.push(await checkPage(context, file));
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const ok = results.every((r) => r.problems.length === 0);
  process.stdout.write(JSON.stringify({ ok, pages: results }, null, 2) + '\n');
  process.exit(ok ? 0 : 1);
})().catch((e) => fail(e.stack || String(e)));
