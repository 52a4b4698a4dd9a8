{#- ISO 8601 text -> timestamp in UTC (no time zone), NULL if unparseable.
    Text without an offset is UTC (the raw-export contract); text with an
    offset (Z, +02:00, -0500, +00) is converted to UTC. Impossible dates
    such as 2024-02-30 give NULL. -#}
{% macro parse_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'retention')(column)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(column) -%}
    {{ dbt.safe_cast(column, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(column) -%}
    case
        when not regexp_matches(
            {{ column }}, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?'
        ) then null
        when regexp_matches(
            {{ column }}, '[T ][0-9:.]+[+-][0-9]{2}(:?[0-9]{2})?$'
        )
            then timezone('UTC', try_cast({{ column }} as timestamptz))
        else try_cast(regexp_replace({{ column }}, 'Z$', '') as timestamp)
    end
{%- endmacro %}
