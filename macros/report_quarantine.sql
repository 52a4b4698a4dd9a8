{#- on-run-end: print quarantined row counts per export and reason as
    warnings, so a build on bad input never looks clean. -#}
{% macro report_quarantine(results) -%}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
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
    {{ return('') }}
{%- endmacro %}
