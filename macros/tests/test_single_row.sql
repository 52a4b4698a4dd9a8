{#- Generic test: the model has exactly one row. -#}
{% test single_row(model) %}

with

counted as (

    select count(*) as row_count from {{ model }}

)

select * from counted

where row_count != 1

{% endtest %}
