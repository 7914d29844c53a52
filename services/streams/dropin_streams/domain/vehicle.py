"""Vehicles as decoded from a VIN, and the caller's own description winning over the decoder's."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Vehicle:
    make: str | None = None
    model: str | None = None
    type: str | None = None
    year: int | None = None
    country: str | None = None

    def overridden_by(self, *, make: str | None = None, model: str | None = None,
                      type: str | None = None, year: int | None = None) -> Vehicle:
        """The fields the caller sent win over decoded ones; missing ones keep the decoded value."""
        given: dict[str, Any] = {"make": make, "model": model, "type": type, "year": year}
        return replace(self, **{key: value for key, value in given.items() if value is not None})


@dataclass(frozen=True)
class DecodedVin:
    vin: str
    vehicle: Vehicle
    checksum_valid: bool
    manufacturer: str | None
    region: str | None


class InvalidVin(ValueError):
    """The text cannot be a VIN (length or characters); the message says why."""
