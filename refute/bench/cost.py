"""Dollars from cycles: a configurable market price per million cycles.

The default is the minimum price per mega-cycle in the Boundless broker's
configuration template (``min_mcycle_price = "0.00002 USD"``,
github.com/boundless-xyz/boundless ``broker-template.toml`` at commit
062fd7578f43, read 2026-11-30): the floor at which a Boundless prover takes an
order, so a price a disputer can expect to find. Override it with
``--usd-per-mcycle`` or ``REFUTE_USD_PER_MCYCLE``; proving on one's own machine
costs its time instead (``seconds_per_mcycle``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from refute.prover.errors import InvalidInputError

DEFAULT_USD_PER_MCYCLE = 0.00002
PRICE_SOURCE = (
    "Boundless broker-template.toml min_mcycle_price = 0.00002 USD per mega-cycle "
    "(github.com/boundless-xyz/boundless @062fd7578f43, read 2026-11-30)"
)
ENV_PRICE = "REFUTE_USD_PER_MCYCLE"


@dataclass(frozen=True)
class Price:
    """A price per million cycles and where it comes from."""

    usd_per_mcycle: float
    source: str

    def dollars(self, cycles: int) -> float:
        """What proving ``cycles`` costs at this price."""
        return cycles / 1e6 * self.usd_per_mcycle


def price(usd_per_mcycle: float | None = None) -> Price:
    """The price to use: the argument, else ``REFUTE_USD_PER_MCYCLE``, else the documented default."""
    if usd_per_mcycle is not None:
        return Price(_checked(usd_per_mcycle, "--usd-per-mcycle"), "given on the command line")
    text = os.environ.get(ENV_PRICE, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            raise InvalidInputError(f"{ENV_PRICE}={text!r}: expected a number of dollars per million cycles") from None
        return Price(_checked(value, ENV_PRICE), f"from {ENV_PRICE}")
    return Price(DEFAULT_USD_PER_MCYCLE, PRICE_SOURCE)


def _checked(value: float, what: str) -> float:
    if not math.isfinite(value) or value < 0:
        raise InvalidInputError(f"{what}: expected a non-negative number of dollars per million cycles, got {value}")
    return value
