"""Compression interop peer: a Python `websockets` echo server with permessage-deflate (Debian python3-websockets).

Run with Debian's interpreter: /usr/bin/python3 test/interop/python_deflate_server.py ['{"server_max_window_bits": 10}']
With no argument it uses websockets' default compression (compression="deflate": server_max_window_bits=12 and
client_max_window_bits=12 when the client offers it, memLevel 5). A JSON argument builds a
ServerPerMessageDeflateFactory instead, with any of: server_no_context_takeover, client_no_context_takeover,
server_max_window_bits, client_max_window_bits, require_client_max_window_bits.

It listens on 127.0.0.1, port 0, echoes every message (text as text, binary as binary, no size limit), and prints
one JSON object per line on stdout:
  {"event": "listening", "port": 12345, "version": "10.4"}
  {"event": "open", "path": "/x", "extensions": "permessage-deflate; ..."}     # the Sec-WebSocket-Extensions it sent
  {"event": "closed", "path": "/x", "code": 1000, "reason": ""}
"""

import asyncio
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


def report(**event):
    print(json.dumps(event), flush=True)


def response_extensions(ws):
    headers = getattr(ws, "response_headers", None)
    if headers is None:  # websockets >= 13 (new implementation)
        headers = ws.response.headers
    return headers.get("Sec-WebSocket-Extensions")


async def handle(ws, path):
    report(event="open", path=path, extensions=response_extensions(ws))
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    report(event="closed", path=path, code=ws.close_code, reason=ws.close_reason)


async def main():
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else None
    options = dict(max_size=None, ping_interval=None)
    if config is None:
        options["compression"] = "deflate"
    else:
        options["compression"] = None
        options["extensions"] = [ServerPerMessageDeflateFactory(**config)]
    try:
        from websockets.asyncio.server import serve  # websockets >= 13

        async def handler(ws):
            await handle(ws, ws.request.path)

        server = await serve(handler, "127.0.0.1", 0, **options)
    except ImportError:  # websockets 10-12 (Debian 12 ships 10.4)

        async def handler(ws, path=None):
            await handle(ws, path if path is not None else ws.path)

        server = await websockets.serve(handler, "127.0.0.1", 0, **options)
    port = next(iter(server.sockets)).getsockname()[1]
    report(event="listening", port=port, version=websockets.__version__)
    await asyncio.Future()  # until the test stops the process


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
