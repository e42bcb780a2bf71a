"""Q&A eval over the demo plant (what `stockwise eval qa` runs):

python -m evals.qa [--model M] [--limit N] [--json] [--set tuned|blind]
"""

from __future__ import annotations

import argparse

from evals.qa.run import main


def cli() -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.qa")
    parser.add_argument(
        "--model", default=None, help="model name at the configured endpoint; default: settings"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument(
        "--json", dest="as_json", action="store_true", help="scores and per-question rows as JSON"
    )
    parser.add_argument(
        "--set",
        dest="set_name",
        default="tuned",
        choices=("tuned", "blind", "dev", "dev2", "dev3"),
        help="tuned: evals/qa/questions.py; blind: the frozen evals/qa/blind/ set; dev, dev2, "
        "dev3: evals/qa/dev*/, the phrasings the planner is developed against (not evidence)",
    )  # fmt: skip
    args = parser.parse_args()
    return main(model=args.model, limit=args.limit, as_json=args.as_json, set_name=args.set_name)


if __name__ == "__main__":
    raise SystemExit(cli())
