{# One row per month (of responded_at, up to as_of_date) and slice (all,
   segment, plan_tier, acquisition_channel, country_code): NPS, CSAT and CES with their respondent counts.
   nps = 100 x (promoters (9-10) - detractors (0-6)) / NPS responses;
   csat_rate = CSAT responses scoring 4 or 5 / CSAT responses; ces_score =
   mean effort score (1 .. var ces_scale_max, lower is easier). A metric
   with no responses is NULL. The plan tier is the customer's in that month
   ('none' when not paying). #}

{% set dimensions = [
    'segment', 'plan_tier', 'acquisition_channel', 'country_code'
] %}

with

responses as (

    select * from {{ ref('stg_support__survey_responses') }}

),

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

classified as (

    select
        responses.response_id,
        responses.survey_type,
        responses.score,
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date)
            as date_month,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(customers.acquisition_channel, 'unknown')
            as acquisition_channel,
        coalesce(customers.country_code, 'unknown') as country_code,
        coalesce(customer_months.plan_tier, 'none') as plan_tier

    from responses

    inner join as_of
        on cast(responses.responded_at as date) <= as_of.as_of_date

    left join customers
        on responses.customer_id = customers.customer_id

    left join customer_months
        on
            responses.customer_id = customer_months.customer_id
            and customer_months.date_month
            = {{ dbt.date_trunc('month', 'responses.responded_at') }}
            and customer_months.is_paying

),

sliced as (

    select
        date_month,
        'all' as dimension_name,
        'all' as dimension_value,
        survey_type,
        score

    from classified

    {% for dimension in dimensions %}
    union all

    select
        date_month,
        '{{ dimension }}' as dimension_name,
        {{ dimension }} as dimension_value,
        survey_type,
        score

    from classified
    {% endfor %}

),

counted as (

    select
        date_month,
        dimension_name,
        dimension_value,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum(
            case when survey_type = 'nps' and score >= 9 then 1 else 0 end
        ) as promoters,
        sum(
            case
                when survey_type = 'nps' and score between 7 and 8 then 1
                else 0
            end
        ) as passives,
        sum(
            case when survey_type = 'nps' and score <= 6 then 1 else 0 end
        ) as detractors,
        sum(case when survey_type = 'csat' then 1 else 0 end)
            as csat_responses,
        sum(
            case when survey_type = 'csat' and score >= 4 then 1 else 0 end
        ) as csat_satisfied_responses,
        sum(case when survey_type = 'ces' then 1 else 0 end) as ces_responses,
        avg(
            case
                when survey_type = 'ces' then cast(score as double precision)
            end
        ) as ces_score

    from sliced

    group by 1, 2, 3

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(dimension_name as {{ dbt.type_string() }}) as dimension_name,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(nps_responses as {{ dbt.type_bigint() }}) as nps_responses,
        cast(promoters as {{ dbt.type_bigint() }}) as promoters,
        cast(passives as {{ dbt.type_bigint() }}) as passives,
        cast(detractors as {{ dbt.type_bigint() }}) as detractors,
        cast(100 * (promoters - detractors) as double precision)
        / nullif(nps_responses, 0) as nps,
        cast(csat_responses as {{ dbt.type_bigint() }}) as csat_responses,
        cast(csat_satisfied_responses as double precision)
        / nullif(csat_responses, 0) as csat_rate,
        cast(ces_responses as {{ dbt.type_bigint() }}) as ces_responses,
        ces_score

    from counted

)

select * from final
