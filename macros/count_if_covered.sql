{#- A count read from another mart's row for the month: 0 when that mart
    has no row (nothing happened), NULL when the system feeding it
    delivered no data at all (`covered` is false: unknown, not zero). -#}
{% macro count_if_covered(column, covered) -%}
    cast(
        case when {{ covered }} then coalesce({{ column }}, 0) end
        as {{ dbt.type_bigint() }}
    )
{%- endmacro %}
