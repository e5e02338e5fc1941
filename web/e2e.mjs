// Browser end-to-end test of the web build (run by scripts/e2e-web, which serves the site).
// Drives Debian's chromium (never a downloaded browser) with playwright-core; fails on any miss.
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";

const [base, shots] = process.argv.slice(2);
const problems = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) problems.push(what);
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
page.on("console", (m) => { if (m.type() === "error") errors.push(`console.error: ${m.text()}`); });
const state = async () => JSON.parse((await page.evaluate(() => document.body.dataset.state)) || "{}");
const waitState = (predicate, arg, what) =>
  page.waitForFunction(([p, a]) => {
    const s = JSON.parse(document.body.dataset.state || "{}");
    return new Function("s", "a", `return (${p})(s, a)`)(s, a);
  }, [predicate.toString(), arg], { timeout: 60000 }).then(() => true, () => { check(false, what); return false; });

try {
  // 1. The page becomes ready.
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.ready === "true" || document.body.dataset.error, null, { timeout: 180000 });
  const failed = await page.evaluate(() => document.body.dataset.error);
  check(!failed, `the page becomes ready (${Date.now() - t0} ms)${failed ? ": " + failed : ""}`);
  await waitState((s) => s.components && s.components["a-raft"], null, "the app exposes the layout");
  await page.screenshot({ path: `${shots}/ready.png` });
  check((await page.title()).includes("Two computers"), `the tab title names the diagram ("${await page.title()}")`);

  // 2. A click at a component's on-screen position selects it; the hash follows; the panel shows.
  const [x, y, w, h] = (await state()).components["a-raft"];
  const panel = { x: 900, y: 60, width: 360, height: 560 };
  const before = await page.screenshot({ clip: panel });
  // A quick click, as a trackpad or a fast mouse makes it: no hold.
  await page.mouse.click(x + w / 2, y + h / 2);
  await page.waitForFunction(() => location.hash === "#/component/a-raft", null, { timeout: 30000 }).catch(() => {});
  check((await page.evaluate(() => location.hash)) === "#/component/a-raft", "a click selects a-raft and the hash follows");
  await page.waitForTimeout(1500);
  const after = await page.screenshot({ clip: panel });
  await page.screenshot({ path: `${shots}/selected.png` });
  check(Buffer.compare(before, after) !== 0, "the summary panel appears");
  check((await page.title()).startsWith("Raft consensus"), `the tab title follows the selection ("${await page.title()}")`);

  // 3. A write-up link opens it; Back returns to the previous state.
  await page.goto(`${base}#/writeup/raft-protocol`);
  check(await waitState((s) => s.writeup === "raft-protocol", null, "#/writeup/raft-protocol opens the write-up"), "#/writeup/raft-protocol opens the write-up");
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${shots}/writeup.png` });
  check((await page.title()).startsWith("Raft Protocol"), `the tab title names the write-up ("${await page.title()}")`);
  await page.goBack();
  check(await waitState((s) => s.writeup === null && s.selected === "a-raft", null, "Back returns to the selection"), "Back returns to a-raft with the write-up closed");
  check((await page.evaluate(() => location.hash)) === "#/component/a-raft", "Back restores the hash");

  // A cold load of a deep link lands on it.
  const cold = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  cold.on("pageerror", (e) => errors.push(`uncaught (cold): ${e.message}`));
  await cold.goto(`${base}#/component/cable`);
  await cold.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180000 });
  await cold.waitForFunction(() => JSON.parse(document.body.dataset.state || "{}").selected === "cable", null, { timeout: 60000 }).catch(() => {});
  check(JSON.parse(await cold.evaluate(() => document.body.dataset.state)).selected === "cable", "a cold #/component/cable link selects the cable");
  await cold.close();

  // Garbage in the hash is ignored with a visible note, never a crash.
  await page.goto(`${base}#/nowhere/<script>alert(1)</script>`);
  check(await waitState((s) => s.notice && s.notice.includes("does not point"), null, "a garbage hash gives a note"), "a garbage hash is ignored with a visible note");

  // 4. No uncaught errors in the console.
  check(errors.length === 0, `no uncaught errors or console errors${errors.length ? ":\n  " + errors.join("\n  ") : ""}`);
} catch (e) {
  check(false, `the test itself failed: ${e.stack || e}`);
} finally {
  await browser.close();
}
writeFileSync(`${shots}/result.txt`, problems.length ? problems.join("\n") : "pass");
console.log(`e2e-web: ${problems.length ? "FAIL" : "PASS"}`);
process.exit(problems.length ? 1 : 0);
