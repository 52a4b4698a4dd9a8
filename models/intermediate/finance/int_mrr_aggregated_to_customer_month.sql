{# One row per customer and month in which at least one line is in force
   at the month's snapshot instant (month end, or the end of as_of_date for
   the current month): the customer's MRR and contract MRR there.
   A line is in force at instant T when period_start < T <= period_end
   (half-open periods: the month ending exactly at period_end still counts,
   the period starting then does not), its invoice was issued by as_of_date,
   and:
   - it is paid by T, or T < due_at + var past_due_grace_days (an unpaid
     invoice stops counting at due date + grace: involuntary churn; a later
     payment restores it);
   - with var churn_recognition = 'cancellation', its subscription was not
     cancelled before T.
   MRR is summed per original currency and rounded to cents there.
   fx_mrr_candidate: the exchange-rate effect against the month before, for
   every currency the customer pays in both months: the previous month's
   MRR in that currency x (this month's rate - last month's), a month's
   rate being its reporting-currency MRR / its original-currency MRR in
   that currency (computed so that the business change in the currency,
   its own change at this month's rate, is a whole number of cents).
   fct_customer_mrr_monthly uses it when the customer pays in both
   months. #}

{#- a table, not a view: several tests and models read it (DECISIONS
    114) #}
{{ config(materialized='table') }}

{% if var('churn_recognition') not in ['period_end', 'cancellation'] %}
    {{ exceptions.raise_compiler_error(
        "var churn_recognition must be 'period_end' or 'cancellation', got "
        ~ var('churn_recognition')) }}
{% endif %}

with

lines as (

    select * from {{ ref('int_invoice_lines_normalized') }}

),

months as (

    select * from {{ ref('util_months') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

lines_in_force as (

    select
        lines.customer_id,
        months.date_month,
        lines.plan_tier,
        lines.currency_code,
        lines.monthly_amount,
        lines.native_monthly_amount,
        lines.contract_monthly_amount

    from lines

    inner join months
        on
            lines.period_start_at < months.snapshot_at
            and lines.period_end_at >= months.snapshot_at

    cross join as_of

    where
        cast(lines.issued_at as date) <= as_of.as_of_date
        and (
            lines.paid_at < months.snapshot_at
            or months.snapshot_at < {{ dbt.dateadd(
                'day', var('past_due_grace_days'), 'lines.due_at') }}
        )
        -- churn_recognition = cancellation: not after the cancellation
        and (
            {{ (var('churn_recognition') == 'period_end') | lower }}
            or lines.canceled_at is null
            or lines.canceled_at >= months.snapshot_at
        )

),

{# the plan tier carrying most of the customer's MRR in the month #}
tier_ranked as (

    select
        customer_id,
        date_month,
        plan_tier,
        row_number() over (
            partition by customer_id, date_month
            order by sum(monthly_amount) desc, plan_tier
        ) as tier_rank

    from lines_in_force

    group by 1, 2, 3

),

by_currency as (

    select
        customer_id,
        date_month,
        currency_code,
        sum(native_monthly_amount) as native_mrr,
        -- cents: the source's precision; sub-cent remainders of prorated
        -- amounts must not show up as movements
        cast(round(sum(monthly_amount), 2) as decimal(18, 4)) as reported_mrr

    from lines_in_force

    group by 1, 2, 3

),

aggregated as (

    select
        customer_id,
        date_month,
        sum(reported_mrr) as mrr

    from by_currency

    group by 1, 2

),

contract_and_premium as (

    select
        customer_id,
        date_month,
        cast(round(sum(contract_monthly_amount), 2) as decimal(18, 4))
            as contract_mrr,
        max(
            case
                when plan_tier in (
                    '{{ var("premium_tiers") | join("', '") }}'
                ) and monthly_amount > 0 then 1
                else 0
            end
        ) as has_premium_plan

    from lines_in_force

    group by 1, 2

),

{# the exchange-rate effect of each currency paid in both months: this
    month's reported MRR - last month's - the change in the currency itself
    at this month's rate (cents), which is exactly last month's MRR in the
    currency x the change of its rate; an unchanged price leaves a business
    change of exactly 0 whatever the rounding #}
fx_effect as (

    select
        current_month.customer_id,
        current_month.date_month,
        sum(
            current_month.reported_mrr - previous_month.reported_mrr
            - cast(
                round(
                    cast(
                        (current_month.native_mrr - previous_month.native_mrr)
                        * current_month.reported_mrr
                        / current_month.native_mrr
                        as decimal(38, 9)
                    ),
                    2
                ) as decimal(18, 4)
            )
        ) as fx_mrr

    from by_currency as current_month

    inner join by_currency as previous_month
        on
            current_month.customer_id = previous_month.customer_id
            and current_month.currency_code = previous_month.currency_code
            and previous_month.date_month
            = {{ dbt.dateadd('month', -1, 'current_month.date_month') }}

    where current_month.native_mrr > 0 and previous_month.native_mrr > 0

    group by 1, 2

),

with_tier as (

    select
        aggregated.customer_id,
        aggregated.date_month,
        cast(aggregated.mrr as decimal(18, 4)) as mrr,
        contract_and_premium.contract_mrr,
        contract_and_premium.has_premium_plan,
        tier_ranked.plan_tier,
        cast(coalesce(fx_effect.fx_mrr, 0) as decimal(18, 4))
            as fx_mrr_candidate

    from aggregated

    inner join contract_and_premium
        on
            aggregated.customer_id = contract_and_premium.customer_id
            and aggregated.date_month = contract_and_premium.date_month

    left join tier_ranked
        on
            aggregated.customer_id = tier_ranked.customer_id
            and aggregated.date_month = tier_ranked.date_month
            and tier_ranked.tier_rank = 1

    left join fx_effect
        on
            aggregated.customer_id = fx_effect.customer_id
            and aggregated.date_month = fx_effect.date_month

)

select * from with_tier
