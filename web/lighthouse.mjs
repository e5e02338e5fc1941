// Lighthouse on the site as a static host serves it, with Debian's chromium (no browser
// download): the four category scores and the metrics behind performance, on the desktop and
// the mobile preset, for each page named.
//
//   node web/lighthouse.mjs BASE-URL PAGE...   (PAGE relative to BASE-URL; "" is the app)
//
// Prints one JSON object: { "<preset> <page>": { scores: {...}, metrics: {...}, failing: [...] } }.
// `failing` lists the audits that cost a score in accessibility, best practices or SEO. With
// LH_DUMP=DIR, each run's whole Lighthouse report is written there too (JSON), to see why.
import lighthouse from "lighthouse";
import desktop from "lighthouse/core/config/desktop-config.js";
import { launch } from "chrome-launcher";
import { writeFileSync } from "node:fs";

const [base, ...pages] = process.argv.slice(2);
if (!base || pages.length === 0) {
  console.error("usage: node web/lighthouse.mjs BASE-URL PAGE...");
  process.exit(2);
}

const PRESETS = { desktop, mobile: undefined }; // undefined: Lighthouse's default, a phone
const METRICS = {
  fcp: "first-contentful-paint",
  lcp: "largest-contentful-paint",
  tbt: "total-blocking-time",
  cls: "cumulative-layout-shift",
  si: "speed-index",
};

const chrome = await launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
  ],
  logLevel: "silent",
});
const out = {};
try {
  for (const [preset, config] of Object.entries(PRESETS)) {
    for (const page of pages) {
      const url = new URL(page, base).href;
      const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error" }, config);
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`${preset} ${page}: ${lhr.runtimeError.message}`);
      const scores = {};
      const failing = [];
      for (const [id, cat] of Object.entries(lhr.categories)) {
        scores[id] = cat.score === null ? null : Math.round(cat.score * 100);
        if (id === "performance") continue;
        for (const ref of cat.auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            const items = (audit.details && audit.details.items) || [];
            const where = items.slice(0, 3).map((i) => (i.node && i.node.selector) || i.selector || i.url || "").filter(Boolean);
            failing.push(`${id}: ${ref.id}${audit.displayValue ? ` (${audit.displayValue})` : ""}${where.length ? ` at ${where.join(", ")}` : ""}`);
          }
        }
      }
      const metrics = {};
      for (const [name, id] of Object.entries(METRICS)) metrics[name] = lhr.audits[id].numericValue;
      if (process.env.LH_DUMP) {
        const file = `${process.env.LH_DUMP}/${preset}-${(page || "app").replace(/\W/g, "_")}.json`;
        writeFileSync(file, JSON.stringify(lhr));
      }
      out[`${preset} ${page || "app"}`] = { scores, metrics, failing };
    }
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(out));
