"""Datasets for the Dask tests (test_dask.py): the generated sample changed so
that units, persons and visits straddle counties, and a copy with bad rows.

Deterministic: the same frames in, the same frames out."""

from __future__ import annotations

from typing import Dict, List

import pandas as pd

Frames = Dict[str, pd.DataFrame]


def _county_of_team(frames: Frames) -> Dict[str, str]:
    teams = frames["teams"].merge(frames["villages"][["village_id", "county_id"]],
                                  on="village_id")
    return dict(zip(teams["team_id"], teams["county_id"]))


def straddle(frames: Frames) -> Frames:
    """The sample with, besides its units whose teams sit in several
    counties:

    - persons posted in two counties: every 25th core posting gets a second
      posting of the same person to a team of the next county (by id),
      overlapping it for every other one (`member.overlap` fires on those)
      and years before it for the others, led by a unit of the first county
      (so that unit's members straddle too);
    - leaders visiting villages of other counties: every 10th leader visits a
      village of the county after that of a village it visited;
    - assessments of the new postings, all excellent, so that the
      prefecture's share (`assess.excellent_share`) counts rows of every
      county.
    """
    f = {k: v.copy() for k, v in frames.items()}
    county_of_team = _county_of_team(f)
    counties = sorted(set(f["counties"]["county_id"]))
    teams = f["teams"]
    active = teams[teams["end_date"] == ""]
    team_in = {c: sorted(t for t in active["team_id"] if county_of_team[t] == c)[0]
               for c in counties}
    m = f["members"]
    core = m[m["role"].isin(["first_secretary", "resident_cadre"])]
    new_members: List[dict] = []
    new_assessments: List[dict] = []
    for i, row in enumerate(core.iloc[::25].itertuples(index=False)):
        here = county_of_team[row.team_id]
        there = counties[(counties.index(here) + 1) % len(counties)]
        overlap = i % 2 == 0
        member_id = f"MX{i:05d}"
        new_members.append({
            "member_id": member_id, "person_id": row.person_id, "name": row.name,
            "team_id": team_in[there], "unit_id": row.unit_id,
            "role": "resident_cadre" if i % 3 else "grid_worker",
            "start_date": row.start_date if overlap else "2016-03-01",
            "end_date": "" if overlap else "2018-02-28",
            "end_reason": "" if overlap else "term_complete",
        })
        for year in ("2022", "2023"):
            new_assessments.append({"member_id": member_id, "year": year,
                                    "daily_score": "95", "half_year_score": "96",
                                    "year_end_score": "97"})
    f["members"] = pd.concat([m, pd.DataFrame(new_members, columns=m.columns)],
                             ignore_index=True)
    a = f["assessments"]
    f["assessments"] = pd.concat([a, pd.DataFrame(new_assessments, columns=a.columns)],
                                 ignore_index=True)

    v = f["visits"]
    villages = f["villages"]
    county_of_village = dict(zip(villages["village_id"], villages["county_id"]))
    first_village = {c: sorted(villages["village_id"][villages["county_id"] == c])[0]
                     for c in counties}
    new_visits = []
    for i, row in enumerate(v.drop_duplicates("leader_id").iloc[::10].itertuples(index=False)):
        here = county_of_village[row.village_id]
        there = counties[(counties.index(here) + 1) % len(counties)]
        new_visits.append({"visit_id": f"VX{i:05d}", "leader_id": row.leader_id,
                           "village_id": first_village[there], "date": row.date})
    f["visits"] = pd.concat([v, pd.DataFrame(new_visits, columns=v.columns)],
                            ignore_index=True)
    return f


def with_bad_rows(frames: Frames) -> Frames:
    """The frames with rows lenient mode leaves out, each kind in a
    different county: a bad date, an unknown code, a posting of a team that
    does not exist (its row has no county), a payment given twice (the
    second is bad), a team whose village does not exist and so a posting of
    that team (bad rows cascade), a null where none is allowed."""
    f = {k: v.copy() for k, v in frames.items()}
    m = f["members"]
    h = f["handovers"]
    named = set(h["outgoing_member_id"]) | set(h["incoming_member_id"])
    m.loc[m.index[3], "start_date"] = "2023-02-30"
    m.loc[m.index[400], "role"] = "boss"
    # (one no handover names: a handover naming it from another county
    # would make the check run gathered, test_dask.py tests that)
    lone = next(i for i in m.index[800:] if m.at[i, "member_id"] not in named)
    m.loc[lone, "team_id"] = "T-NOWHERE"
    p = f["payments"]
    f["payments"] = pd.concat([p, p.iloc[[10]]], ignore_index=True)
    t = f["teams"]
    # (a team no handover links to another team's posting)
    team_of = dict(zip(m["member_id"], m["team_id"]))
    linked = {team_of.get(a) for a, b in zip(h["outgoing_member_id"], h["incoming_member_id"])
              if team_of.get(a) != team_of.get(b)}
    linked |= {team_of.get(b) for a, b in zip(h["outgoing_member_id"], h["incoming_member_id"])
               if team_of.get(a) != team_of.get(b)}
    staffed = set(m["team_id"])
    i = next(i for i in reversed(t.index)
             if t.at[i, "team_id"] in staffed and t.at[i, "team_id"] not in linked)
    bad_team = t.at[i, "team_id"]
    t.loc[i, "village_id"] = "V-NOWHERE"
    v = f["visits"]
    v.loc[v.index[5], "date"] = ""
    assert (m["team_id"] == bad_team).any()
    return f
