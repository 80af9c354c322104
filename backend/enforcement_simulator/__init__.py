"""A simulator of the city's enforcement system (应急管理综合行政执法系统) for developing and testing Anping's
side of the contract in `openapi/enforcement.yaml`. Run it with `python -m backend.enforcement_simulator`."""

from backend.enforcement_simulator.app import create_simulator

__all__ = ["create_simulator"]
