{#- Generic test: the boolean SQL expression holds on every row (optionally
    only where `where_clause` holds). Used for identities such as the MRR
    bridge. -#}
{% test expression_is_true(model, expression, where_clause=none) %}

with

failing as (

    select * from {{ model }}

    where
        not ({{ expression }})
        {%- if where_clause %}
        and ({{ where_clause }})
        {%- endif %}

)

select * from failing

{% endtest %}
