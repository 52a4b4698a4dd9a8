{#- Generic test for models that cannot enforce a contract (dbt Python
    models): the relation has exactly the documented columns of the model's
    yml, in any order. One failing row per missing or unexpected column. -#}
{% test matches_columns(model) %}

{%- set documented = model_columns_documented(model) %}
{%- set actual = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(model) %}
        {%- do actual.append(column.name | lower) %}
    {%- endfor %}
{%- endif %}
{%- set problems = [] %}
{%- for name in documented if name not in actual %}
    {%- do problems.append('missing column ' ~ name) %}
{%- endfor %}
{%- for name in actual if name not in documented %}
    {%- do problems.append('undocumented column ' ~ name) %}
{%- endfor %}

select problem

from (
    select cast(null as {{ dbt.type_string() }}) as problem
    {%- for problem in problems %}
    union all
    select '{{ problem }}' as problem
    {%- endfor %}
) as problems

where problem is not null

{% endtest %}

{#- Names of the columns documented for the model under test. -#}
{% macro model_columns_documented(model) %}
    {%- set names = [] %}
    {%- if execute %}
        {%- set node = graph.nodes.values()
            | selectattr('name', 'equalto', model.identifier)
            | selectattr('resource_type', 'equalto', 'model') | first %}
        {%- for name in node.columns %}
            {%- do names.append(name | lower) %}
        {%- endfor %}
    {%- endif %}
    {{ return(names) }}
{% endmacro %}
