{#- Custom schemas apply to seeds (the raw sample lands in `raw`) and, in the
    prod and postgres targets, to every folder that sets one (staging,
    intermediate, utilities, marts: a BI role is granted the marts schema
    only); dev and ci keep one schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif node.resource_type == 'seed'
        or target.name in ('prod', 'postgres', 'spark') -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
