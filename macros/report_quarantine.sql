{#- on-run-end: print quarantined row counts per export and reason as
    warnings, so a build on bad input never looks clean; and one warning
    per export with no staged row, so an empty system never passes for
    customers who did nothing. -#}
{% macro report_quarantine(results) -%}
    {%- if not execute or flags.WHICH not in ['run', 'build']
        or not retention.retention_hooks_enabled() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(
        database=target.database, schema=target.schema,
        identifier='util_quarantined_rows') -%}
    {%- if relation is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set counts = run_query(
        "select export_name, reason, column_name, count(*) as row_count from "
        ~ relation ~ " group by 1, 2, 3 order by 1, 2, 3") -%}
    {%- for row in counts.rows -%}
        {%- do log("WARNING: quarantined " ~ row[3] ~ " row(s) of export '"
            ~ row[0] ~ "': " ~ row[1] ~ " (" ~ row[2] ~ ")", info=true) -%}
    {%- endfor -%}
    {%- set reconciliation = adapter.get_relation(
        database=target.database, schema=relation.schema,
        identifier='util_export_reconciliation') -%}
    {%- if reconciliation is not none -%}
        {%- set empty = run_query(
            "select export_name, raw_rows from " ~ reconciliation
            ~ " where staged_rows = 0 order by 1") -%}
        {%- for row in empty.rows -%}
            {%- do log("WARNING: export '" ~ row[0] ~ "' has no staged rows ("
                ~ row[1] ~ " raw): the marts built on it are empty and their "
                ~ "metrics NULL, not zero; the health score treats a missing "
                ~ "events or tickets export as neutral (has_product_data, "
                ~ "has_support_data)", info=true) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
