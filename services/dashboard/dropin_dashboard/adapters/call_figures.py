"""KPIs, series, heatmaps and leaderboards over calls.

Filtered on a period (and perhaps one organization) alone, in a zone whose bucket edges fall on UTC
hours, figures come from the exact pre-aggregations `call_stats` / `answer_times`: whole UTC days
inside each bucket, UTC hours at its edges. Any other filter reads the matching calls themselves
(the same WHERE as getcalls) and groups them in PostgreSQL. Both paths return the same
`CallFigures` (answer times as a histogram of whole seconds), so percentiles are exact either way.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, INTERVAL
from sqlalchemy.engine import Engine

from ..domain.filters import Page, Period, RecordFilter
from ..domain.kpis import (CallFigures, DealerFigures, DealerStanding, Heatmap, leaderboard_candidates,
                           leaderboard_page)
from ..domain.zones import Zone
from ..ports import CallReports
from .criteria import call_columns
from .period_buckets import (HOUR, YEAR, BucketSpan, SignedRange, bucket_ranges, is_boundary, phased_ranges,
                             signed_calendar_buckets)
from .tables import ALL_ORGANIZATIONS, DEALER_STAT_COLUMNS, STAT_COLUMNS

OPEN_START, OPEN_END = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2040, 1, 1, tzinfo=timezone.utc)
# An open end of a period, as a bound VALUES can carry (a NULL there would be typed as text).
NEVER, FOREVER = datetime(1, 1, 2, tzinfo=timezone.utc), datetime(9999, 12, 30, tzinfo=timezone.utc)


def _figures_from(row, times: Counter | None = None) -> CallFigures:
    return CallFigures(**{name: int(row[name] or 0) for name in STAT_COLUMNS}, answer_times=times or Counter())


def local_time(moment: sa.ColumnElement, zone: Zone) -> sa.ColumnElement:
    """timestamptz -> wall-clock timestamp in the zone (DST-aware for an IANA name)."""
    if zone.name:
        return sa.func.timezone(zone.name, moment)
    shift = zone.client_offset.utc_offset_minutes
    return sa.func.timezone(sa.cast(sa.literal(f"{shift} minutes"), INTERVAL), moment)


def _span_params(buckets: list[tuple[str, datetime, int]], edges: list[SignedRange]) -> dict[str, list]:
    """The leaderboard statements' array parameters: weighted buckets (grain, start as epoch
    seconds, weight) and signed edge ranges of calls."""
    return {"span_grain": [grain for grain, _, _ in buckets],
            "span_bucket": [int(bucket.timestamp()) for _, bucket, _ in buckets],
            "span_weight": [weight for _, _, weight in buckets],
            "edge_sign": [sign for sign, _, _ in edges], "edge_lo": [int(start.timestamp()) for _, start, _ in edges],
            "edge_hi": [int(end.timestamp()) for _, _, end in edges]}


def _ranges_table(ranges: Sequence[tuple[int, str | None, datetime | None, datetime | None]]):
    """The wanted (idx, grain, lo, hi) ranges as `unnest` of four array parameters: one statement
    text whatever their number (a VALUES list would be compiled anew, row by row, on each request).
    Bounds travel as epoch seconds (an integer array is quicker to send than timestamps)."""
    epochs = ARRAY(sa.BigInteger)
    unnested = sa.func.unnest(
        sa.literal([index for index, _, _, _ in ranges], ARRAY(sa.Integer)),
        sa.literal([grain or "" for _, grain, _, _ in ranges], ARRAY(sa.Text)),
        sa.literal([int((start or NEVER).timestamp()) for _, _, start, _ in ranges], epochs),
        sa.literal([int((end or FOREVER).timestamp()) for _, _, _, end in ranges], epochs),
    ).table_valued("idx", "grain", "lo", "hi").render_derived(name="bounds")
    return sa.select(unnested.c.idx, unnested.c.grain, sa.func.to_timestamp(unnested.c.lo).label("lo"),
                     sa.func.to_timestamp(unnested.c.hi).label("hi")).subquery("wanted")


class SqlCallReports(CallReports):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        self._engine = engine
        self._columns = call_columns(tables)
        self._stats = tables["call_stats"]
        self._times = tables["answer_times"]
        self._organizations = tables["organizations"]
        self._dealers = tables["dealers"]
        self._dealer_stats = tables["dealer_stats"]
        self._dealer_times = tables["dealer_answer_times"]

    # ------------------------------------------------------------------ which path
    @staticmethod
    def _pre_aggregated(criteria: RecordFilter, edges: list[datetime | None]) -> bool:
        return criteria == RecordFilter(period=criteria.period, organization_id=criteria.organization_id) \
            and all(edge is None or is_boundary(edge, HOUR) for edge in edges)

    def organization_timezone(self, organization_id: str) -> str | None:
        orgs = self._organizations
        with self._engine.connect() as conn:
            return conn.execute(sa.select(orgs.c.timezone).where(orgs.c.id == organization_id)).scalar_one_or_none()

    # ------------------------------------------------------------------ figures per period
    def figures(self, criteria: RecordFilter, periods: list[Period]) -> list[CallFigures]:
        """The figures of the calls matching `criteria` within each period (criteria.period is ignored)."""
        if not periods:
            return []
        edges = [moment for period in periods for moment in (period.start, period.end)]
        if self._pre_aggregated(criteria, edges):
            return self._figures_from_stats(criteria.organization_id, periods)
        return self._figures_from_calls(criteria, periods)

    def _figures_from_stats(self, organization_id: str | None, periods: list[Period]) -> list[CallFigures]:
        ranges = [(index, grain, start, end) for index, period in enumerate(periods)
                  for grain, start, end in self._ranges(organization_id, period)]
        wanted = _ranges_table(ranges)
        scope = organization_id or ALL_ORGANIZATIONS
        results = [CallFigures() for _ in periods]
        stats, times = self._stats, self._times

        def rows_of(table: sa.Table, *columns: sa.ColumnElement) -> sa.FromClause:
            # LATERAL: one index range scan per wanted range (flattened into a join, the planner may
            # scan the whole table); OFFSET 0 keeps PostgreSQL from flattening it.
            return sa.select(*columns).where(table.c.scope == scope, table.c.grain == wanted.c.grain,
                                             table.c.bucket >= wanted.c.lo, table.c.bucket < wanted.c.hi) \
                .offset(0).lateral("rows")
        stat_rows = rows_of(stats, *[stats.c[name] for name in STAT_COLUMNS])
        stats_query = sa.select(wanted.c.idx, *[sa.func.sum(stat_rows.c[name]).label(name) for name in STAT_COLUMNS]) \
            .select_from(wanted.join(stat_rows, sa.true())).group_by(wanted.c.idx)
        time_rows = rows_of(times, times.c.seconds, times.c.count)
        if len(ranges) == len(periods):
            # One range a period (a series of local days, weeks or months of whole-hour zones for
            # every organization): its rows hold each second once, nothing to add up by second (that
            # grouping cost more than the rest of a year-long day series).
            per_second = sa.select(wanted.c.idx, time_rows.c.seconds, time_rows.c["count"]) \
                .select_from(wanted.join(time_rows, sa.true())).subquery()
        else:
            per_second = sa.select(wanted.c.idx, time_rows.c.seconds, sa.func.sum(time_rows.c.count).label("count")) \
                .select_from(wanted.join(time_rows, sa.true())).group_by(wanted.c.idx, time_rows.c.seconds).subquery()
        with self._engine.connect() as conn:
            for row in conn.execute(stats_query).mappings():
                results[row["idx"]].add(_figures_from(row))
            self._read_histograms(conn, per_second, results)
        return results

    @staticmethod
    def _read_histograms(conn, per_second: sa.Subquery, results: list[CallFigures]) -> None:
        """(idx, seconds, count) rows, read as one row of two arrays per period (fewer rows to fetch)."""
        query = sa.select(per_second.c.idx, sa.func.array_agg(per_second.c.seconds),
                          sa.func.array_agg(per_second.c["count"])).group_by(per_second.c.idx)
        for index, seconds, counts in conn.execute(query):
            results[index].answer_times.update(dict(zip(seconds, map(int, counts), strict=True)))

    @staticmethod
    def _ranges(organization_id: str | None, period: Period) -> list[tuple[str, datetime | None, datetime | None]]:
        """Which call_stats / answer_times rows sum to the period. Every organization together has
        days of each whole-hour zone (`day@p`), so a period of local days is read a day a row; one
        organization has UTC days and hours (its hours are few)."""
        if organization_id is None and period.start is not None and period.end is not None \
                and period.start.hour != 0:
            return phased_ranges(period.start, period.end)
        return bucket_ranges(period.start, period.end, fine=HOUR)

    def _figures_from_calls(self, criteria: RecordFilter, periods: list[Period]) -> list[CallFigures]:
        calls, columns = self._columns.table, self._columns
        wanted = _ranges_table([(index, None, period.start, period.end) for index, period in enumerate(periods)])
        c = calls.c
        # LATERAL: each period's calls through the time (or organization, time) index.
        matching = sa.select(c.accepted_at, c.status, c.duration_seconds, c.lead_count, c.time_to_answer_seconds) \
            .where(*columns.where(replace(criteria, period=Period())),
                   c.requested_at >= wanted.c.lo, c.requested_at < wanted.c.hi).offset(0).lateral("matching")
        m = matching.c
        figures = sa.select(
            wanted.c.idx, sa.func.count().label("calls"), sa.func.count(m.accepted_at).label("answered"),
            sa.func.count().filter(m.status == "missed").label("missed"),
            sa.func.count().filter(m.status == "expired").label("expired"),
            sa.func.coalesce(sa.func.sum(m.duration_seconds), 0).label("duration_total"),
            sa.func.count(m.duration_seconds).label("durations"),
            sa.func.coalesce(sa.func.sum(m.lead_count), 0).label("leads"),
            sa.func.count().filter(m.lead_count > 0).label("calls_with_lead"),
        ).select_from(wanted.join(matching, sa.true())).group_by(wanted.c.idx)
        per_second = sa.select(wanted.c.idx, m.time_to_answer_seconds.label("seconds"),
                               sa.func.count().label("count")) \
            .select_from(wanted.join(matching, sa.true())).where(m.time_to_answer_seconds.is_not(None)) \
            .group_by(wanted.c.idx, m.time_to_answer_seconds).subquery()
        results = [CallFigures() for _ in periods]
        with self._engine.connect() as conn:
            for row in conn.execute(figures).mappings():
                results[row["idx"]].add(_figures_from(row))
            self._read_histograms(conn, per_second, results)
        return results

    # ------------------------------------------------------------------ heatmap
    def heatmap(self, criteria: RecordFilter, zone: Zone) -> Heatmap:
        period = criteria.period
        if self._pre_aggregated(criteria, [period.start, period.end]) and self._whole_hour_zone(zone, period):
            stats = self._stats
            moment = stats.c.bucket
            source = sa.select(moment.label("moment"), stats.c.calls.label("calls"), stats.c.missed.label("missed")) \
                .where(stats.c.scope == (criteria.organization_id or ALL_ORGANIZATIONS), stats.c.grain == HOUR)
            if period.start is not None:
                source = source.where(moment >= period.start)
            if period.end is not None:
                source = source.where(moment < period.end)
        else:
            c = self._columns.table.c
            source = sa.select(c.requested_at.label("moment"), sa.literal(1).label("calls"),
                               sa.case((c.status == "missed", 1), else_=0).label("missed")) \
                .where(*self._columns.where(criteria), c.requested_at.is_not(None))
        rows = source.subquery("hours")
        local = local_time(rows.c.moment, zone)
        weekday = sa.cast(sa.extract("isodow", local), sa.Integer) - 1
        hour = sa.cast(sa.extract("hour", local), sa.Integer)
        query = sa.select(weekday, hour, sa.func.sum(rows.c.calls), sa.func.sum(rows.c.missed)).group_by(weekday, hour)
        heatmap = Heatmap.empty()
        with self._engine.connect() as conn:
            for day, hour_of_day, calls, missed in conn.execute(query):
                heatmap.calls[day][hour_of_day] = int(calls)
                heatmap.missed[day][hour_of_day] = int(missed)
        return heatmap

    @staticmethod
    def _whole_hour_zone(zone: Zone, period: Period) -> bool:
        """Whether each local hour is one UTC hour throughout the period (checked every two weeks,
        which no zone's rules change faster than)."""
        if not zone.name:
            return zone.offset_minutes % 60 == 0
        moment, end = period.start or OPEN_START, period.end or OPEN_END
        moments = [end]
        while moment < end:
            moments.append(moment)
            moment += timedelta(days=14)
        return zone.whole_hour_offsets(moments)

    # ------------------------------------------------------------------ leaderboard
    def leaderboard(self, criteria: RecordFilter, page: Page) -> list[DealerStanding]:
        """Every organization over a period alone: dealers ranked by their answered counts from
        dealer_stats, exact medians from dealer_answer_times for the dealers the page needs only
        (see domain.kpis.leaderboard_candidates). Anything else: from the calls."""
        if criteria != RecordFilter(period=criteria.period):
            return self._leaderboard_from_calls(criteria, page)
        spans, edges = signed_calendar_buckets(criteria.period.start, criteria.period.end)
        with self._engine.connect() as conn:
            params = _span_params(self._single_buckets(conn, spans), edges)
            dealers, *columns = conn.execute(self._statements["answered"], params).one()
            dealers = dealers or []
            row_of = {dealer: index for index, dealer in enumerate(dealers)}
            answered = dict(zip(dealers, map(int, columns[0] or []), strict=True))
            candidates, before = leaderboard_candidates(answered, page.skip, page.limit)
            if not candidates:
                return []
            figures = {dealer: DealerFigures(dealer, answered[dealer]) for dealer in candidates}
            histograms = conn.execute(self._statements["histograms"], {**params, "dealers": candidates})
            for dealer, weight, seconds, counts in histograms:
                times = figures[dealer].answer_times
                for second, count in zip(seconds, counts or [1] * len(seconds), strict=True):
                    times[second] += weight * count
            chosen = leaderboard_page(list(figures.values()), before, page.skip, page.limit)
            for one in chosen:  # columns in DEALER_STAT_COLUMNS' order
                one.answered, one.duration_total, one.durations, one.leads = \
                    (int(column[row_of[one.dealer_id]]) for column in columns)
            names = self._dealer_names(conn, criteria.period, [one.dealer_id for one in chosen])
        return [DealerStanding(
            dealer_id=one.dealer_id, dealer_name=names.get(one.dealer_id), answered=one.answered,
            median_time_to_answer_seconds=one.median(),
            average_duration_seconds=round(one.duration_total / one.durations, 1) if one.durations else None,
            leads=one.leads) for one in chosen]

    def _single_buckets(self, conn, spans: list[BucketSpan]) -> list[tuple[str, datetime, int]]:
        """Spans as single buckets, so each is read by equality on (grain, bucket[, dealer]): an open
        span (a period open at one end) becomes the years dealer_stats has on that side."""
        buckets = [(grain, start, weight) for grain, start, end, weight in spans
                   if start is not None and end is not None]
        if len(buckets) < len(spans):
            stats = self._dealer_stats
            first, last = conn.execute(sa.select(sa.func.min(stats.c.bucket), sa.func.max(stats.c.bucket))
                                       .where(stats.c.grain == YEAR)).one()
            for grain, start, end, weight in spans:
                if start is None or end is None:
                    year = first.year if first is not None else 0
                    while last is not None and year <= last.year:
                        bucket = datetime(year, 1, 1, tzinfo=timezone.utc)
                        if (start is None or bucket >= start) and (end is None or bucket < end):
                            buckets.append((grain, bucket, weight))
                        year += 1
        return buckets

    @cached_property
    def _statements(self) -> dict[str, sa.Executable]:
        """The leaderboard's two statements, built once (their parameters are arrays, so their
        text never changes and SQLAlchemy compiles each once): every dealer's sums (answered,
        durations, leads) as arrays; the candidates' answer-time histograms (seconds and counts
        arrays per dealer). Each sums weighted bucket rows and the signed edge calls."""
        stats, times, c = self._dealer_stats, self._dealer_times, self._columns.table.c
        epochs = ARRAY(sa.BigInteger)
        integers = ARRAY(sa.Integer)
        spans = sa.func.unnest(sa.bindparam("span_grain", type_=ARRAY(sa.Text)),
                               sa.bindparam("span_bucket", type_=epochs), sa.bindparam("span_weight", type_=integers)) \
            .table_valued("grain", "bucket", "weight").render_derived(name="spans")
        edges = sa.func.unnest(sa.bindparam("edge_sign", type_=integers), sa.bindparam("edge_lo", type_=epochs),
                               sa.bindparam("edge_hi", type_=epochs)).table_valued("sign", "lo", "hi") \
            .render_derived(name="edges")
        chosen = sa.func.unnest(sa.bindparam("dealers", type_=ARRAY(sa.String))).table_valued("id") \
            .render_derived(name="chosen")
        per_call = {"answered": sa.literal(1), "duration_total": sa.func.coalesce(c.duration_seconds, 0),
                    "durations": sa.case((c.duration_seconds.is_(None), 0), else_=1), "leads": c.lead_count,
                    "seconds": c.time_to_answer_seconds, "count": sa.literal(1)}

        # The calls a dealer answered within an edge range (what dealer_stats counts, read as rows).
        answered_in_edge = (c.accepted_at.is_not(None), c.dealer_id.is_not(None),
                            c.requested_at >= sa.func.to_timestamp(edges.c.lo),
                            c.requested_at < sa.func.to_timestamp(edges.c.hi))

        def signed_rows(table: sa.Table, summed: tuple[str, ...]) -> sa.Subquery:
            """(dealer_id, *summed) rows: the buckets' rows times their weight, the edge calls times
            their sign. LATERAL with OFFSET 0: one index scan per bucket (see _figures_from_stats)."""
            bucket_rows = sa.select(table.c.dealer_id, *[table.c[name] for name in summed]) \
                .where(table.c.grain == spans.c.grain, table.c.bucket == sa.func.to_timestamp(spans.c.bucket)) \
                .offset(0).lateral("rows")
            calls = sa.select(c.dealer_id, *[per_call[name].label(name) for name in summed]) \
                .where(*answered_in_edge).offset(0).lateral("calls")
            return sa.union_all(
                sa.select(bucket_rows.c.dealer_id,
                          *[(bucket_rows.c[name] * spans.c.weight).label(name) for name in summed])
                .select_from(spans.join(bucket_rows, sa.true())),
                sa.select(calls.c.dealer_id, *[(calls.c[name] * edges.c.sign).label(name) for name in summed])
                .select_from(edges.join(calls, sa.true())),
            ).subquery("signed")

        # Every dealer's four sums in one pass over the buckets (the page's sums come from it too:
        # a second pass for the page's dealers cost more than the first for all of them).
        counted = signed_rows(stats, DEALER_STAT_COLUMNS)
        per_dealer = sa.select(counted.c.dealer_id,
                               *[sa.func.sum(counted.c[name]).label(name) for name in DEALER_STAT_COLUMNS]) \
            .group_by(counted.c.dealer_id).having(sa.func.sum(counted.c.answered) > 0).subquery("per_dealer")
        answered = sa.select(sa.func.array_agg(per_dealer.c.dealer_id),
                             *[sa.func.array_agg(per_dealer.c[name]) for name in DEALER_STAT_COLUMNS])
        # Each chosen dealer's histogram in each bucket as one row of two arrays (an index seek and
        # its ~60 rows folded on the spot), and each dealer's edge calls' times as one array per
        # edge: added up in Python, rather than grouping tens of thousands of rows by second.
        histogram = sa.select(sa.func.array_agg(times.c.seconds).label("seconds"),
                              sa.func.array_agg(times.c["count"]).label("counts")) \
            .where(times.c.grain == spans.c.grain, times.c.bucket == sa.func.to_timestamp(spans.c.bucket),
                   times.c.dealer_id == chosen.c.id).lateral("histogram")
        edge_calls = sa.select(c.dealer_id, c.time_to_answer_seconds) \
            .where(*answered_in_edge, c.time_to_answer_seconds.is_not(None)).offset(0).lateral("calls")
        histograms = sa.union_all(
            sa.select(chosen.c.id, spans.c.weight, histogram.c.seconds, histogram.c.counts)
            .select_from(spans.join(chosen, sa.true()).join(histogram, sa.true()))
            .where(histogram.c.seconds.is_not(None)),
            sa.select(edge_calls.c.dealer_id, edges.c.sign, sa.func.array_agg(edge_calls.c.time_to_answer_seconds),
                      sa.null())
            .select_from(edges.join(edge_calls, sa.true()).join(chosen, chosen.c.id == edge_calls.c.dealer_id))
            .group_by(edge_calls.c.dealer_id, edges.c.sign, edges.c.lo))
        return {"answered": answered, "histograms": histograms}

    def _dealer_names(self, conn, period: Period, dealer_ids: list[str]) -> dict[str, str | None]:
        """The dealers' names as their accounts have them now, else as their calls in the period last
        had them (the calls are read only for dealers without a named account)."""
        dealers = self._dealers
        names: dict[str, str | None] = {}
        rows = conn.execute(sa.select(dealers.c.id, dealers.c.first_name, dealers.c.last_name)
                            .where(dealers.c.id.in_(dealer_ids))).all()
        for dealer_id, first, last in rows:
            if first or last:
                names[dealer_id] = _full_name(first, last)
        unnamed = [dealer_id for dealer_id in dealer_ids if dealer_id not in names]
        if unnamed:
            c = self._columns.table.c
            query = sa.select(c.dealer_id, sa.func.max(c.dealer_first_name), sa.func.max(c.dealer_last_name)) \
                .where(c.dealer_id.in_(unnamed), c.accepted_at.is_not(None),
                       *self._columns.where(RecordFilter(period=period))).group_by(c.dealer_id)
            for dealer_id, first, last in conn.execute(query):
                names[dealer_id] = _full_name(first, last)
        return names

    def _leaderboard_from_calls(self, criteria: RecordFilter, page: Page) -> list[DealerStanding]:
        c = self._columns.table.c
        median = sa.func.percentile_cont(0.5).within_group(c.time_to_answer_seconds).label("median")
        answered = sa.func.count().label("answered")
        dealer_order = c.dealer_id.collate("C")  # code point order, as the pre-aggregated path sorts
        per_dealer = sa.select(
            c.dealer_id, answered, median, sa.func.avg(c.duration_seconds).label("average_duration"),
            sa.func.coalesce(sa.func.sum(c.lead_count), 0).label("leads"),
            sa.func.max(c.dealer_first_name).label("first_name"), sa.func.max(c.dealer_last_name).label("last_name"),
        ).where(*self._columns.where(criteria), c.accepted_at.is_not(None), c.dealer_id.is_not(None),
                # as every figure: a call without a requestedAt is in no period (nor pre-aggregation)
                c.requested_at.is_not(None)) \
            .group_by(c.dealer_id).order_by(answered.desc(), median.asc().nulls_last(), dealer_order) \
            .offset(page.skip).limit(page.limit).subquery("per_dealer")
        dealers = self._dealers
        query = sa.select(per_dealer, dealers.c.first_name.label("current_first"),
                          dealers.c.last_name.label("current_last")) \
            .select_from(per_dealer.outerjoin(dealers, dealers.c.id == per_dealer.c.dealer_id)) \
            .order_by(per_dealer.c.answered.desc(), per_dealer.c.median.asc().nulls_last(),
                      per_dealer.c.dealer_id.collate("C"))
        with self._engine.connect() as conn:
            # Each dealer's times are sorted for its median: in memory, not in temporary files.
            conn.execute(sa.text("SET LOCAL work_mem = '64MB'"))
            rows = conn.execute(query).mappings().all()
        standings = []
        for row in rows:
            first, last = (row["current_first"], row["current_last"]) if (row["current_first"] or row["current_last"]) \
                else (row["first_name"], row["last_name"])
            average = row["average_duration"]
            standings.append(DealerStanding(
                dealer_id=row["dealer_id"], dealer_name=_full_name(first, last), answered=int(row["answered"]),
                median_time_to_answer_seconds=float(row["median"]) if row["median"] is not None else None,
                average_duration_seconds=round(float(average), 1) if average is not None else None,
                leads=int(row["leads"])))
        return standings


def _full_name(first: str | None, last: str | None) -> str | None:
    return " ".join(part for part in (first, last) if part) or None
