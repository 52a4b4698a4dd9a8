{#- A select of literal rows: `rows` (lists of plain values, None for
    NULL, in the order of `columns`) as a union of selects, each value a
    text literal cast to its column's type (every engine parses the text
    of a double to the same bits); no rows -> an empty select of the same
    columns. `columns` is a list of (name, SQL type). For the results the
    CLI computes in Python on server engines and hands over in a var
    (clv_model_parameters, fct_clv_backtest). -#}
{% macro literal_rows(rows, columns) -%}
{%- for row in rows %}
select
    {%- for name, data_type in columns %}
    {%- if row[loop.index0] is none %}
    cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- else %}
    cast({{ retention.text_literal(row[loop.index0]) }}
        as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endif %}
    {%- endfor %}
{{ 'union all' if not loop.last }}
{%- endfor %}
{%- if not rows %}
select
    {%- for name, data_type in columns %}
    cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
where 1 = 0
{%- endif %}
{%- endmacro %}

{#- `value` as a quoted SQL text literal that reads back as the same text on
    every engine: a quote inside is doubled, or escaped on Spark, which
    reads '' as two adjacent literals and treats a backslash as an escape
    (doubled there). -#}
{% macro text_literal(value) -%}
    {%- set quote = "\\'" if target.type == 'spark' else "''" -%}
    {%- set backslash = '\\\\' if target.type == 'spark' else '\\' -%}
    '{{ value | string | replace('\\', backslash) | replace("'", quote) }}'
{%- endmacro %}
