{#- One row per back-test snapshot (a weekly snapshot whose horizon has
    fully passed by as_of_date) and one row for all of them pooled:
    customers, churners within the horizon, churn rate, ROC AUC of
    (100 - health_score), top-decile lift, churn rate per band and each
    component's own AUC. Plain SQL so that it builds on every engine;
    retention_lib.health.backtest is the reference, and a test checks that
    both agree exactly on DuckDB.
    - churned: a logo churn month of the customer whose last day falls in
      (snapshot_date, snapshot_date + horizon_days];
    - ROC AUC from midranks (the Mann-Whitney statistic; ties count half):
      (sum of the churners' midranks - P (P + 1) / 2) / (P N), NULL when
      either class is empty;
    - top-decile lift: churn rate of the ceil(n / 10) riskiest (ties broken
      by snapshot_date, customer_id) over the overall churn rate, NULL
      without churn. -#}

{%- set horizon_days = config.get('horizon_days') -%}
{%- set measures = {
    'health': 'health_score', 'usage': 'usage_score',
    'breadth': 'breadth_score', 'support': 'support_score',
    'billing': 'billing_score', 'sentiment': 'sentiment_score'} -%}

with

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

snapshots as (

    select * from {{ ref('fct_customer_health_snapshots') }}

),

eligible as (

    select snapshots.*

    from snapshots

    cross join as_of

    where
        cast(
            {{ dbt.dateadd('day', horizon_days, 'snapshots.snapshot_date') }}
            as date
        )
        <= as_of.as_of_date

),

{{ churn_within_horizon('eligible', horizon_days) }},

labelled as (

    select
        eligible.*,
        case when churn_hits.customer_id is null then 0 else 1 end as churned

    from eligible

    left join churn_hits
        on
            eligible.snapshot_date = churn_hits.snapshot_date
            and eligible.customer_id = churn_hits.customer_id

),

{#- each observation once per snapshot and once in the pooled group, once
    per measure: risk = 100 - score #}

risks as (

    {%- for scope in ['snapshot', 'all_snapshots'] %}
    {%- set outer_loop = loop %}
    {%- for name, column in measures.items() %}
    select
        '{{ scope }}' as scope,
        {{ 'snapshot_date' if scope == 'snapshot' else 'cast(null as date)' }}
            as group_date,
        '{{ name }}' as measure,
        churned,
        health_band,
        snapshot_date,
        customer_id,
        100 - cast({{ column }} as {{ type_double() }}) as risk
    from labelled
    {%- if not (loop.last and outer_loop.last) %}

    union all

    {% endif -%}
    {%- endfor %}
    {%- endfor %}

),

ranked as (

    select
        *,
        rank()
            over (
                partition by scope, group_date, measure order by risk
            )
        + (count(*) over (partition by scope, group_date, measure, risk) - 1)
        / 2.0 as midrank,
        row_number() over (
            partition by scope, group_date, measure
            order by risk desc, snapshot_date asc, customer_id asc
        ) as risk_order,
        count(*) over (partition by scope, group_date, measure) as customers

    from risks

),

per_measure as (

    select
        scope,
        group_date,
        measure,
        max(customers) as customers,
        sum(churned) as churned_customers,
        sum(case when churned = 1 then midrank else 0 end)
            as churner_rank_sum,
        sum(
            case
                when risk_order <= ceiling(customers / 10.0) then churned
                else 0
            end
        ) as top_churned,
        {%- for band in ['green', 'yellow', 'red'] %}
        sum(case when health_band = '{{ band }}' then 1 else 0 end)
            as {{ band }}_customers,
        sum(case when health_band = '{{ band }}' then churned else 0 end)
            as {{ band }}_churned,
        {%- endfor %}
        sum(case when risk_order <= ceiling(customers / 10.0) then 1 else 0 end)
            as top_size

    from ranked

    group by 1, 2, 3

),

measured as (

    select
        *,
        case
            when churned_customers > 0 and churned_customers < customers
                then
                    (
                        cast(churner_rank_sum as {{ type_double() }})
                        - cast(churned_customers as {{ type_double() }})
                        * (churned_customers + 1) / 2
                    )
                    / cast(
                        churned_customers * (customers - churned_customers)
                        as {{ type_double() }}
                    )
        end as roc_auc,
        {%- for band in ['green', 'yellow', 'red'] %}
        case
            when {{ band }}_customers > 0
                then
                    cast({{ band }}_churned as {{ type_double() }})
                    / {{ band }}_customers
        end as {{ band }}_churn_rate,
        {%- endfor %}
        case
            when churned_customers > 0
                then
                    (cast(top_churned as {{ type_double() }}) / top_size)
                    / (
                        cast(churned_customers as {{ type_double() }})
                        / customers
                    )
        end as top_decile_lift

    from per_measure

)

select
    scope,
    group_date as snapshot_date,
    cast(max(customers) as {{ dbt.type_bigint() }}) as customers,
    cast(max(churned_customers) as {{ dbt.type_bigint() }})
        as churned_customers,
    cast(max(churned_customers) as {{ type_double() }}) / max(customers)
        as churn_rate,
    {%- for column in ['roc_auc', 'top_decile_lift', 'green_churn_rate',
                       'yellow_churn_rate', 'red_churn_rate'] %}
    max(case when measure = 'health' then {{ column }} end) as {{ column }},
    {%- endfor %}
    {%- for name in ['usage', 'breadth', 'support', 'billing'] %}
    max(case when measure = '{{ name }}' then roc_auc end)
        as {{ name }}_roc_auc,
    {%- endfor %}
    max(case when measure = 'sentiment' then roc_auc end)
        as sentiment_roc_auc

from measured

group by 1, 2
