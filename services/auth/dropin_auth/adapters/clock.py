from __future__ import annotations

from datetime import datetime

from dropin_common.timeutil import utcnow

from .. import ports


class SystemClock(ports.Clock):
    def now(self) -> datetime:
        return utcnow()
