"""python -m backend.enforcement_simulator --port 8100 --token T --anping-token A [--fail-first N]"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

import uvicorn

from backend.enforcement_simulator.app import create_simulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m backend.enforcement_simulator", description="执法系统模拟器（契约见 openapi/enforcement.yaml）"
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8100, help="监听端口（默认 8100）")
    parser.add_argument(
        "--token",
        default=os.environ.get("ENFORCEMENT_SIMULATOR_TOKEN"),
        help="安平推送时须出示的令牌（或环境变量 ENFORCEMENT_SIMULATOR_TOKEN）",
    )
    parser.add_argument(
        "--anping-token",
        default=os.environ.get("ENFORCEMENT_SIMULATOR_ANPING_TOKEN"),
        help="回调安平时出示的安平接口令牌 anp_…（或环境变量 ENFORCEMENT_SIMULATOR_ANPING_TOKEN）",
    )
    parser.add_argument("--fail-first", type=int, default=0, metavar="N", help="前 N 次推送返回 503")
    parser.add_argument("--region", default="秦", help="文书编号中的地区简称（默认 秦）")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.token or not args.anping_token:
        parser.error("须提供 --token 和 --anping-token")
    if args.fail_first < 0:
        parser.error("--fail-first 不能为负数")
    app = create_simulator(
        token=args.token, anping_token=args.anping_token, fail_first=args.fail_first, region=args.region
    )
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
