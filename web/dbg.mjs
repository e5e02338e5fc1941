import { chromium } from "/work/main/web/node_modules/playwright-core/index.mjs";
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
const page = await ctx.newPage();
page.on("console", (m) => { if (!m.text().includes("%c")) console.log("pg:", m.text()); });
await page.goto(`${base}#/lab/http-request/6`);
await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 60000 });
await page.waitForTimeout(3000);
const st = async (p) => JSON.parse(await p.evaluate(() => document.body.dataset.state || "{}"));
const centre = ([x, y, w, h]) => [x + w / 2, y + h / 2];
for (const item of ["Save capture (.pcap)"]) {
  const menu = (await st(page)).widgets["Save ▾"];
  console.log("menu", menu);
  await page.mouse.click(...centre(menu));
  for (let k = 0; k < 10; k++) { await page.waitForTimeout(50); const s = await st(page); console.log(k, JSON.stringify(s.widgets[item]), JSON.stringify(s.widgets["Copy sequence as Mermaid"])); }
  await page.mouse.move(600, 100);
  await page.waitForTimeout(300);
  console.log("after a move", JSON.stringify((await st(page)).widgets[item]));
  const pic = await page.screenshot({ path: "/tmp/menu0.png" });
  console.log("after shot", JSON.stringify((await st(page)).widgets[item]));
  const w = (await st(page)).widgets[item];
  console.log(item, w);
  const t0 = Date.now();
  const [d] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }).catch((e) => String(e).slice(0, 80)), page.mouse.click(...centre(w))]);
  console.log("download", typeof d === "string" ? d : d.suggestedFilename(), Date.now() - t0, "ms; notice:", JSON.stringify((await st(page)).notice || null));
  await page.waitForTimeout(500);
}
await browser.close();
