#!/usr/bin/env python3
"""A PostgreSQL server's Unix socket, seen as if across a network.

    latency_proxy.py SERVER_SOCKET_DIR PROXY_SOCKET_DIR ONE_WAY_MS [PORT]

Listens on PROXY_SOCKET_DIR/.s.PGSQL.PORT and forwards every connection to
SERVER_SOCKET_DIR/.s.PGSQL.PORT, delaying every chunk of bytes by ONE_WAY_MS
in each direction (a round trip costs twice that), in order, without limiting
throughput. Point gloss (or gloss_bench_paging --pg-socket) at
PROXY_SOCKET_DIR to measure what a server across a LAN or a WAN costs.
Runs until killed.
"""
import asyncio
import os
import sys
import time


async def pump(reader, writer, delay):
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((time.monotonic() + delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((0, None))
    try:
        await sender
    except ConnectionError:
        pass


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    server_dir, proxy_dir, one_way_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])
    port = sys.argv[4] if len(sys.argv) == 5 else "5432"
    upstream = os.path.join(server_dir, ".s.PGSQL." + port)
    listen = os.path.join(proxy_dir, ".s.PGSQL." + port)
    delay = one_way_ms / 1000.0
    os.makedirs(proxy_dir, exist_ok=True)
    if os.path.exists(listen):
        os.unlink(listen)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_unix_connection(upstream)
        except OSError as e:
            print(f"latency_proxy: cannot reach {upstream}: {e}", file=sys.stderr)
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, delay), pump(server_reader, client_writer, delay))

    async def serve():
        server = await asyncio.start_unix_server(handle, path=listen)
        print(f"latency_proxy: {listen} -> {upstream}, {one_way_ms:g} ms each way", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
