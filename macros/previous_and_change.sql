{#- For each column of `columns`: previous_<column> = its value in the
    previous row (by `order_by`) and <column>_change = the column minus
    that value (NULL when either is NULL), cast to types[column] when
    given (a DECIMAL difference otherwise gains a digit); within each
    `partition_by` group when given (e.g. a slice and topic). Emits
    comma-separated select-list items (no trailing comma). -#}
{% macro previous_and_change(columns, types={}, order_by='date_month',
                             partition_by=none) -%}
    {%- set window -%}
        ({% if partition_by %}partition by {{ partition_by }} {% endif -%}
        order by {{ order_by }})
    {%- endset %}
    {%- for column in columns %}
        {%- set change -%}
            {{ column }} - lag({{ column }}) over {{ window }}
        {%- endset %}
        lag({{ column }}) over {{ window }}
            as previous_{{ column }},
        {%- if column in types %}
        cast({{ change }} as {{ types[column] }}) as {{ column }}_change
        {%- else %}
        {{ change }} as {{ column }}_change
        {%- endif %}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
