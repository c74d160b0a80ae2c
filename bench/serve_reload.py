#!/usr/bin/env python3
"""Edit-to-reload in a real browser, for bench/serve-reload.sh.

Drives headless Chromium over the DevTools protocol (a WebSocket; a minimal client from the
standard library, so nothing to install): opens PAGE_URL, then EDITS times appends a line to
SOURCE and waits for the open page's next load event. For each edit it prints the time from the
file's modification time (st_mtime_ns, after the write) to the page's load event
(performance.timing.loadEventStart, the same clock: one machine).

usage: serve_reload.py DEVTOOLS_PORT PAGE_URL SOURCE EDITS [LATENCIES_FILE]
"""
import base64
import json
import os
import socket
import statistics
import struct
import sys
import time
import urllib.request


class DevTools:
    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("DevTools closed the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.next_id = 0
        self.events = []

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            data += chunk
        return data

    def _send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _message(self):
        text = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            data = self._recv_exact(n)
            if b0 & 0x0F == 0x8:
                raise RuntimeError("DevTools closed the WebSocket")
            if b0 & 0x0F in (0x1, 0x0):
                text += data
                if b0 & 0x80:
                    return json.loads(text)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            m = self._message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, deadline):
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e.get("method") == name:
                    del self.events[i]
                    return e
            self.sock.settimeout(max(0.1, deadline - time.time()))
            try:
                self.events.append(self._message())
            except socket.timeout:
                break
        raise RuntimeError(f"no {name} within the time allowed")


def main():
    port, url, source, edits = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    targets = []
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
            if any(t.get("type") == "page" for t in targets):
                break
        except OSError:
            pass
        time.sleep(0.1)
    page = next(t for t in targets if t.get("type") == "page")
    dt = DevTools(page["webSocketDebuggerUrl"])
    dt.call("Page.enable")
    dt.call("Page.navigate", url=url)
    dt.wait_event("Page.loadEventFired", time.time() + 60)
    # The reload script's first long poll must be waiting before the first edit.
    time.sleep(1.0)
    latencies = []
    for i in range(edits):
        with open(source, "a", encoding="utf-8") as f:
            f.write(f"\n- Edited for the reload benchmark ({i}).\n")
        mtime_ms = os.stat(source).st_mtime_ns / 1e6
        dt.wait_event("Page.loadEventFired", time.time() + 120)
        loaded_ms = dt.call("Runtime.evaluate", expression="performance.timing.loadEventStart", returnByValue=True)["result"]["value"]
        shown = dt.call("Runtime.evaluate", expression=f"document.body.textContent.indexOf('benchmark ({i})') >= 0",
                        returnByValue=True)["result"]["value"]
        if not shown:
            raise RuntimeError(f"edit {i}: the reloaded page does not show the edit")
        latencies.append((loaded_ms - mtime_ms) / 1000)
        print(f"edit {i + 1}: {latencies[-1]:.3f} s from save to load event", flush=True)
        time.sleep(0.5)
    if len(sys.argv) > 5:
        with open(sys.argv[5], "w") as f:
            f.write("".join(f"{x:.4f}\n" for x in latencies))
    print(f"save to reloaded page, median of {edits}: {statistics.median(latencies):.3f} s "
          f"(min {min(latencies):.3f}, max {max(latencies):.3f})")


if __name__ == "__main__":
    main()
