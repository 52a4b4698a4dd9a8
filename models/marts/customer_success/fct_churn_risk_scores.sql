{# One row per customer of the latest weekly health snapshot: the
   churn-risk model's probability of logo churn within var
   churn_horizon_days, its calibration band (the back-test decile it
   falls in, with that decile's observed churn rate) and the three inputs
   that raise its risk most, in words (see the yml). SQL on every engine
   from fct_churn_risk_model_parameters: logit = intercept + sum of
   coefficient x (value, or the training median when missing, minus the
   training mean) / training scale; an input's contribution is its term.
   retention_lib.churn_risk.ChurnModel is the reference, checked equal on
   DuckDB. The inputs listed here are retention_lib.churn_risk.FEATURES
   and OPTIONAL. #}

{%- set features = [
    'usage_score', 'breadth_score', 'support_score', 'billing_score',
    'sentiment_score', 'user_count', 'active_users_30d', 'events_30d',
    'events_previous_30d', 'key_features_used', 'open_tickets',
    'open_urgent_tickets', 'slow_resolutions_90d', 'failed_payments_90d',
    'overdue_invoices', 'latest_nps_score', 'latest_csat_score'] %}
{%- set optional = ['latest_nps_score', 'latest_csat_score'] %}

with

parameters as (

    select * from {{ ref('fct_churn_risk_model_parameters') }}

),

backtest as (

    select * from {{ ref('fct_churn_risk_backtest') }}

),

latest as (

    select * from {{ ref('int_health_snapshots_sampled_to_quarter') }}

    where is_latest

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

-- one row per customer and model input: its value (NULL when missing);
-- the optional inputs also as 1 / 0 for missing / present
inputs as (

    {%- for name in features %}

    select
        customer_id,
        '{{ name }}' as input_name,
        cast({{ name }} as {{ type_double() }}) as raw_value

    from latest

    union all

    {%- endfor %}
    {%- for name in optional %}

    select
        customer_id,
        'missing_{{ name }}' as input_name,
        case
            when {{ name }} is null
                then cast(1 as {{ type_double() }})
            else cast(0 as {{ type_double() }})
        end as raw_value

    from latest
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

standardized as (

    select
        inputs.customer_id,
        inputs.input_name,
        inputs.raw_value,
        parameters.description,
        parameters.coefficient,
        (
            coalesce(
                inputs.raw_value,
                parameters.training_median,
                cast(0 as {{ type_double() }})
            )
            - parameters.training_mean
        )
        / parameters.training_scale as standardized_value

    from inputs

    inner join parameters
        on inputs.input_name = parameters.input_name

),

contributions as (

    select
        customer_id,
        input_name,
        raw_value,
        description,
        standardized_value,
        coefficient * standardized_value as contribution

    from standardized

),

intercept as (

    select coefficient

    from parameters

    where input_name = 'intercept'

),

-- the contributions summed as decimals: a sum of doubles depends on the
-- order of its rows, and two builds of the same data must be equal
logits as (

    select
        contributions.customer_id,
        intercept.coefficient
        + cast(
            sum(cast(contributions.contribution as decimal(38, 18)))
            as {{ type_double() }}
        ) as logit

    from contributions

    cross join intercept

    group by contributions.customer_id, intercept.coefficient

),

probabilities as (

    select
        customer_id,
        case
            when logit >= 0
                then 1 / (1 + {{ exp_or_zero('-logit') }})
            else {{ exp_or_zero('logit') }} / (1 + {{ exp_or_zero('logit') }})
        end as churn_probability

    from logits

),

ranked as (

    select
        customer_id,
        case
            when input_name like 'missing%' then description
            when standardized_value > 0
                then {{ dbt.concat(["'high '", 'description']) }}
            else {{ dbt.concat(["'low '", 'description']) }}
        end as reason,
        row_number() over (
            partition by customer_id
            order by contribution desc, input_name asc
        ) as reason_rank

    from contributions

    -- a missing survey answer is named by its indicator only (the
    -- training median standing in for it says nothing of the customer)
    where contribution > 0 and raw_value is not null

),

reasons as (

    select
        customer_id,
        max(case when reason_rank = 1 then reason end) as top_reason_1,
        max(case when reason_rank = 2 then reason end) as top_reason_2,
        max(case when reason_rank = 3 then reason end) as top_reason_3

    from ranked

    where reason_rank <= 3

    group by customer_id

),

deciles as (

    select
        cast(label as {{ dbt.type_int() }}) as risk_decile,
        min_predicted_probability,
        churn_rate

    from backtest

    where scorer = 'churn_model' and section = 'decile'

),

-- the highest back-test decile whose smallest prediction is at most the
-- customer's probability (the lowest decile below that)
banded as (

    select
        probabilities.customer_id,
        coalesce(max(deciles.risk_decile), 1) as risk_decile

    from probabilities

    left join deciles
        on probabilities.churn_probability >= deciles.min_predicted_probability

    group by probabilities.customer_id

),

model_status as (

    select max(status_reason) as status_reason

    from backtest

    where scorer = 'churn_model' and section = 'overall'

)

select
    latest.customer_id,
    cast(latest.snapshot_date as date) as snapshot_date,
    cast(probabilities.churn_probability as {{ type_double() }})
        as churn_probability,
    cast(banded.risk_decile as {{ dbt.type_int() }}) as risk_decile,
    cast(deciles.churn_rate as {{ type_double() }}) as decile_churn_rate,
    cast(reasons.top_reason_1 as {{ dbt.type_string() }}) as top_reason_1,
    cast(reasons.top_reason_2 as {{ dbt.type_string() }}) as top_reason_2,
    cast(reasons.top_reason_3 as {{ dbt.type_string() }}) as top_reason_3,
    cast(latest.health_score as {{ dbt.type_bigint() }}) as health_score,
    cast(latest.health_band as {{ dbt.type_string() }}) as health_band,
    cast(
        case
            when probabilities.churn_probability is null
                then coalesce(
                    model_status.status_reason, 'churn-risk model not fitted'
                )
        end as {{ dbt.type_string() }}
    ) as unscored_reason,
    cast(as_of.as_of_date as date) as as_of_date

from latest

cross join as_of

cross join model_status

left join probabilities
    on latest.customer_id = probabilities.customer_id

left join banded
    on latest.customer_id = banded.customer_id

left join deciles
    on banded.risk_decile = deciles.risk_decile

left join reasons
    on latest.customer_id = reasons.customer_id
