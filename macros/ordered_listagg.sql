{#- A delimited list of `measure` in the order of `order_column`, on every
    engine: dbt.listagg where it honours an order, and on Spark (whose
    listagg ignores one) the values sorted by (order, value) from
    collect_list. -#}
{% macro ordered_listagg(measure, delimiter_text, order_column) -%}
    {%- if target.type == 'spark' -%}
        array_join(transform(
            array_sort(collect_list(struct({{ order_column }}, {{ measure }}))),
            entry -> entry.{{ measure.split('.')[-1] }}
        ), {{ delimiter_text }})
    {%- else -%}
        {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_column) }}
    {%- endif -%}
{%- endmacro %}
