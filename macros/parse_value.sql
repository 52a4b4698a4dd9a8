{#- SQL expression that parses a raw text value into `kind`, or NULL when it
    cannot be parsed. Kinds: string, integer, money, number, timestamp, date,
    boolean. Engine-specific parts go through adapter.dispatch. -#}
{% macro parse_value(column, kind) -%}
    {{ return(adapter.dispatch('parse_value', 'retention')(column, kind)) }}
{%- endmacro %}

{% macro default__parse_value(column, kind) -%}
    {%- if kind == 'string' -%}
        {{ column }}
    {%- elif kind == 'integer' -%}
        case
            when {{ retention.matches_regex(column, '^[+-]?[0-9]+$') }}
                then {{ dbt.safe_cast(column, dbt.type_bigint()) }}
        end
    {%- elif kind == 'money' -%}
        case
            when {{ retention.matches_regex(column, '^[+-]?[0-9]+([.][0-9]+)?$') }}
                then {{ dbt.safe_cast(column, 'decimal(18, 4)') }}
        end
    {%- elif kind == 'number' -%}
        case
            when {{ retention.matches_regex(column, '^[+-]?[0-9]+([.][0-9]+)?$') }}
                then {{ dbt.safe_cast(column, 'decimal(18, 8)') }}
        end
    {%- elif kind == 'timestamp' -%}
        {{ retention.parse_utc_timestamp(column) }}
    {%- elif kind == 'date' -%}
        case
            when {{ retention.matches_regex(column, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
                then {{ dbt.safe_cast(column, 'date') }}
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower({{ column }}) in ('true', 't', '1', 'yes', 'y') then true
            when lower({{ column }}) in ('false', 'f', '0', 'no', 'n') then false
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_value: unknown kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}
