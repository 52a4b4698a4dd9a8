{#- Two CTEs, `churn_dates` and `churn_hits`, the one definition of "a
    logo churn within the horizon after a snapshot" (docs/metrics.md
    section 7; retention_lib.health.churn_labels is the Python reference):
    churn_hits holds each (snapshot_date, customer_id) of the CTE named
    `snapshots` that has a logo churn month of the customer whose last day
    falls in (snapshot_date, snapshot_date + horizon_days]. Written where a
    CTE goes: `{{ churn_within_horizon('eligible', 90) }},`. -#}
{% macro churn_within_horizon(snapshots, horizon_days) -%}
churn_dates as (

    select distinct
        customer_id,
        {{ dbt.last_day('date_month', 'month') }} as churn_date

    from {{ ref('fct_customer_mrr_monthly') }}

    where movement = 'churn'

),

churn_hits as (

    select distinct
        {{ snapshots }}.snapshot_date,
        {{ snapshots }}.customer_id

    from {{ snapshots }}

    inner join churn_dates
        on
            {{ snapshots }}.customer_id = churn_dates.customer_id
            and {{ snapshots }}.snapshot_date < churn_dates.churn_date
            and churn_dates.churn_date <= cast({{ dbt.dateadd(
                'day', horizon_days, snapshots ~ '.snapshot_date') }} as date)

)
{%- endmacro %}
