{#- on-run-end hook: on PostgreSQL, the read-only BI role (env var
    RETENTION_PG_REPORTER, default reporter) may use the marts schema; the
    tables themselves are granted by the marts' `grants` config. Other
    schemas (raw, staging, intermediate, utilities with the quarantine) stay
    closed to it. Nothing to do on DuckDB, which has no roles. -#}
{% macro grant_mart_schema_usage() -%}
    {%- if execute and target.type == 'postgres'
        and retention.retention_hooks_enabled() -%}
        grant usage on schema marts
        to {{ adapter.quote(env_var('RETENTION_PG_REPORTER', 'reporter')) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
