#!/usr/bin/env python3
"""A long network link emulated in user space, for kernels without netem.

Relays TCP connections from --listen to --target and delivers every chunk one --delay later than
it was sent, in order, in both directions. A new connection's first bytes towards the target
also wait out the round trip its TCP handshake would have taken on the long link, so a fresh
connection costs what it costs over a real one: one round trip more than a reused one.
"""
import argparse
import asyncio
import socket


async def pump(reader, writer, delay, not_before):
    """Copies reader to writer, each chunk delivered at max(arrival + delay, not_before)."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, chunk = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not chunk:
                break
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    delivering = asyncio.create_task(deliver())
    try:
        while True:
            chunk = await reader.read(65536)
            queue.put_nowait((max(loop.time() + delay, not_before), chunk))
            if not chunk:
                break
        await delivering
    except (ConnectionError, asyncio.CancelledError):
        delivering.cancel()
    finally:
        writer.close()


async def relay(client_reader, client_writer, target, delay):
    loop = asyncio.get_running_loop()
    handshake_done = loop.time() + 3 * delay  # SYN, SYN-ACK, then the first bytes' one way
    try:
        target_reader, target_writer = await asyncio.open_connection(*target)
    except OSError:
        client_writer.close()
        return
    for writer in (client_writer, target_writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    await asyncio.gather(
        pump(client_reader, target_writer, delay, handshake_done),
        pump(target_reader, client_writer, delay, 0.0),
        return_exceptions=True,
    )


def address(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", type=address, required=True)
    parser.add_argument("--target", type=address, required=True)
    parser.add_argument("--delay-ms", type=float, required=True, help="one-way delay")
    args = parser.parse_args()
    delay = args.delay_ms / 1000
    server = await asyncio.start_server(
        lambda r, w: relay(r, w, args.target, delay), *args.listen, backlog=1024
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
