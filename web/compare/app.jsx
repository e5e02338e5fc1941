// The page's first screen written the way a React diagram site is: the figure and the top bar
// rendered by React from data bundled with the script, a click on a part shows its summary in a
// panel (the same place and look as the page's), Esc or ✕ closes it, and the address follows the
// selection. Built by esbuild for scripts/bench-web's comparison row; not shipped.
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import data from "./dist/data.json";

// DOM attribute names as React spells them.
const named = { class: "className", for: "htmlFor", tabindex: "tabIndex", "xlink:href": "xlinkHref", "xml:space": "xmlSpace" };
const reactName = (k) => named[k] || (k.startsWith("data-") || k.startsWith("aria-") ? k : k.replace(/-([a-z])/g, (_, c) => c.toUpperCase()));
const styleObject = (s) => Object.fromEntries(s.split(";").filter((d) => d.includes(":")).map((d) => {
  const [k, ...v] = d.split(":");
  return [k.trim().replace(/-([a-z])/g, (_, c) => c.toUpperCase()), v.join(":").trim()];
}));

const partOf = (href) => (href && href.startsWith("#/component/") ? decodeURIComponent(href.slice(12)) : null);
const fromAddress = () => partOf(location.hash);

function Element({ node, choose, selected }) {
  if (typeof node === "string") return node;
  const [tag, attrs, children] = node;
  const props = {};
  for (const [k, v] of Object.entries(attrs)) props[reactName(k)] = k === "style" ? styleObject(v) : v;
  const part = tag === "a" ? partOf(attrs.href) : null;
  if (part) {
    props.onClick = (e) => { e.preventDefault(); choose(part); };
    if (part === selected) props.className = `${props.className || ""} selected`.trim();
  }
  const Tag = tag;
  return <Tag {...props}>{children.map((c, i) => <Element key={i} node={c} choose={choose} selected={selected} />)}</Tag>;
}

function Summary({ id, choose }) {
  const part = data.parts[id];
  if (!part) return null;
  const w = part.writeup && data.writeups[part.writeup];
  return <>
    <h2>{part.title}</h2>
    <p className="weak">{part.place}</p>
    {part.description && <p>{part.description}</p>}
    <hr />
    {w ? <>
      <h3>{w.title}</h3>
      <a className="read" href={w.href}>Read write-up →</a>
      <p className="weak">{w.date}</p>
      <ul className="tags">{w.tags.map((t) => <li key={t}>{t}</li>)}</ul>
      <p>{w.summary}</p>
      <h4>Key properties</h4>
      <table><tbody>{w.properties.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{v}</td></tr>)}</tbody></table>
      {w.related.length > 0 && <>
        <h4>Related topics</h4>
        <ul className="related">{w.related.map(([t, href]) => <li key={href}>
          <a href={href} onClick={(e) => { if (partOf(href)) { e.preventDefault(); choose(partOf(href)); } }}>{t}</a>
        </li>)}</ul>
      </>}
    </> : <p className="weak"><em>{part.none}</em></p>}
  </>;
}

function App() {
  const [selected, setSelected] = useState(fromAddress);
  const choose = (id) => {
    history.pushState(null, "", id ? `#/component/${encodeURIComponent(id)}` : "#/");
    setSelected(id);
  };
  useEffect(() => {
    const onHash = () => setSelected(fromAddress());
    const onKey = (e) => { if (e.key === "Escape") choose(null); };
    addEventListener("hashchange", onHash);
    addEventListener("keydown", onKey);
    return () => { removeEventListener("hashchange", onHash); removeEventListener("keydown", onKey); };
  }, []);
  return <>
    <Element node={data.bar} choose={choose} selected={selected} />
    <main>
      <div id="first-paint"><Element node={data.figure} choose={choose} selected={selected} /></div>
    </main>
    <aside id="first-answer" aria-label="Summary" hidden={!selected}>
      <button type="button" className="close" aria-label="Close the summary" onClick={() => choose(null)}>✕</button>
      <div className="body">{selected && <Summary id={selected} choose={choose} />}</div>
    </aside>
  </>;
}

createRoot(document.getElementById("root")).render(<App />);
