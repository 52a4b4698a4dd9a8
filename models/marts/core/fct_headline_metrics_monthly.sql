{# One row per month of fct_retention_kpis_monthly and headline metric of
   the metric registry (macros/metric_registry.sql), generated from it:
   the metric's value read from the model that defines it (its
   whole-business row), the previous month's value and the change, the
   model and column it comes from and its unit. A month without a row in
   the defining model is 0 for counts and amounts of nothing
   (when_missing: zero), NULL otherwise; NULL, never 0, when the system
   that records it delivered no data (covered_by). #}

{% set registry = metric_registry() %}

with

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

{#- which exports delivered data: one column per export a metric is
    covered by #}
{%- set exports = [] %}
{%- for metric in registry if metric.covered_by
    and metric.covered_by not in exports %}
    {%- do exports.append(metric.covered_by) %}
{%- endfor %}

coverage as (

    select
        {%- for export in exports %}
        {{ export_has_data(export) }} as has_{{ export }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
        {%- if not exports %}
        true as has_any
        {%- endif %}

    from {{ ref('util_export_reconciliation') }} as reconciliation

),
{% for metric in registry %}
{%- set column = metric.column or metric.name %}
{%- set value -%}
    {%- if metric.model == 'fct_retention_kpis_monthly' -%}
        kpis.{{ column }}
    {%- else -%}
        source_rows.metric_value
    {%- endif -%}
{%- endset %}
{%- if metric.when_missing == 'zero' %}
    {%- set value = 'coalesce(' ~ value ~ ', 0)' %}
{%- endif %}
{%- if metric.covered_by %}
    {%- set value = 'case when coverage.has_' ~ metric.covered_by
        ~ ' then ' ~ value ~ ' end' %}
{%- endif %}

metric_{{ loop.index }} as (

    select
        kpis.date_month,
        kpis.is_complete_period,
        '{{ metric.name }}' as metric_name,
        cast({{ value }} as {{ type_double() }}) as metric_value,
        '{{ metric.model }}' as defined_in_model,
        '{{ column }}' as defined_in_column,
        '{{ metric.unit }}' as metric_unit

    from kpis

    cross join coverage
    {%- if metric.model != 'fct_retention_kpis_monthly' %}

    left join (
        select
            {{ metric.month or 'date_month' }} as date_month,
            {{ column }} as metric_value

        from {{ ref(metric.model) }}
        {%- if metric.where == 'all' %}

        where dimension_name = 'all'
        {%- elif metric.where %}

        where {{ metric.where }}
        {%- endif %}
    ) as source_rows
        on kpis.date_month = source_rows.date_month
    {%- endif %}

),
{% endfor %}
unioned as (
    {% for metric in registry %}
    select * from metric_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (

    select
        cast(date_month as date) as date_month,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        metric_value,
        {{ previous_and_change(['metric_value'], partition_by='metric_name') }},
        cast(metric_unit as {{ dbt.type_string() }}) as metric_unit,
        cast(defined_in_model as {{ dbt.type_string() }}) as defined_in_model,
        cast(defined_in_column as {{ dbt.type_string() }})
            as defined_in_column,
        is_complete_period

    from unioned

)

select * from final
