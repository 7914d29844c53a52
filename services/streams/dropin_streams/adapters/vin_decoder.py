"""VIN decoding with vininfo: manufacturer, model year, country and the check digit."""
from __future__ import annotations

from datetime import date

from vininfo import Vin
from vininfo.exceptions import ValidationError

from ..domain.vehicle import DecodedVin, InvalidVin, Vehicle
from ..ports import VinDecoder


class VininfoDecoder(VinDecoder):
    def __init__(self, today: date | None = None):
        self._today = today

    def decode(self, vin: str) -> DecodedVin:
        try:
            decoded = Vin(vin.strip().upper())
        except ValidationError as exc:
            raise InvalidVin(str(exc).strip()) from None
        return DecodedVin(
            vin=decoded.num,
            vehicle=Vehicle(make=decoded.manufacturer, year=self._model_year(decoded.years),
                            country=decoded.country),
            checksum_valid=bool(decoded.verify_checksum()),
            manufacturer=decoded.manufacturer,
            region=decoded.region)

    def _model_year(self, candidates: list[int]) -> int | None:
        # The year letter repeats every 30 years: take the latest candidate not in the future
        # (model years run one ahead of the calendar).
        this_year = (self._today or date.today()).year
        plausible = [year for year in candidates if year <= this_year + 1]
        return max(plausible) if plausible else None
