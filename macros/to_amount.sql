{#- A money amount, DECIMAL(18,4), from an expression that may be floating
    point (a ratio, an FX product). Going through DECIMAL(38,9) first makes
    the rounding the same on every engine: PostgreSQL converts a double to
    numeric through its shortest decimal text, DuckDB from the binary value,
    so a direct cast can round a tie like 307.77615 up on one and down on
    the other. -#}
{% macro to_amount(expression) -%}
    cast(cast({{ expression }} as decimal(38, 9)) as decimal(18, 4))
{%- endmacro %}
