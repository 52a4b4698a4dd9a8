{# For every headline metric, previous_<metric> is the metric's value in
   the calendar month before (NULL in the first month) and
   <metric>_change = metric - previous_<metric>, recomputed with a
   self-join on months rather than the model's window (relative tolerance
   1e-9: the comparison is in floating point). #}

{% set headline_metrics = headline_metrics() %}

with

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

{% set previous_month = dbt.dateadd('month', -1, 'this_month.date_month') %}
paired as (
    {% for metric in headline_metrics %}
    select
        this_month.date_month,
        '{{ metric }}' as metric_name,
        cast(this_month.{{ metric }} as double precision) as metric_value,
        cast(this_month.previous_{{ metric }} as double precision)
            as previous_value,
        cast(this_month.{{ metric }}_change as double precision)
            as change_value,
        cast(earlier.{{ metric }} as double precision)
            as recomputed_previous_value
    from kpis as this_month
    left join kpis as earlier
        on {{ previous_month }} = earlier.date_month
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

failing as (

    select *

    from paired

    where
        coalesce(abs(previous_value - recomputed_previous_value), 0)
        > 1e-9 * (1 + abs(previous_value))
        or (previous_value is null) != (recomputed_previous_value is null)
        or coalesce(
            abs(change_value - (metric_value - recomputed_previous_value)), 0
        ) > 1e-9 * (1 + abs(metric_value))
        or (change_value is null)
        != (metric_value is null or recomputed_previous_value is null)

)

select * from failing
