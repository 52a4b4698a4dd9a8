{#- Timestamp literal: the moment this dbt invocation started (UTC). A fixed
    literal per run keeps views deterministic within a build. -#}
{% macro run_started_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}'
        as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The build's start as the future cutoff: activity recorded after it
    cannot be real and is quarantined as future_timestamp. -#}
{% macro future_cutoff() -%}
    {{ retention.run_started_timestamp() }}
{%- endmacro %}
