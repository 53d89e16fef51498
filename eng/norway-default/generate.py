#!/usr/bin/env python3
"""Generates the embedded Norwegian default scenario (src/SocialInvestment.Csv/Data/NorwegianDefault).

Every figure carries its source, or says how it was estimated, in the `source` column. The research
notes behind the figures are norway-figures.md and norway-unit-costs-draft.csv beside this script
(verbatim copies of the project's shared reference data; see README.md here).
Run: python3 eng/norway-default/generate.py   (then commit the regenerated files).
The files are the product; this script documents how the age-banded tables were laid out.
"""
import csv, json, math, os

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "SocialInvestment.Csv", "Data", "NorwegianDefault")
os.makedirs(OUT, exist_ok=True)

def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])

def num(x):
    return repr(round(x, 10)) if isinstance(x, float) else str(x)

# ---------------------------------------------------------------- states, payers, sectors
STATES = [
    ("school", False, "Pupil in grunnskole (lower secondary, ages 12-15), no child-welfare measure"),
    ("cw_inhome", False, "Child (12-17) with in-home child-welfare measures (hjelpetiltak); attends school"),
    ("cw_foster", False, "Child (12-17) placed in foster care (fosterhjem); attends school"),
    ("cw_institution", False, "Child (12-17) placed in a child-welfare institution (barnevernsinstitusjon); attends school"),
    ("upper_secondary", False, "Pupil in videregaende opplaering (upper secondary, from 16)"),
    ("neet", False, "Young or adult person not in employment, education or training and without a NAV benefit modelled here"),
    ("work", False, "Employed (includes students combining study and work after upper secondary)"),
    ("unemployed", False, "Unemployed on dagpenger (unemployment benefit)"),
    ("aap", False, "On arbeidsavklaringspenger (work assessment allowance)"),
    ("disability", False, "On uforetrygd (disability pension)"),
    ("social_assistance", False, "Long-term recipient of okonomisk sosialhjelp (social assistance)"),
    ("prison", False, "Serving a prison sentence"),
    ("retired", False, "Aged 67+ (old-age pension not modelled: the same in every strategy)"),
    ("dead", True, "Dead"),
]
write("states.csv", ["name", "absorbing", "tunnel_cycles", "description"],
      [(n, "true" if a else "false", 0, d) for n, a, d in STATES])

write("payers.csv", ["name", "public", "parent", "description"], [
    ("municipality", "true", None, "kommune"),
    ("county", "true", None, "fylkeskommune"),
    ("state", "true", None, "staten (incl. NAV/folketrygden, Bufetat, kriminalomsorgen, helseforetak)"),
    ("individual", "false", None, "individ: the person or household"),
])
write("sectors.csv", ["name", "description"], [
    ("child-welfare", "barnevern"), ("education", "grunnskole and videregaende"), ("health", "health services"),
    ("social-services", "NAV kommune: social assistance and follow-up"), ("benefits", "folketrygd benefits"),
    ("justice", "kriminalomsorgen"), ("employment", "earnings, NAV employment services"), ("taxation", "income tax"),
])

# ---------------------------------------------------------------- price index (KPI, 2015=100)
# SSB table 03014, annual averages, chained from the published annual growth rates (per cent).
GROWTH = {2007: 0.8, 2008: 3.8, 2009: 2.1, 2010: 2.5, 2011: 1.2, 2012: 0.8, 2013: 2.1, 2014: 2.0, 2015: 2.1,
          2016: 3.6, 2017: 1.8, 2018: 2.7, 2019: 2.2, 2020: 1.3, 2021: 3.5, 2022: 5.8, 2023: 5.5}
READ = {2017, 2018, 2021, 2022, 2023}
idx = {2015: 100.0}
for y in range(2016, 2024):
    idx[y] = idx[y - 1] * (1 + GROWTH[y] / 100)
for y in range(2014, 2005, -1):
    idx[y] = idx[y + 1] / (1 + GROWTH[y + 1] / 100)
rows = []
for y in sorted(idx):
    src = ("SSB KPI table 03014 (2015=100, annual average), chained here from SSB's published annual growth "
           + ("(growth for this step read from ssb.no articles: 2017 1.8 %, 2018 2.7 %, 2021 3.5 %, 2022 5.8 %, 2023 5.5 %)" if y in READ else "(annual growth rate as published by SSB; verify against table 03014)"))
    if y == 2015:
        src = "SSB KPI table 03014: base year 2015=100"
    rows.append((y, num(round(idx[y], 2)), src))
write("price_index.csv", ["year", "index", "source"], rows)

# ---------------------------------------------------------------- mortality
def gompertz_q(age, mult=1.0):
    # Gompertz-Makeham fit in norway-figures.md section 9, averaged over men and women (estimate).
    A, B, b = (0.00060 + 0.00025) / 2, (9.79e-6 + 1.28e-5) / 2, (0.1039 + 0.0976) / 2
    mu = A + B * math.exp(b * age)
    return 1 - math.exp(-mu * mult)

def q_death(lo, hi, mult):
    if hi <= 16: base = 0.0001    # SSB life table 2015: q10 0.081, q15 0.109 per 1000
    elif hi <= 20: base = 0.0003  # q18 0.361, q20 0.270 per 1000
    elif hi <= 25: base = 0.00035 # q20 0.270, q22 0.440 per 1000
    elif hi <= 30: base = 0.0005  # q25 0.469, q27 0.572 per 1000
    else:
        mid = (lo + min(hi, 95)) / 2
        return min(0.5, gompertz_q(mid, mult))
    return base * mult

EXCESS = {"school": 1, "cw_inhome": 2, "cw_foster": 2, "cw_institution": 2, "upper_secondary": 1, "neet": 2,
          "work": 0.8, "unemployed": 1.5, "aap": 2.5, "disability": 3, "social_assistance": 2.5, "prison": 3, "retired": 1}
MORT_SRC = ("estimate: SSB life table 2015 q_x below 30; Gompertz-Makeham fit (norway-figures.md s.9, men/women averaged) at the band midpoint from 30; "
            "times an illustrative excess-mortality factor for the state ({m}x; register studies of marginalised groups report 2-5x, e.g. NIBR 2005:12 for former child-welfare clients)")

BANDS = [(12, 15), (15, 16), (16, 17), (17, 18), (18, 19), (19, 21), (21, 25), (25, 30), (30, 35), (35, 40), (40, 45),
         (45, 50), (50, 55), (55, 60), (60, 66), (66, 67), (67, 75), (75, 80), (80, 200)]

def p(state, lo):
    """Annual transition probabilities (excluding death and staying) from `state` at ages [lo, next band)."""
    adult = state in ("neet", "work", "unemployed", "aap", "disability", "social_assistance", "prison", "upper_secondary")
    if adult and lo >= 66:
        return {"retired": 1.0}  # everyone leaves working-age states at 67 (folketrygd retirement age)
    if state == "school":
        if lo < 15: return {"cw_inhome": 0.0065, "cw_foster": 0.0013, "cw_institution": 0.0002}
        return {"upper_secondary": 0.97, "neet": 0.03}
    if state == "cw_inhome":
        if lo < 15: return {"cw_foster": 0.03, "cw_institution": 0.005, "school": 0.30}
        if lo < 17: return {"cw_foster": 0.02, "cw_institution": 0.01, "upper_secondary": 0.30, "neet": 0.03}
        return {"upper_secondary": 0.60, "neet": 0.20, "work": 0.10, "social_assistance": 0.06, "aap": 0.04}
    if state == "cw_foster":
        if lo < 17: return {"cw_institution": 0.02, "cw_inhome": 0.03}
        return {"upper_secondary": 0.45, "neet": 0.25, "work": 0.06, "social_assistance": 0.14, "aap": 0.10}
    if state == "cw_institution":
        if lo < 17: return {"cw_foster": 0.15, "cw_inhome": 0.10}
        return {"upper_secondary": 0.30, "neet": 0.30, "work": 0.08, "social_assistance": 0.15, "aap": 0.15, "prison": 0.02}
    if state == "upper_secondary":
        if lo < 16: return {}
        if lo < 18: return {"neet": 0.05, "work": 0.01}
        if lo < 19: return {"work": 0.62, "neet": 0.06}
        if lo < 21: return {"work": 0.45, "neet": 0.10}
        return {"work": 0.40, "neet": 0.25}
    if state == "neet":
        if lo < 16: return {}
        if lo < 25: return {"upper_secondary": 0.15, "work": 0.30, "aap": 0.04, "social_assistance": 0.08, "unemployed": 0.02, "prison": 0.004}
        return {"work": 0.28, "aap": 0.05, "social_assistance": 0.08, "disability": 0.01, "unemployed": 0.02, "prison": 0.002}
    if state == "work":
        if lo < 16: return {}
        if lo < 30: return {"unemployed": 0.035, "neet": 0.02, "aap": 0.008, "social_assistance": 0.003, "disability": 0.001, "prison": 0.0005}
        if lo < 50: return {"unemployed": 0.025, "neet": 0.005, "aap": 0.012, "social_assistance": 0.002, "disability": 0.002, "prison": 0.0003}
        return {"unemployed": 0.02, "neet": 0.005, "aap": 0.015, "disability": 0.006, "social_assistance": 0.001}
    if state == "unemployed":
        if lo < 16: return {}
        return {"work": 0.65, "aap": 0.07, "neet": 0.12, "social_assistance": 0.04, "disability": 0.004}
    if state == "aap":
        if lo < 16: return {}
        if lo < 30: return {"work": 0.19, "disability": 0.07, "unemployed": 0.015, "neet": 0.055, "social_assistance": 0.05}
        if lo < 50: return {"work": 0.19, "disability": 0.095, "unemployed": 0.015, "neet": 0.04, "social_assistance": 0.04}
        return {"work": 0.10, "disability": 0.19, "unemployed": 0.015, "neet": 0.04, "social_assistance": 0.035}
    if state == "disability":
        return {"work": 0.005} if lo >= 16 else {}
    if state == "social_assistance":
        if lo < 16: return {}
        return {"work": 0.25, "neet": 0.10, "aap": 0.08, "disability": 0.01, "prison": 0.004, "unemployed": 0.02}
    if state == "prison":
        if lo < 16: return {}
        return {"neet": 0.40, "social_assistance": 0.25, "work": 0.15}
    return {}

SRC = {
    ("school", "cw"): "estimate: first entry to child-welfare measures about 0.8 %/yr (SSB: ~13 % of the 2014 grunnskole cohort had a measure by 2020, spread over ~17 years; SSB 2010 new-measure rates 11-13 per 1000 at ages 12-14 include re-entrants); split 81/16/3 % in-home/foster/institution (SSB 2019: 44 821 hjelpetiltak, 9 771 omsorgstiltak)",
    ("school", "up"): "estimate: ~97 % go straight on to videregaende after grunnskole (the rest start NEET); Udir/HT: ~15 % of 16-25 neither completed nor enrolled",
    "cw_move": "estimate (illustrative): moves between child-welfare measures; SSB 2019 turnover (54 592 with measures during the year vs 37 866 at year end) implies ~30 %/yr leave in-home measures; SSB institutions: 359 443 days for 1 035 children (about one year per stay)",
    "cw_exit": "estimate: status at 18 for child-welfare clients, set so that about a third are on benefits or NEET (Bufdir: 36 % with omsorgstiltak on public benefits 7 years after lower secondary; SSB: 1 in 5 vs 1 in 2 in higher education)",
    "vgs": "estimate: completion calibrated to SSB (2015 cohort: 67.7 % within normal time + 12.7 % later = ~80 % within 5-6 years); those completing move to work (higher education is folded into work with lower early earnings)",
    "neet": "estimate: about half of NEET are in work or education a year later (SSB, Fedoryshyn 2019: ~0.45-0.5); rest split to benefits by NAV flows",
    "work": "estimate: inflows to unemployment (AKU unemployment 3.6 % in 2023, short spells), AAP (~1.7 % of 18-66 enter AAP per year, NAV 2015), uforetrygd (0.82 % incidence of 18-67, 73.6 % via AAP; NAV 2021), prison (65 inmates per 100 000; SPACE)",
    "unemployed": "estimate: NAV tabell 3 (job-seeker exits 1Q 2018, status 6 months later: 61.9 % work, 6.6 % nedsatt arbeidsevne, 17.8 % other) scaled to a year",
    "aap": "estimate: annual exit 0.38 (max 3 years on AAP); destinations by age from NAV tabell 5 (exits 3Q 2021 -> 1Q 2022: work 34.6 % + work with benefit 15.5 %; uforetrygd 15-56 % rising with age)",
    "disability": "estimate: few leave uforetrygd for work (NAV 2021: ~24 600 exits, mostly to old-age pension or death)",
    "sa": "estimate (illustrative): long-term social assistance recipients; exits to work ~25 %/yr",
    "prison": "estimate: average stay under a year; released to NEET, social assistance or work (illustrative split)",
    "retire": "folketrygd: working-age states end at 67 (old-age pension not modelled)",
}

def source_for(state, to):
    if state == "school": return SRC[("school", "cw")] if to.startswith("cw_") else SRC[("school", "up")]
    if state.startswith("cw_"): return SRC["cw_exit"] if to not in ("cw_inhome", "cw_foster", "cw_institution", "school") and not (to == "upper_secondary" and state == "cw_inhome") else SRC["cw_move"]
    if to == "retired": return SRC["retire"]
    return {"upper_secondary": SRC["vgs"], "neet": SRC["neet"], "work": SRC["work"], "unemployed": SRC["unemployed"], "aap": SRC["aap"],
            "disability": SRC["disability"], "social_assistance": SRC["sa"], "prison": SRC["prison"]}.get(state, "estimate")

trans = []
for state, absorbing, _ in STATES:
    if absorbing:
        continue
    # Collect (to -> list of (lo, hi, value)) and merge equal neighbouring bands.
    series = {}
    for lo, hi in BANDS:
        probs = p(state, lo)
        q = round(q_death(lo, hi, EXCESS[state]), 8)
        total = sum(probs.values())
        scale = (1 - q) / total if total > 1 - q else 1.0  # keep each row's sum at most one
        for to, v in probs.items():
            series.setdefault(to, []).append((lo, hi, math.floor(v * scale * 1e8) / 1e8 if scale < 1 else v))
        series.setdefault("dead", []).append((lo, hi, q))
    for to, bands in series.items():
        merged = []
        for lo, hi, v in bands:
            if merged and merged[-1][2] == v and merged[-1][1] == lo:
                merged[-1] = (merged[-1][0], hi, v)
            else:
                merged.append((lo, hi, v))
        for lo, hi, v in merged:
            if v == 0:
                continue
            src = MORT_SRC.format(m=EXCESS[state]) if to == "dead" else source_for(state, to)
            param = "neet_work_scale" if (state == "neet" and to == "work") else None
            trans.append((state, to, "probability", lo, None if hi >= 200 else hi, num(v), param, src))
    trans.append((state, state, "remainder", None, None, None, None, "the rest stay in the state"))
write("transitions.csv", ["from", "to", "kind", "age_from", "age_to", "value", "parameter", "source"], trans)

# ---------------------------------------------------------------- flows
F = []
def flow(state, payer, sector, kind, amount, year, source, lo=None, hi=None, to_state=None, param=None):
    F.append((state, to_state, payer, sector, kind, lo, hi, num(float(amount)) if amount is not None else None, param, year, None, source))

CW = ("cw_inhome", "cw_foster", "cw_institution")
UDIR_GS = "Udir Utdanningsspeilet 2022: cost per pupil in public grunnskole 135 300 (2021)"
UDIR_VGS = "Udir Utdanningsspeilet 2017 s.4.4: fylkeskommune cost per pupil in videregaende 158 200 (2016)"
for s in ("school",) + CW:
    flow(s, "municipality", "education", "resource", 135300, 2021, UDIR_GS, hi=16)
for s in CW:
    flow(s, "county", "education", "resource", 158200, 2016, UDIR_VGS, lo=16)
flow("upper_secondary", "county", "education", "resource", 158200, 2016, UDIR_VGS)

flow("cw_inhome", "municipality", "child-welfare", "resource", 60000, 2022,
     "estimate: KOSTRA f251 (cost per child with in-home measures) not found; one third of the MST/FFT egenandel of 15 000/month x 12 = 180 000 (regjeringen.no egenbetalingssatser 2022), since most hjelpetiltak are lighter and shorter")
flow("cw_inhome", "state", "child-welfare", "resource", 20000, 2022,
     "estimate: Bufetat's share of state-delivered in-home programmes (PMTO free to the kommune; MST/FFT partly) averaged over all in-home clients; SSB StatRes 2006 state cost 49 073-107 050 per child predates the 2022 reform and is not used")
flow("cw_foster", "municipality", "child-welfare", "resource", 222024, 2023,
     "KS veiledende satser fosterhjem 1 July 2023, age 11-14: 18 502/month x 12 (a floor: excludes frikjop, forsterkning, employer contribution, casework)")
flow("cw_foster", "municipality", "child-welfare", "resource", 100000, 2023,
     "estimate: frikjop, forsterkning and caseworker time not in the KS floor; illustrative top-up (Menon 2023: losing a foster home costs the public 2.1 mill a year, an upper reference)")
flow("cw_foster", "state", "child-welfare", "resource", 38398, 2006,
     "estimate: 15 % of placements in state-supported (beredskap/specialised) homes x SSB StatRes 2006 state cost 255 988 per child (Region East); share assumed")
flow("cw_institution", "municipality", "child-welfare", "resource", 2040000, 2022,
     "regjeringen.no: kommunal egenbetaling for institution 170 000/month x 12 (2022)")
flow("cw_institution", "state", "child-welfare", "resource", 3640130, 2022,
     "derived: SSB Barnevernsinstitusjoner 2022, 15 562 kr per oppholdsdag x 365 = 5 680 130, minus the kommune egenandel 2 040 000")

# Earnings and tax in work (EarningsAndTaxModel-equivalent rows).
EARN = [(16, 20, 200000), (20, 25, 420000), (25, 30, 540000), (30, 40, 610000), (40, 55, 660000), (55, 67, 640000)]
TAX = 0.255
SPLIT = {"municipality": 0.28, "county": 0.07, "state": 0.65}
EARN_SRC = ("estimate: age profile around SSB Lonn 2023 (median 50 660/month x 12 = 607 920 at ages 30-39, mean 676 320); "
            "lower at young ages for part-time work and students in work; shape illustrative")
TAX_SRC = ("derived: average tax 25.5 % of gross income (SSB Skatt for personer 2023: fastsatt skatt / bruttoinntekt); "
           "split kommune 28 % / fylke 7 % / stat 65 % (SSB 2022: kommune+fylke ~35 %); employer's contribution excluded (rate not verified)")
for lo, hi, e in EARN:
    flow("work", "individual", "employment", "production", -e, 2023, EARN_SRC, lo, hi)
    flow("work", "individual", "taxation", "transfer", TAX * e, 2023, "tax paid by the person; " + TAX_SRC, lo, hi)
    for payer, share in SPLIT.items():
        flow("work", payer, "taxation", "transfer", -TAX * share * e, 2023, "tax received; " + TAX_SRC, lo, hi)

# Benefits as transfers: the state pays, the person receives; benefit income is taxed at an assumed 20 %.
BTAX = 0.20
BTAX_SRC = "estimate: average tax 20 % on benefit income of 250 000-400 000 (below the 25.5 % average on all income); split 28/7/65"
def benefit(state, amount, year, source, lo=None, hi=None):
    flow(state, "state", "benefits", "transfer", amount, year, source, lo, hi)
    flow(state, "individual", "benefits", "transfer", -amount, year, source, lo, hi)
    flow(state, "individual", "taxation", "transfer", BTAX * amount, year, BTAX_SRC, lo, hi)
    for payer, share in SPLIT.items():
        flow(state, payer, "taxation", "transfer", -BTAX * share * amount, year, BTAX_SRC, lo, hi)

for lo, hi, e in EARN:
    benefit("unemployed", round(0.624 * e), 2023,
            "estimate: dagpenger 2.4 per mille of the basis per day x 5 days/week = 62.4 % of prior earnings a year (folketrygdloven 4-11/4-12), applied to the earnings profile; cap 6G not binding", lo, hi)
benefit("aap", 246809, 2018, "derived: statsbudsjettet.no 2018, AAP appropriation 34.8 mrd / ~141 000 average recipients")
benefit("disability", 291200, 2023, "SSB Skatt for personer 2023: mean personinntekt uforetrygd 291 200 (427 766 persons)")
flow("social_assistance", "municipality", "social-services", "transfer", 144418, 2022,
     "estimate: full-year-equivalent social assistance = 7.4 mrd / (1.2 % monthly share x ~4.27 mill aged 18-89) (SSB 2022; NAV Arbeid og velferd 2/2023); population figure assumed")
flow("social_assistance", "individual", "social-services", "transfer", -144418, 2022, "received by the person (tax-free)")

# Services (resource costs) outside the main benefit: estimates, stated as such.
flow("neet", "state", "employment", "resource", 20000, 2023, "estimate (illustrative): NAV follow-up and short labour-market measures per NEET person-year")
flow("neet", "state", "health", "resource", 20000, 2023, "estimate (illustrative): extra specialist mental-health use (BUP/DPS); gap in norway-figures.md s.11")
flow("unemployed", "state", "employment", "resource", 20000, 2023, "estimate (illustrative): NAV follow-up of job seekers")
flow("aap", "state", "employment", "resource", 50000, 2023, "estimate (illustrative): NAV follow-up and measures for people with nedsatt arbeidsevne")
flow("aap", "state", "health", "resource", 30000, 2023, "estimate (illustrative): 70 % of AAP recipients under 30 have a psychiatric diagnosis (NTB/NAV 2018); specialist care use")
flow("disability", "state", "health", "resource", 30000, 2023, "estimate (illustrative): excess health-care use")
flow("social_assistance", "municipality", "social-services", "resource", 20000, 2023, "estimate (illustrative): NAV kommune casework per long-term recipient")
flow("social_assistance", "state", "health", "resource", 20000, 2023, "estimate (illustrative): excess health-care use")
flow("prison", "state", "justice", "resource", 985500, 2017,
     "derived: > 2 700 kr per inmate-day (Council of Europe SPACE I via NTB/VG 02.04.2019) x 365; a lower bound")

write("flows.csv", ["state", "to_state", "payer", "sector", "kind", "age_from", "age_to", "amount", "parameter", "price_year", "real_growth", "source"], F)

# ---------------------------------------------------------------- population (a cohort of 12-year-olds)
POP_SRC = ("derived: SSB barnevern 31.12.2019: 37 866 children with measures, 14 671 placed (~3.4 % and ~1.3 % of ~1.12 mill aged 0-17, population assumed); "
           "77 % of placed children in foster homes (Bufdir 2018); institutions hold ~1 035 children (SSB 2022), mostly teenagers")
write("population.csv", ["state", "start_age", "weight", "source"], [
    ("school", 12, 0.9655, POP_SRC), ("cw_inhome", 12, 0.024, POP_SRC), ("cw_foster", 12, 0.01, POP_SRC), ("cw_institution", 12, 0.0005, POP_SRC)])

# ---------------------------------------------------------------- parameters, interventions, effects, strategies
write("parameters.csv", ["name", "value", "distribution", "arguments", "description"], [
    # PSA distributions (read by Scenario.ToPsaSpecification). Conventions: relative risks lognormal with
    # mu = ln(base value) (median = base value); uptake shares beta(a, b) with mean a/(a+b) = base value;
    # unit costs gamma(shape, scale) with mean shape x scale = base value. Parameters that move one competing
    # exit of a transition row (neet_work_scale, ips_or_work) get bounded distributions so that no draw makes
    # the row's probabilities sum past 1 (the core applies such effects without rescaling the other exits and
    # rejects a negative remainder); the IPS odds ratio's row explains why its trial CI cannot be used as is.
    ("neet_work_scale", "1.0", "truncnormal", "1 0.1 0.8 1.2",
     "multiplier on NEET -> work probabilities (calibration uncertainty of the hand-calibrated rates); truncated normal mean 1, sd 0.1 on [0.8, 1.2]: illustrative spread, no source; bounded so that, together with the IPS odds ratio's upper bound, the NEET exit probabilities stay below 1"),
    ("family_rr_placement", "0.75", "lognormal", "-0.2877 0.15",
     "illustrative: relative risk of moving from in-home measures to placement with an intensive cross-sector family team (no Norwegian effect estimate; the Asker velferdslab evaluation, Proba 2018-01, is qualitative); lognormal median 0.75 = exp(-0.2877), sigma 0.15 (95 % range 0.56-1.01), illustrative"),
    ("family_rr_neet", "0.85", "truncnormal", "0.85 0.08 0.6 1",
     "illustrative: relative risk of leaving child welfare at 18 into NEET with the family team; PSA: truncated normal mean 0.85, sd 0.08 on [0.6, 1] (illustrative): bounded at 1 because at ages 17-19 almost everyone leaves in-home measures (exit probabilities sum to 0.9994 + mortality), so any RR above 1.0005 on the exit into NEET would push the row past 1"),
    ("ips_or_work", "2.79", "truncnormal", "2.79 0.75 1 4",
     "odds ratio of moving into work with IPS: the lower 95 % bound of the SEED trial (Sveinsdottir et al., Scand J Work Environ Health 2020;46(1):50-59, doi:10.5271/sjweh.3837: OR 10.39, 95 % CI 2.79-38.68, 48 % vs 8 % in competitive work; n = 96, control = sheltered work) - conservative on purpose. PSA: truncated normal mean 2.79, sd 0.75 on [1, 4], not the lognormal of the CI (mu 2.341, sigma 0.671): the odds ratio acts on one competing exit of a one-year transition whose base probability is already 0.3 (0.36 at the top of neet_work_scale), and an OR above 5.6 (4.26 at neet_work_scale 1.2) pushes the NEET exit probabilities at ages 16-25 past 1; the trial's CI excludes 1, hence the lower bound"),
    ("cost_family_team", "150000", "gamma", "16 9375",
     "estimate: 0.15 FTE municipal family coordinator at ~900 000 NOK per FTE incl. overhead plus ~15 000 flexible funds, per family-year (2023 NOK); gamma(shape 16, scale 9375): mean 150 000, sd 37 500 (CV 25 %, the usual spread of a bottom-up staffing estimate; illustrative)"),
    ("cost_ips", "45000", "gamma", "16 2812.5",
     "estimate: an IPS job specialist (~900 000 NOK per FTE incl. overhead) with a caseload of ~20 per participant-year (2023 NOK); gamma(shape 16, scale 2812.5): mean 45 000, sd 11 250 (CV 25 %: caseloads of 15-25 per specialist as in the IPS fidelity scale's at most 20)"),
    ("uptake_family", "0.8", "beta", "16 4",
     "estimate: share of eligible families who accept the team; beta(16, 4): mean 0.8, sd 0.09, as if observed in 20 families (illustrative)"),
    ("uptake_ips", "0.6", "beta", "12 8",
     "estimate: share of young people offered IPS when NEET or on AAP who take it up; beta(12, 8): mean 0.6, sd 0.11, as if observed in 20 people (illustrative)"),
])

write("interventions.csv", ["name", "kind", "eligible_states", "min_age", "max_age", "uptake", "uptake_parameter", "description"], [
    ("family_team", "preventive", "cw_inhome", 12, 15, "0.8", "uptake_family",
     "Intensive cross-sector family team for families of children with in-home child-welfare measures (the Asker velferdslab idea: one investment team across services, money follows the family); 2 years; effects illustrative"),
    ("ips", "preventive", None, None, None, "0.6", "uptake_ips",
     "Individual placement and support (IPS) offered to every young person in the cohort whenever NEET or on AAP before age 30 (NAV and municipal health services); effect from the Norwegian SEED trial (see ips_or_work); Reme et al. 2019 (Scand J Work Environ Health 45(1):33-41) is the Norwegian IPS trial for moderate-to-severe mental illness"),
    # Portfolio candidates (socinv portfolio, docs/portfolio.md): variants of ips, used by no strategy.
    ("ips_neet", "preventive", None, None, None, "0.6", "uptake_ips",
     "Portfolio candidate (illustrative): IPS for NEET young people only (not those on AAP), a narrower target group; same cost and SEED-trial effect as ips"),
    ("ips_half", "preventive", None, None, None, "0.3", None,
     "Portfolio candidate (illustrative): IPS at half scale, places for half of those ips reaches (uptake 0.3 instead of 0.6, as a capacity limit, fixed); same cost per participant and effect as ips"),
])
write("intervention_costs.csv", ["intervention", "payer", "sector", "kind", "timing", "amount", "parameter", "duration_years", "states", "price_year", "source"], [
    ("family_team", "municipality", "child-welfare", "resource", "per-cycle", None, "cost_family_team", 2, "cw_inhome cw_foster cw_institution", None, "see parameter cost_family_team"),
    ("ips", "state", "employment", "resource", "per-cycle", None, "cost_ips", 18, "neet aap", None, "see parameter cost_ips (NAV funds the job specialist)"),
    ("ips", "municipality", "health", "resource", "per-cycle", 15000, None, 18, "neet aap", 2023, "estimate: municipal mental-health time for the integrated IPS team, per participant-year"),
    ("ips_neet", "state", "employment", "resource", "per-cycle", None, "cost_ips", 18, "neet", None, "see parameter cost_ips (as ips)"),
    ("ips_neet", "municipality", "health", "resource", "per-cycle", 15000, None, 18, "neet", 2023, "estimate: as ips, per participant-year"),
    ("ips_half", "state", "employment", "resource", "per-cycle", None, "cost_ips", 18, "neet aap", None, "see parameter cost_ips (as ips)"),
    ("ips_half", "municipality", "health", "resource", "per-cycle", 15000, None, 18, "neet aap", 2023, "estimate: as ips, per participant-year"),
])
write("effects.csv", ["intervention", "target", "from", "to", "payer", "sector", "measure", "value", "parameter", "profile", "profile_years", "profile_until", "source"], [
    ("family_team", "transition", "cw_inhome", "cw_foster", None, None, "rr", None, "family_rr_placement", "constant", 6, None, "illustrative (see parameter)"),
    ("family_team", "transition", "cw_inhome", "cw_institution", None, None, "rr", None, "family_rr_placement", "constant", 6, None, "illustrative (see parameter)"),
    ("family_team", "transition", "cw_inhome", "neet", None, None, "rr", None, "family_rr_neet", "constant", 6, None, "illustrative (see parameter)"),
    ("ips", "transition", "neet", "work", None, None, "or", None, "ips_or_work", "constant", 18, None, "SEED trial, lower CI bound (see parameter); effect while IPS is offered (to age 30)"),
    ("ips", "transition", "aap", "work", None, None, "or", None, "ips_or_work", "constant", 18, None, "SEED trial, lower CI bound (see parameter)"),
    ("ips_neet", "transition", "neet", "work", None, None, "or", None, "ips_or_work", "constant", 18, None, "SEED trial, lower CI bound (see parameter; as ips)"),
    ("ips_half", "transition", "neet", "work", None, None, "or", None, "ips_or_work", "constant", 18, None, "SEED trial, lower CI bound (see parameter; as ips)"),
    ("ips_half", "transition", "aap", "work", None, None, "or", None, "ips_or_work", "constant", 18, None, "SEED trial, lower CI bound (see parameter; as ips)"),
])
write("strategies.csv", ["strategy", "intervention"], [
    ("Business as usual", None), ("Family team", "family_team"), ("IPS for young people", "ips"),
    ("Family team + IPS", "family_team"), ("Family team + IPS", "ips")])

manifest = {
    "name": "Norwegian youth life course (default)",
    "description": "A cohort of 1 000 twelve-year-olds in Norway followed to age 80 in annual cycles: child welfare, school, upper secondary, NEET, work, benefits (dagpenger, AAP, uforetrygd, sosialhjelp), prison. Unit costs by payer (kommune, fylkeskommune, staten, individ) in 2023 NOK; R-109 discounting and a 20 % tax financing cost. Every row names its source or says how it was estimated.",
    "notes": "Generated by eng/norway-default/generate.py from eng/norway-default/norway-figures.md. Figures marked 'estimate' or 'illustrative' are modelling assumptions; change them here.",
    "horizonCycles": 68, "cycleLengthYears": 1, "counting": "half-cycle",
    "costDiscounting": "norway", "outcomeDiscounting": "norway", "priceYear": 2023, "taxFinancingCost": 0.2,
    "comparator": "Business as usual", "populationSize": 1000,
    "perspectives": ["municipality", "county", "state", "individual", "public", "society"],
    "tables": {"states": "states.csv", "payers": "payers.csv", "sectors": "sectors.csv", "parameters": "parameters.csv",
               "transitions": "transitions.csv", "flows": "flows.csv", "population": "population.csv", "priceIndex": "price_index.csv",
               "interventions": "interventions.csv", "interventionCosts": "intervention_costs.csv", "effects": "effects.csv", "strategies": "strategies.csv"},
}
with open(os.path.join(OUT, "scenario.json"), "w", encoding="utf-8") as f:
    json.dump(manifest, f, indent=2, ensure_ascii=False)
    f.write("\n")
print("wrote", OUT, len(trans), "transition rows,", len(F), "flow rows")
