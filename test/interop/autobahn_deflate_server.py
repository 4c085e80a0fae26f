"""Compression interop peer: an Autobahn|Python echo server with permessage-deflate (Debian python3-autobahn, asyncio).

Run with Debian's interpreter: /usr/bin/python3 test/interop/autobahn_deflate_server.py ['{"no_context_takeover": true}']
It accepts the client's first permessage-deflate offer. The optional JSON argument is passed to Autobahn's
PerMessageDeflateOfferAccept: request_no_context_takeover, request_max_window_bits (ask the client for
client_no_context_takeover / client_max_window_bits=N), no_context_takeover, window_bits (the server's own).

It listens on 127.0.0.1, port 0, echoes every message (no size limit) and prints one JSON object per line:
  {"event": "listening", "port": 12345, "version": "22.7.1"}
  {"event": "open", "path": "/x", "extensions": ["PerMessageDeflate(...)"]}   # what Autobahn agreed to
  {"event": "closed", "path": "/x", "code": 1000, "reason": "", "clean": true}
"""

import asyncio
import json
import sys

import autobahn
from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

CONFIG = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}


def report(**event):
    print(json.dumps(event), flush=True)


def accept(offers):
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer, **CONFIG)
    return None


class Echo(WebSocketServerProtocol):
    def onConnect(self, request):
        self.path = request.path
        return None

    def onOpen(self):
        report(event="open", path=self.path, extensions=[repr(e) for e in self.websocket_extensions_in_use])

    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean, code, reason):
        report(event="closed", path=getattr(self, "path", ""), code=code, reason=reason, clean=wasClean)


def main():
    # The factory schedules its timers on the loop it is given: create the loop first.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    factory = WebSocketServerFactory(loop=loop)
    factory.protocol = Echo
    factory.setProtocolOptions(
        perMessageCompressionAccept=accept,
        maxMessagePayloadSize=0,
        maxFramePayloadSize=0,
        autoPingInterval=0,
    )
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    report(event="listening", port=port, version=autobahn.__version__)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
