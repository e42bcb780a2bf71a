"""The default demo plant (generator version 2, scale 1, seed 42) is what the Q&A evals, the
frozen blind question set and many tests name items and figures from: adding generator
versions must leave it byte for byte as it was. The digests were taken from the generator
before version 3 existed."""

from __future__ import annotations

import hashlib

# sha256 of every table file of `generate_demo(scale=1.0, seed=42)`; the documents are left
# out because they are copied from knowledge/, which changes on its own schedule.
DEFAULT_DEMO_SHA256 = {
    "boms.csv": "9c2569529fc7729fae9222a0c5b8d22327e7c0a8cb4980a5a776b93513f4a4ef",
    "equipment.csv": "0298319eda056aa0bac2d301c689d6b3c407129df431ab2a6cc1cd259fbdee67",
    "equipment_usage.csv": "17094d6f6b09a7e3e01da631c9560a3379a3ccf6e99e2a7bcc5de1012cd39cc0",
    "items.csv": "276ca591b4cd32f94348b4ce84bb9cfb0fd339da78da52e76ab2a66a79b7be70",
    "labels.csv": "c837803a811ac5c34ac446161759725705455981c9651307932a05f5967c2528",
    "meta.json": "363c7ee1170d6a005e4aaf0647ca46720684ce961c08eee6f9317dc7ee0625e7",
    "order_progress.csv": "dfe620e876fe0cf34b96d805dd01cf6a25cf9ee0626c264a02c848818690673e",
    "planted_anomalies.csv": "6c05d42c04537cf12298e9204f1639ce3c9e32df063a93907d7125f62ea77015",
    "pm_plan_parts.csv": "36ff2cb41dad881bb554998e846868b2cc3daf7093a68d7e05d85a7b0ee77e7d",
    "pm_plans.csv": "a729a40a825c9c13d985a62a57827ba07f2e997ba4ec41e3bc254793372c5c0e",
    "production_orders.csv": "1d10492dc8c1cd8d9363d6f5c5ed930ae0b4c0a83f7dfff78b3a5c6b2a09b54c",
    "routings.csv": "0e1df7804b2ae6c5790645aa4a85bf2a425defe2553bd9c0b9e5ab317786dc86",
    "sites.csv": "c8d41e479383e3e1e891bf02e24bc741c0a6088f0859427e94343b38e6cb4ae4",
    "stock_levels.csv": "2f2babb2ac4d4579f423ddbb5985289d49a9c9f0dfccd9fdde80fe64c071c155",
    "suppliers.csv": "4dca1ded9ae9a0eb1437414345b2803164d155e88b558330ec9bb466605fe298",
    "transactions.csv": "897df5e10a29dd0ea9f9b7a05d8730295518a0e2e4fd707f03ae1fed491aec73",
    "work_orders.csv": "f190f9f0720912c178065eff7318d09635b5c5ca498ed915c00642b5b1817679",
}


def test_default_demo_tables_are_byte_for_byte_unchanged(demo_dir):
    written = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(demo_dir.iterdir())
        if p.is_file()
    }
    assert written.keys() == DEFAULT_DEMO_SHA256.keys()
    changed = [name for name, digest in DEFAULT_DEMO_SHA256.items() if written[name] != digest]
    assert changed == []
