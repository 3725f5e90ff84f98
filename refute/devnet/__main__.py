"""``python -m refute.devnet``: serve the chain-fixture generator's chain until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import json

from refute.devnet.chain import ServedChain
from refute.devnet.server import DevnetServer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m refute.devnet", description=__doc__)
    parser.add_argument("--port", type=int, default=8545, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--transactions", type=int, default=10, help="batched transfers in the disputed block")
    args = parser.parse_args()
    chain = ServedChain.from_example(args.transactions)
    server = DevnetServer(chain, port=args.port)

    def ready(s: DevnetServer) -> None:
        info = {"l1_rpc": s.url, "l2_rpc": s.l2_url, "beacon_rpc": s.url, "l2_block": chain.l2_block}
        print(json.dumps({**info, "l1_head": chain.l1_head}), flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(ready)


if __name__ == "__main__":
    main()
