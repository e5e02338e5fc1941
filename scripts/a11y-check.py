#!/usr/bin/python3
"""Reads the running explorer through AT-SPI, as a Linux screen reader (Orca) does.

  a11y-check.py tree            the diagram is a tree of named parts ("Raft consensus" inside
                                "Database node" inside "Computer A") and the top bar's buttons
                                are readable
  a11y-check.py focus NAME      the screen reader's focus lands on NAME
  a11y-check.py activate NAME   does NAME's first action ("click"), as a screen reader user does
  a11y-check.py heading NAME    a heading named NAME is there (the open write-up's title)
  a11y-check.py starts TEXT     a node whose name starts with TEXT is there (the lab's live line)

Exits non-zero with a line starting FAIL on any failure. Used by scripts/e2e-desktop.
"""
import sys
import time

import pyatspi


def app():
    desktop = pyatspi.Registry.getDesktop(0)
    for _ in range(150):
        for a in desktop:
            if a is not None and a.name and "autochitect" in a.name.lower():
                return a
        time.sleep(0.2)
    names = [a.name for a in desktop if a is not None]
    raise SystemExit(f"FAIL: no autochitect application on the AT-SPI bus (found {names})")


def walk(node):
    yield node
    try:
        count = node.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        if child is not None:
            yield from walk(child)


def ancestors(node):
    out = []
    p = node.parent
    while p is not None:
        out.append(p.name)
        p = p.parent
    return out


def find(root, name, roles=None, inside=None, seconds=30):
    """The first node named `name` (with one of `roles`, inside a node named `inside`)."""
    deadline = time.time() + seconds
    while True:
        for node in walk(root):
            try:
                if (
                    node.name == name
                    and (roles is None or node.getRoleName() in roles)
                    and (inside is None or inside in ancestors(node))
                ):
                    return node
            except Exception:
                continue
        if time.time() > deadline:
            return None
        time.sleep(0.5)


def names(root):
    return sorted({n.name for n in walk(root) if n.name})


def tree(a):
    raft = find(a, "Raft consensus", {"tree item"}, inside="Computer A")
    if raft is None:
        raise SystemExit(f"FAIL: no tree item 'Raft consensus'; names: {names(a)[:60]}")
    chain = ancestors(raft)
    print("ok   'Raft consensus' is a", raft.getRoleName(), "inside", " › ".join(chain[:3]))
    if chain[:2] != ["Database node", "Computer A"]:
        raise SystemExit(f"FAIL: 'Raft consensus' is not inside Database node inside Computer A: {chain}")
    description = raft.description or ""
    if "Database node" not in description:
        raise SystemExit(f"FAIL: the description does not say where the part is: {description!r}")
    print("ok   its description says where it is:", description[:80] + "…")
    buttons = [n.name for n in walk(a) if n.name and n.getRoleName() in ("push button", "button")]
    if "Fit view" not in buttons:
        raise SystemExit(f"FAIL: the top bar's buttons are not readable: {buttons[:20]}")
    print("ok   the top bar's buttons are readable:", ", ".join(buttons[:6]))


def focus(a, want):
    deadline = time.time() + 20
    while time.time() < deadline:
        for node in walk(a):
            try:
                if node.name == want and node.getState().contains(pyatspi.STATE_FOCUSED):
                    print(f"ok   the screen reader's focus is on '{want}'")
                    return
            except Exception:
                continue
        time.sleep(0.3)
    focused = [n.name for n in walk(a) if n.getState().contains(pyatspi.STATE_FOCUSED)]
    raise SystemExit(f"FAIL: '{want}' does not have the focus (focused: {focused})")


def activate(a, name):
    node = find(a, name)
    if node is None:
        raise SystemExit(f"FAIL: nothing named '{name}'")
    action = node.queryAction()
    if action.nActions < 1:
        raise SystemExit(f"FAIL: '{name}' offers no action")
    action.doAction(0)
    print(f"ok   did '{action.getName(0)}' on '{name}'")


def heading(a, name):
    node = find(a, name, {"heading"})
    if node is None:
        headings = [n.name for n in walk(a) if n.getRoleName() == "heading"]
        raise SystemExit(f"FAIL: no heading '{name}' (headings: {headings[:20]})")
    count = sum(1 for n in walk(a) if n.getRoleName() == "heading")
    print(f"ok   the heading '{name}' is readable ({count} headings in all)")


def starts(a, text):
    deadline = time.time() + 30
    while time.time() < deadline:
        for node in walk(a):
            try:
                if node.name and node.name.startswith(text):
                    print(f"ok   the screen reader reads '{node.name[:70]}…' ({node.getRoleName()})")
                    return
            except Exception:
                continue
        time.sleep(0.5)
    raise SystemExit(f"FAIL: nothing read starts with '{text}'; names: {names(a)[:60]}")


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    a = app()
    if what == "tree":
        tree(a)
    elif what == "focus" and len(sys.argv) == 3:
        focus(a, sys.argv[2])
    elif what == "activate" and len(sys.argv) == 3:
        activate(a, sys.argv[2])
    elif what == "heading" and len(sys.argv) == 3:
        heading(a, sys.argv[2])
    elif what == "starts" and len(sys.argv) == 3:
        starts(a, sys.argv[2])
    else:
        raise SystemExit(__doc__)


main()
