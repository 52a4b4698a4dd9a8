{#- Post-hook of every model: on PostgreSQL, ANALYZE the table just built.
    dbt builds a chain of tables faster than autovacuum analyzes them, and
    without statistics the planner takes each new table for one row and
    nests loops: the health inputs took more than 6 minutes on the
    500-customer sample instead of seconds. Views and other engines: no
    statement. -#}
{% macro refresh_statistics() -%}
    {%- if target.type == 'postgres'
        and model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
