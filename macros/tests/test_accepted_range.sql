{#- Generic test: every non-NULL value of the column lies within
    [min_value, max_value] (either bound optional). A NULL passes: rates are
    NULL when their denominator is 0. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

with

checked as (

    select {{ column_name }} as checked_value

    from {{ model }}

    where
        {{ column_name }} is not null
        and (
            {%- if min_value is not none %}
            {{ column_name }} < {{ min_value }}
            {%- else %}
            false
            {%- endif %}
            {%- if max_value is not none %}
            or {{ column_name }} > {{ max_value }}
            {%- endif %}
        )

)

select * from checked

{% endtest %}
