{# Every wide metric of the registry: the column of
   fct_retention_kpis_monthly equals the value fct_headline_metrics_monthly
   reads from the model that defines it (its whole-business row, with the
   registry's rule for a month without a row and for an absent system),
   month by month. A wrong slice, join or copy in the KPI mart shows here.
   Returns the months and metrics that differ, and any month without its
   metric's row. #}

{% set wide = [] %}
{% for metric in metric_registry() if metric.wide %}
{% do wide.append(metric.name) %}
{% endfor %}

with

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

headline as (

    select * from {{ ref('fct_headline_metrics_monthly') }}

),

wide_values as (
    {% for name in wide %}
    select
        date_month,
        '{{ name }}' as metric_name,
        cast({{ name }} as double precision) as kpi_value

    from kpis
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

compared as (

    select
        wide_values.date_month,
        wide_values.metric_name,
        wide_values.kpi_value,
        headline.metric_value,
        headline.metric_name as headline_metric_name

    from wide_values

    left join headline
        on
            wide_values.date_month = headline.date_month
            and wide_values.metric_name = headline.metric_name

)

select *

from compared

where
    headline_metric_name is null
    or (kpi_value is null) != (metric_value is null)
    or abs(kpi_value - metric_value) > 1e-9 * (1 + abs(kpi_value))
