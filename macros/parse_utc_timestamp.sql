{#- ISO 8601 text -> timestamp in UTC (no time zone), NULL if unparseable.
    Text without an offset is UTC (the raw-export contract); text with an
    offset (Z, +02:00, -0500, +00) is converted to UTC. Impossible dates
    and times such as 2024-02-30 or 25:00 give NULL on every engine: the
    text must match the ISO pattern and name a real day and time before it
    is cast. -#}
{% macro parse_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'retention')(column)) }}
{%- endmacro %}

{#- YYYY-MM-DD, optional [T ]HH:MM[:SS[.fff]], optional Z or an offset of
    at most 14 hours (+HH[:MM]), as PostgreSQL's cast accepts. -#}
{% macro iso_timestamp_pattern() -%}
    {{ return('^[0-9]{4}-[0-9]{2}-[0-9]{2}'
        ~ '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,9})?)?)?'
        ~ '(Z|' ~ retention.iso_zone_offset() ~ ')?$') }}
{%- endmacro %}

{#- An offset a real time zone can have: at most 14 hours. -#}
{% macro iso_zone_offset() -%}
    {{ return('[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?') }}
{%- endmacro %}

{% macro iso_offset_pattern() -%}
    {{ return('[T ][0-9:.]+[+-][0-9]{2}(:?[0-9]{2})?$') }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(column) -%}
    case
        when {{ retention.matches_regex(column, retention.iso_timestamp_pattern()) }}
            and {{ retention.is_calendar_date(column) }}
            then {{ retention.try_cast(column, dbt.type_timestamp()) }}
    end
{%- endmacro %}

{% macro postgres__parse_utc_timestamp(column) -%}
    case
        when not ({{ retention.matches_regex(
            column, retention.iso_timestamp_pattern()) }}
            and {{ retention.is_calendar_date(column) }})
            then null
        when {{ retention.matches_regex(column, retention.iso_offset_pattern()) }}
            then cast({{ column }} as timestamptz) at time zone 'UTC'
        else cast(regexp_replace({{ column }}, 'Z$', '') as timestamp)
    end
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(column) -%}
    case
        {#- DuckDB has a year 0, PostgreSQL and the calendar do not #}
        when starts_with({{ column }}, '0000') then null
        when not regexp_matches(
            {{ column }}, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?'
        ) then null
        when regexp_matches({{ column }}, '{{ retention.iso_offset_pattern() }}')
            then case
                {#- DuckDB accepts +25:00; no real zone is over 14 hours #}
                when not regexp_matches(
                    {{ column }}, '{{ retention.iso_zone_offset() }}$'
                ) then null
                else timezone('UTC', try_cast({{ column }} as timestamptz))
            end
        else try_cast(regexp_replace({{ column }}, 'Z$', '') as timestamp)
    end
{%- endmacro %}
