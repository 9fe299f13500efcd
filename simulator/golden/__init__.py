"""Golden updates: rewrite fixtures' expectations from the answers a run observed."""

from vcall.simulator.golden.update import GoldenPlan, plan_expectation_updates, write_updates

__all__ = ["GoldenPlan", "plan_expectation_updates", "write_updates"]
