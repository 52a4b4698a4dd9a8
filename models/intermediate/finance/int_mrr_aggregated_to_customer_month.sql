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
     cancelled before T. #}

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
        lines.monthly_amount,
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

aggregated as (

    select
        customer_id,
        date_month,
        -- cents: the source's precision; sub-cent remainders of prorated
        -- amounts must not show up as movements
        cast(round(sum(monthly_amount), 2) as decimal(18, 4)) as mrr,
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

with_tier as (

    select
        aggregated.*,
        tier_ranked.plan_tier

    from aggregated

    left join tier_ranked
        on
            aggregated.customer_id = tier_ranked.customer_id
            and aggregated.date_month = tier_ranked.date_month
            and tier_ranked.tier_rank = 1

)

select * from with_tier
