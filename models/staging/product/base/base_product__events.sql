{# Validation of raw export `events` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason.
   Incremental on DuckDB (events are the largest export and grow by
   appending): a run validates only the new raw rows and those whose result
   may have changed (macro delete_revalidated_rows); the table equals a full
   validation (tested). A table on the server engines. #}

{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    incremental_strategy=('append' if target.type == 'duckdb' else none),
    on_schema_change='append_new_columns',
    pre_hook="{{ retention.delete_revalidated_rows('product', 'events') }}"
) }}

{{ retention.validate_source('product', 'events', parents=[
    ref('base_product__users'),
    ref('base_billing__customers'),
]) }}
