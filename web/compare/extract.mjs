// Reads the built page (dist/index.html, with its scripts off) and writes what the React
// version of its first screen needs, as JSON: the page's styles, the top bar and the figure as
// element trees, and each part's and write-up's summary as data (from the templates
// `autochitect site` writes). Usage: node extract.mjs DIST OUT.json
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

const [dist, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
await page.goto(`file://${resolve(dist, "index.html")}`);
const data = await page.evaluate(() => {
  // An element as [tag, attributes, children]; text as a string.
  const tree = (n) => (n.nodeType === Node.TEXT_NODE ? n.textContent
    : [n.localName, Object.fromEntries([...n.attributes].map((a) => [a.name, a.value])),
       [...n.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE || c.nodeType === Node.ELEMENT_NODE).map(tree)]);
  const text = (root, selector) => { const e = root.querySelector(selector); return e ? e.textContent : null; };
  const parts = {}, writeups = {};
  for (const t of document.querySelectorAll('template[id^="answer-"]')) {
    const c = t.content;
    if (t.id.startsWith("answer-writeup-")) {
      writeups[t.id.slice("answer-writeup-".length)] = {
        title: text(c, "h3"), href: c.querySelector("a.read").getAttribute("href"), date: text(c, "p.weak"),
        tags: [...c.querySelectorAll("ul.tags li")].map((li) => li.textContent),
        summary: text(c, "ul.tags + p"),
        properties: [...c.querySelectorAll("tr")].map((tr) => [text(tr, "th"), text(tr, "td")]),
        related: [...c.querySelectorAll("ul.related a")].map((a) => [a.textContent, a.getAttribute("href")]),
      };
    } else {
      const ps = [...c.querySelectorAll("p")];
      parts[t.id.slice("answer-".length)] = {
        title: text(c, "h2"), place: ps[0] ? ps[0].textContent : "", description: ps[1] && !ps[1].querySelector("em") ? ps[1].textContent : null,
        writeup: t.dataset.writeup || null, none: text(c, "em"),
      };
    }
  }
  return {
    style: [...document.querySelectorAll("style")].map((s) => s.textContent).join("\n"),
    lang: document.documentElement.lang, title: document.title,
    // The bar without its "Loading the explorer…" note: this page has no app to wait for.
    bar: tree(((bar) => { bar.querySelectorAll(".note").forEach((n) => n.remove()); return bar; })(document.getElementById("bar").cloneNode(true))),
    figure: tree(document.querySelector("#first-paint svg")),
    parts, writeups,
  };
});
await browser.close();
writeFileSync(out, JSON.stringify(data));
console.log(`${out}: ${Object.keys(data.parts).length} parts, ${Object.keys(data.writeups).length} write-ups`);
