"""The demo plant: a fixed catalog of named entities and a deterministic generator.

A leaf of the architecture: only the surfaces (through `assistant/startup.py`), the evals
and the tests use it. `generator.generate_demo(out_dir, scale=, seed=)` writes a dataset;
`ensure.ensure_demo(settings)` returns the demo folder, generating it on first use.
"""

# Bump when the generator's output changes: a demo made by an older version is rebuilt on
# its next use instead of being read with figures the docs and benchmarks no longer match.
# 2: a machine's own kit consumables are drawn for its work orders only.
GENERATOR_VERSION = 2
# Versions `generate_demo` can still make. 3 is the ambiguous plant of real item masters
# (multi-category suppliers, dual use, subcontracting, messy descriptions, label noise); it
# is chosen explicitly (`stockwise demo --generator-version 3`, the classification eval) so
# the default plant, which the Q&A sets and tests quote, keeps its bytes.
# 4 adds several behaviours per category and uses that change (`v4_situations.py`): traded
# goods, service parts, products turned components, make-to-buy, insurance spares, workshop
# material.
# 5 breaks the rules behaviour alone still followed in 4 (`v5_situations.py`): finished
# goods shipped to a distribution centre or packed into kits, flat BOMs, consumables in
# BOMs, spares made in the workshop, made items' master data as planners keep it.
GENERATOR_VERSIONS = (2, 3, 4, 5)
