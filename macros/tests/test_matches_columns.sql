{#- Generic test for models that cannot enforce a contract (dbt Python
    models): the relation has exactly the documented columns of the model's
    yml, in any order, and each column with a documented data_type has that
    type (compared without case and spaces). One failing row per missing,
    unexpected or mistyped column. -#}
{% test matches_columns(model) %}

{%- set documented = model_columns_documented(model) %}
{%- set actual = {} %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(model) %}
        {%- do actual.update({column.name | lower: column.dtype}) %}
    {%- endfor %}
{%- endif %}
{%- set problems = [] %}
{%- for name, data_type in documented.items() %}
    {%- if name not in actual %}
        {%- do problems.append('missing column ' ~ name) %}
    {%- elif data_type and normalized_type(data_type)
        != normalized_type(actual[name]) %}
        {%- do problems.append('column ' ~ name ~ ' is ' ~ actual[name]
            ~ ', documented ' ~ data_type) %}
    {%- endif %}
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

{#- A type name without case or spaces ('DECIMAL(18,4)' = 'decimal(18, 4)'),
    'double precision' read as DuckDB's 'DOUBLE'. -#}
{% macro normalized_type(data_type) %}
    {{ return((data_type or '') | lower | replace('double precision', 'double')
        | replace(' ', '')) }}
{% endmacro %}

{#- Column name -> documented data_type ('' when none) of the model under
    test. -#}
{% macro model_columns_documented(model) %}
    {%- set names = {} %}
    {%- if execute %}
        {%- set node = graph.nodes.values()
            | selectattr('name', 'equalto', model.identifier)
            | selectattr('resource_type', 'equalto', 'model') | first %}
        {%- for name, column in node.columns.items() %}
            {%- do names.update({name | lower: column.data_type or ''}) %}
        {%- endfor %}
    {%- endif %}
    {{ return(names) }}
{% endmacro %}
