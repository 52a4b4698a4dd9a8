{#- A count read from another mart's row for the month: 0 when that mart
    has no row (nothing happened), NULL when the system feeding it
    delivered no data at all (`covered` is false: unknown, not zero). -#}
{% macro count_if_covered(column, covered) -%}
    cast(
        case when {{ covered }} then coalesce({{ column }}, 0) end
        as {{ dbt.type_bigint() }}
    )
{%- endmacro %}

{#- True when the raw export `export_name` delivered at least one staged
    row (util_export_reconciliation): an export with none is an absent
    system, whose counts are NULL (unknown), never 0. A select-list
    expression over a relation aliased `reconciliation` that is
    util_export_reconciliation. -#}
{% macro export_has_data(export_name) -%}
    max(
        case
            when
                reconciliation.export_name = '{{ export_name }}'
                and reconciliation.staged_rows > 0
                then 1
            else 0
        end
    ) = 1
{%- endmacro %}
