{#- Pre-/post-hook for a model whose range joins PostgreSQL misjudges: the
    planner estimates one row for a filtered CTE that holds thousands and
    then nests loops (int_health_inputs_aggregated_to_customer_week took
    more than 20 minutes on the 500-customer sample, 2 seconds with hash
    and merge joins). enabled=false turns nested loops off for the
    session, enabled=true restores the default. No statement on other
    engines. -#}
{% macro postgres_nested_loops(enabled) -%}
    {%- if target.type == 'postgres' -%}
        {%- if enabled -%}
            reset enable_nestloop
        {%- else -%}
            set enable_nestloop = off
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
