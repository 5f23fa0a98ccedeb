#!/usr/bin/env python3
"""Checks a report.html in headless Chromium through the DevTools protocol.

    browser_check.py REPORT.html OUT_DIR [WIDTH ...]      (default widths: 390 1280)

For each width: no horizontal overflow, every chart SVG has a non-zero size,
no request leaves the page (only file:/data:/about: URLs), no console error
or exception (a Content-Security-Policy violation counts), and the answer
(#answer) starts on the first screen. Writes first-screen and full-page
screenshots to OUT_DIR. Standard library only (a minimal websocket client).
Exit status 1 when a check fails.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HEIGHT = 900


class Socket:
    """Just enough RFC 6455 for the DevTools protocol: masked text frames out, frames in."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.s = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.s.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.s.recv(1)
            if not chunk:
                raise RuntimeError("websocket handshake failed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket handshake refused: {head!r}")
        self.buf = b""

    def send(self, text):
        data = text.encode()
        n = len(data)
        if n < 126:
            header = bytes([0x81, 0x80 | n])
        elif n < 65536:
            header = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        self.s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._read(2), "big")
            elif n == 127:
                n = int.from_bytes(self._read(8), "big")
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode in (0x1, 0x0, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode()
            elif opcode == 0x8:
                raise RuntimeError("websocket closed by browser")


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    return self.events.pop(i)
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
        raise RuntimeError(f"timed out waiting for {method}")


PROBE = r"""
(() => {
  const doc = document.documentElement;
  const svgs = [...document.querySelectorAll('svg')].map(s => {
    const r = s.getBoundingClientRect();
    return {w: r.width, h: r.height, label: s.getAttribute('aria-label') || ''};
  });
  const answer = document.getElementById('answer');
  const lead = answer && answer.querySelector('.lead');
  const ar = lead ? lead.getBoundingClientRect() : null;
  const urls = [...document.querySelectorAll('[src],[href]')]
    .map(e => e.getAttribute('src') || e.getAttribute('href'))
    .filter(u => /^[a-z]+:/i.test(u));
  return JSON.stringify({
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth,
    bodyHeight: doc.scrollHeight, svgs,
    answerTop: ar ? ar.top : null, answerBottom: ar ? ar.bottom : null,
    answerText: lead ? lead.textContent : null, viewport: innerHeight,
    externalRefs: urls,
  });
})()
"""


def check(browser, html, out, width):
    profile = tempfile.mkdtemp(prefix="hl-chromium-")
    proc = subprocess.Popen(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
         "--remote-debugging-port=0", f"--user-data-dir={profile}",
         f"--window-size={width},{HEIGHT}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = []
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("chromium did not start")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page_ws = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        page = Page(Socket(page_ws))
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=HEIGHT,
                  deviceScaleFactor=1, mobile=width < 600)
        page.call("Page.navigate", url="file://" + os.path.abspath(html))
        page.wait_for("Page.loadEventFired")
        time.sleep(0.3)
        probe = json.loads(page.call("Runtime.evaluate", expression=PROBE,
                                     returnByValue=True)["result"]["value"])
        # Drain events that arrived meanwhile.
        page.call("Runtime.evaluate", expression="1")
        name = f"w{width}"
        shot = page.call("Page.captureScreenshot", format="png")
        with open(os.path.join(out, f"{name}-first-screen.png"), "wb") as fh:
            fh.write(base64.b64decode(shot["data"]))
        full_h = min(int(probe["bodyHeight"]), 16000)
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=full_h,
                  deviceScaleFactor=1, mobile=width < 600)
        time.sleep(0.3)
        shot = page.call("Page.captureScreenshot", format="png")
        with open(os.path.join(out, f"{name}-full.png"), "wb") as fh:
            fh.write(base64.b64decode(shot["data"]))

        if probe["scrollWidth"] > probe["clientWidth"]:
            failures.append(f"horizontal overflow: {probe['scrollWidth']} px content in {probe['clientWidth']} px")
        if not probe["svgs"]:
            failures.append("no chart SVG in the page")
        for s in probe["svgs"]:
            if s["w"] <= 0 or s["h"] <= 0:
                failures.append(f"chart without size: {s}")
        if probe["answerTop"] is None:
            failures.append("no answer (#answer .lead) in the page")
        elif probe["answerBottom"] > HEIGHT:
            failures.append(f"answer not on the first screen (ends at {probe['answerBottom']:.0f} px)")
        if probe["externalRefs"]:
            failures.append(f"external references: {probe['externalRefs']}")
        for e in page.events:
            m, p = e["method"], e.get("params", {})
            if m == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    failures.append(f"request left the page: {url}")
            elif m == "Runtime.exceptionThrown":
                failures.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                failures.append(f"console error: {p.get('args')}")
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                failures.append(f"console error: {p['entry'].get('text')}")
        where = ("answer at {:.0f}-{:.0f} px".format(probe["answerTop"], probe["answerBottom"])
                 if probe["answerTop"] is not None else "no answer")
        print(f"{width} px: {len(probe['svgs'])} charts, page {probe['scrollWidth']}x{probe['bodyHeight']} px, "
              f"{where}: {'ok' if not failures else 'FAILED'}")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return failures


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    html, out = sys.argv[1], sys.argv[2]
    widths = [int(w) for w in sys.argv[3:]] or [390, 1280]
    os.makedirs(out, exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("browser-check: chromium not found")
        return 2
    failures = []
    for w in widths:
        failures += [f"{w} px: {f}" for f in check(browser, html, out, w)]
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
