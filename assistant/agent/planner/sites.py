"""Sites named in a question: by id ("S2"), by the first word of their name ("Lakeside",
"the lakeside plant"), by order ("the second site") or by number ("site 2")."""

from __future__ import annotations

import re

import pandas as pd
from rapidfuzz import fuzz, process

from stockwise.assistant.agent.planner.shape import replace_first

SITE_TYPO = 80  # rapidfuzz ratio a word needs to be read as a site's name ("lakside")
# "at the moon base": a place named where a site would be, that is no site of the plant.
PLACE = re.compile(
    r"\b(?:at|in) (?:the )?([a-z][a-z\- ]{1,30}? (?:plant|site|factory|warehouse|depot|base))\b"
)
# First words of a place said generically ("in the warehouse", "at our main plant"): where
# stock is, not a site's name.
GENERIC_PLACE = frozenset(
    {"same", "other", "this", "each", "every", "whole", "the", "our", "a", "an", "main"}
    | {"central", "local", "my", "that", "any", "one"}
)
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "other": 1}


class SiteNames:
    """The dataset's sites, in id order, and their names (lower-cased) to ids."""

    def __init__(self, sites: pd.DataFrame) -> None:
        sites = sites.sort_values("site_id")
        self.ids = list(sites["site_id"])
        self.names = {
            str(n).lower(): s for s, n in zip(sites["site_id"], sites["name"], strict=True)
        }

    def find(self, text: str, out: dict) -> str:
        """The first site named (by id, name, "the second plant" or "site 2") into `out`,
        replaced by {site}."""
        for sid in self.ids:
            text2, m = replace_first(rf"\b{re.escape(sid.lower())}\b", text, "{site}")
            if m:
                out["site"] = sid
                return text2
        for name, sid in self.names.items():
            first = re.escape(name.split()[0])
            text2, m = replace_first(rf"\b(?:the )?{first}(?: plant| site)?\b", text, "{site}")
            if m:
                out["site"] = sid
                return text2
        firsts = {name.split()[0]: sid for name, sid in self.names.items()}
        # A name typed in two words ("lake side", "river-side") or with a typo ("lakside").
        for m in re.finditer(r"\b(?=([a-z]{2,}[ -][a-z]{2,})\b)", text):
            if re.sub(r"[ -]", "", m.group(1)) in firsts:
                return self._replace(text, m.start(), m.start() + len(m.group(1)), firsts, out)
        for m in re.finditer(r"\b[a-z]{5,}\b", text):
            hit = process.extractOne(
                m.group(0), list(firsts), scorer=fuzz.ratio, score_cutoff=SITE_TYPO
            )
            if hit is not None:
                return self._replace(text, m.start(), m.end(), firsts, out, hit[0])
        pattern = r"\b(?:the )?(first|1st|second|2nd|third|3rd|other) (?:site|plant)\b"
        text2, m = replace_first(pattern, text, "{site}")
        if m and ORDINALS[m.group(1)] < len(self.ids):
            out["site_ordinal"] = ORDINALS[m.group(1)]
            out["site"] = self.ids[ORDINALS[m.group(1)]]
            return text2
        text2, m = replace_first(r"\bsite (\d)\b", text, "{site}")
        if m and 0 < int(m.group(1)) <= len(self.ids):
            out["site"] = self.ids[int(m.group(1)) - 1]
            return text2
        m = PLACE.search(text)
        # "in the warehouse", "at our main plant": the place where stock is, not a site's name
        if m and m.group(1).split()[0] not in GENERIC_PLACE:
            out["unknown_site"] = m.group(1)
        return text

    @staticmethod
    def _replace(
        text: str, start: int, end: int, firsts: dict, out: dict, name: str | None = None
    ) -> str:
        out["site"] = firsts[name or re.sub(r"[ -]", "", text[start:end])]
        tail = re.match(r" (?:plant|site)\b", text[end:])
        end += tail.end() if tail else 0
        return text[:start] + "{site}" + text[end:]
