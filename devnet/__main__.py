"""Command line: ``python -m devnet wordpress|up|stop|destroy|show ...`` (see devnet/README.md)."""

import argparse
import json
import sys

from devnet import network, state, wordpress_source
from devnet.errors import DevnetError
from devnet.paths import check_name


def _parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per action."""
    parser = argparse.ArgumentParser(prog="python -m devnet", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    wp = sub.add_parser("wordpress", help="print the path of a pristine WordPress tree")
    wp.add_argument("--wp-version", required=True, help="6.1 or 6.8")
    up = sub.add_parser("up", help="create or reuse a network and start its web server")
    up.add_argument("--name", required=True, type=check_name)
    up.add_argument("--port", type=int, help="WordPress port (required the first time)")
    up.add_argument("--wp-version", help="6.1 or 6.8 (required the first time)")
    up.add_argument("--sidecar-url", help="where the sidecar listens (required the first time)")
    up.add_argument("--secret", help="shared shim secret (default: as last time, else random)")
    up.add_argument("--demo", action="store_true", help="add the customers of devnet/demo.json")
    for name, text in (
        ("stop", "stop the network's web server"),
        ("destroy", "stop, drop the database and user, remove var/NAME"),
        ("show", "print the network's state (network.json)"),
    ):
        sub.add_parser(name, help=text).add_argument("--name", required=True, type=check_name)
    return parser


def main(argv=None) -> int:
    """Run one command; return the exit status (1 with a message on DevnetError)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "wordpress":
            print(wordpress_source.ensure_tree(args.wp_version))
        elif args.command == "up":
            net = network.up(
                network.UpOptions(
                    args.name, args.port, args.wp_version, args.sidecar_url, args.secret, args.demo
                )
            )
            print(state.state_path(net["name"]))
        elif args.command == "stop":
            print(f"{args.name}: {network.stop(args.name)}")
        elif args.command == "destroy":
            network.destroy(args.name)
        elif args.command == "show":
            print(json.dumps(state.load(args.name), indent=2))
    except DevnetError as exc:
        print(f"devnet: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
