{#- Timestamp literal: the moment this dbt invocation started (UTC). Activity
    recorded after it cannot be real and is quarantined as future_timestamp.
    A fixed literal per run keeps views deterministic within a build. -#}
{% macro future_cutoff() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}'
        as {{ dbt.type_timestamp() }})
{%- endmacro %}
