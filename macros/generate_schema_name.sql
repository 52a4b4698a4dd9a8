{#- Custom schemas apply to seeds (the raw sample lands in `raw`) and, in the
    prod, postgres and spark targets, to every folder that sets one
    (staging, intermediate, utilities, marts: a BI role is granted the
    marts schema only); dev and ci keep one schema. On spark, a target
    schema other than the default `main` prefixes them (RETENTION_SPARK_SCHEMA
    =team gives team_marts ...): one shared cluster, several builds. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.type == 'spark' and target.schema != 'main' -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- elif node.resource_type == 'seed'
        or target.name in ('prod', 'postgres', 'spark') -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
