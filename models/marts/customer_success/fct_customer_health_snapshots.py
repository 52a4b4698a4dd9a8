"""One row per weekly snapshot and subscribed customer (see the yml).

A thin wrapper over retention_lib.health.score_snapshots.
"""

import json


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import health
    from retention_lib.typed import relation_with_types

    inputs = dbt.ref("int_health_inputs_aggregated_to_customer_week").df().sort_values(
        ["snapshot_date", "customer_id"], kind="stable", ignore_index=True)
    scored = health.score_snapshots(
        inputs,
        weights=json.loads(dbt.config.get("health_weights")),
        n_key_features=int(dbt.config.get("health_key_feature_count")),
        green_min=float(dbt.config.get("health_green_min")),
        yellow_min=float(dbt.config.get("health_yellow_min")))
    # every non-text column typed (also right when there is no snapshot)
    return relation_with_types(session, scored, {
        **{f"{component}_{part}": "double"
           for component in health.COMPONENTS
           for part in ("score", "contribution")},
        "snapshot_date": "date", "health_score": "bigint",
        "has_product_data": "boolean", "has_support_data": "boolean"})
