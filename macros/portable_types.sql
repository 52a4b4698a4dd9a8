{#- The double-precision type on every engine: Spark has no `double
    precision` and gets `double`; DuckDB and PostgreSQL keep the standard
    spelling (so their compiled SQL, and the published column types, do not
    change). -#}
{% macro type_double() -%}
    {{ 'double' if target.type == 'spark' else 'double precision' }}
{%- endmacro %}
