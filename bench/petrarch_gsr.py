#!/usr/bin/env python3
"""Score actorgraph against the PETRARCH-2 gold-standard records (GSR).

Each record is one news sentence with expected CAMEO codings (source actor,
target actor, event code).  For the event codes that map to one of our
relations (below), a record counts as found when actorgraph extracts an edge
of that relation between actors of the same two countries.  Countries come
from the node attribute `country` (ISO alpha-2), turned into the alpha-3
codes CAMEO actor codes start with through CountryInfo.

  bench/petrarch_gsr.py GSR.xml COUNTRYINFO.txt [--bin build/actorgraph] [--rules rules]

The data files are third-party and not part of this repository (the team's
copies are in ../shared/data/peers/).  Only the Python standard library.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# CAMEO root code -> (our relation, reversed?).  "reversed": our edge runs
# target -> source, as for accusations (A accuses B = B blamed-by A).
MAPPING = {
    "04": ("met-with", False),          # consult (042/043 are visits, below)
    "11": ("blamed-by", True),          # disapprove, accuse
    "13": ("threatened", False),        # threaten
    "16": ("sanctioned", False),        # reduce relations, sanctions, embargo
    "17": ("attacked", False),          # coerce (173 arrest, below)
    "18": ("attacked", False),          # assault
    "19": ("attacked", False),          # fight
    "20": ("attacked", False),          # mass violence
    "07": ("funded", False),            # provide aid
    "09": ("investigated", False),      # investigate
}
EXACT = {
    "042": ("visited", False),  # make a visit
    "043": ("visited", True),   # host a visit: the target visited the source
    "173": ("arrested", False), # arrest, detain
    "186": ("killed", False),   # assassinate
    "112": ("blamed-by", True), # accuse
    "163": ("sanctioned", False),
}
CLASS = {
    "04": "CONSULT", "11": "DISAPPROVE", "13": "THREATEN", "16": "SANCTION",
    "17": "COERCE", "18": "ASSAULT", "19": "FIGHT", "20": "ASSAULT", "07": "AID",
    "09": "INVESTIGATE",
}


def iso_table(path):
    """alpha-2 -> alpha-3 from CountryInfo."""
    text = open(path, encoding="latin-1").read()
    table = {}
    for block in re.findall(r"<Country>(.*?)</Country>", text, re.S):
        a2 = re.search(r"<ISO3166-alpha2>(\w+)</ISO3166-alpha2>", block)
        a3 = re.search(r"<ISO3166-alpha3>(\w+)</ISO3166-alpha3>", block)
        if a2 and a3:
            table[a2.group(1)] = a3.group(1)
    return table


def records(path):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r'<Sentence ([^>]*)/?>(.*?)</Sentence>', text, re.S):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        body = m.group(2)
        codings = [dict(re.findall(r'(\w+)="([^"]*)"', c))
                   for c in re.findall(r"<EventCoding ([^>]*)/>", body)]
        t = re.search(r"<Text>(.*?)</Text>", body, re.S)
        if t:
            yield attrs, codings, " ".join(t.group(1).split())


def edges(binary, rules, text, date):
    with tempfile.TemporaryDirectory() as tmp:
        art = os.path.join(tmp, "s.txt")
        out = os.path.join(tmp, "g.graphml")
        with open(art, "w", encoding="utf-8") as f:
            if date:
                f.write("date %s-%s-%s\n" % (date[:4], date[4:6], date[6:8]))
            f.write(text + "\n")
        subprocess.run([binary, "extract", "-q", "-r", rules, "-o", out, art], check=True)
        root = ET.parse(out).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    country = {}
    for n in root.iter(ns + "node"):
        for d in n.findall(ns + "data"):
            if d.get("key") == "v_country":
                country[n.get("id")] = d.text
    result = []
    for e in root.iter(ns + "edge"):
        result.append((country.get(e.get("source")), e.get("label"), country.get(e.get("target"))))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gsr")
    ap.add_argument("countryinfo")
    ap.add_argument("--bin", default="build/actorgraph")
    ap.add_argument("--rules", default="rules")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    iso3 = iso_table(args.countryinfo)
    total = collections.Counter()
    found = collections.Counter()
    for attrs, codings, text in records(args.gsr):
        if attrs.get("evaluate") != "true":
            continue
        got = None
        for c in codings:
            code = c.get("eventcode", "")
            rel = EXACT.get(code) or MAPPING.get(code[:2])
            if not rel or c.get("sourcecode", "---") == "---" or c.get("targetcode", "---") == "---":
                continue
            cls = CLASS.get(code[:2], code[:2])
            total[cls] += 1
            if got is None:
                got = [(iso3.get(s or ""), r, iso3.get(t or "")) for s, r, t in edges(args.bin, args.rules, text, attrs.get("date", ""))]
            want_s, want_t = c["sourcecode"][:3], c["targetcode"][:3]
            if rel[1]:
                want_s, want_t = want_t, want_s
            ok = any(r == rel[0] and s == want_s and t == want_t for s, r, t in got)
            found[cls] += ok
            if args.verbose:
                print("%s %s %s->%s %s | got %s | %s" % ("OK  " if ok else "MISS", code, c["sourcecode"],
                                                       c["targetcode"], rel[0], got, text[:160]))
    for cls in sorted(total):
        print("%-12s %2d of %2d" % (cls, found[cls], total[cls]))
    print("%-12s %2d of %2d" % ("all", sum(found.values()), sum(total.values())))


if __name__ == "__main__":
    sys.exit(main())
