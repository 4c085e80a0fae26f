"""Interop peer for test/interop/python.interop.test.ts: a Python `websockets` server (Debian python3-websockets).

Run with Debian's interpreter: /usr/bin/python3 test/interop/python_echo_server.py
It listens on 127.0.0.1, port 0, and prints one JSON object per line on stdout:
  {"event": "listening", "port": 12345, "version": "10.4"}
  {"event": "closed", "id": "...", "code": 1000, "reason": "..."}   # what the client's Close frame carried

Paths (the same contract as the ws and nginx peers, see test/interop/peers.ts):
  /echo?id=X                      echo every message (text as text, binary as binary)
  /echo-fragmented?id=X           echo every message as 3 fragments
  /close?id=X&code=C&reason=R     close at once with code C and reason R
Subprotocols: the server picks the first of ["superchat", "chat"] that the client offered, else none.
"""

import asyncio
import json
import sys
import urllib.parse

import websockets

SUPPORTED = ["superchat", "chat"]


def report(**event):
    print(json.dumps(event), flush=True)


def select_subprotocol(offered):
    for protocol in SUPPORTED:
        if protocol in offered:
            return protocol
    return None


def thirds(message):
    step = max(1, len(message) // 3)
    return [message[:step], message[step : 2 * step], message[2 * step :]]


async def handle(ws, path):
    url = urllib.parse.urlsplit(path)
    query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
    connection_id = query.get("id", "")
    try:
        if url.path == "/close":
            await ws.close(int(query["code"]), query.get("reason", ""))
        else:
            async for message in ws:
                if url.path == "/echo-fragmented":
                    await ws.send(thirds(message))
                else:
                    await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    report(event="closed", id=connection_id, code=ws.close_code, reason=ws.close_reason)


async def main():
    common = dict(
        compression=None,
        max_size=None,
        ping_interval=None,
        subprotocols=SUPPORTED,
    )
    try:
        # websockets >= 13: the new asyncio implementation.
        from websockets.asyncio.server import serve

        async def handler(ws):
            await handle(ws, ws.request.path)

        server = await serve(handler, "127.0.0.1", 0, select_subprotocol=lambda ws, offered: select_subprotocol(offered), **common)
    except ImportError:
        # websockets 10-12 (Debian 12 ships 10.4): the legacy implementation.
        async def handler(ws, path=None):
            await handle(ws, path if path is not None else ws.path)

        server = await websockets.serve(handler, "127.0.0.1", 0, select_subprotocol=lambda offered, _: select_subprotocol(offered), **common)
    port = next(iter(server.sockets)).getsockname()[1]
    report(event="listening", port=port, version=websockets.__version__)
    await asyncio.Future()  # until the test kills the process


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
