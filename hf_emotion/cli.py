"""The `hf-emotion` command."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hf-emotion", description="Emotion recognition with LEM, DATN and MultiEMO.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="predict emotions for a few example sentences with the embedded default model")
    args = parser.parse_args(argv)
    if args.command == "demo":
        import hf_emotion

        print(f"hf_emotion {hf_emotion.__version__}: no model registered yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
