{# One row per subscription or proration line of a paid, open or
   uncollectible invoice: its monthly amounts in the reporting currency.
   - Period length: k whole calendar months (the same day of the month k
     months later, or month end to month end, at the same time of day)
     count as k, for any k: monthly, two-monthly, quarterly, semi-annual,
     annual, multi-year. A proration line counts as the share of its
     plan's billing period it covers (billing_period_months x its duration /
     the duration of the billing period ending with it), which is how
     billing systems prorate, so a mid-period upgrade is an expansion of
     exactly the price difference. Any other period counts days /
     (365.25 / 12). See docs/DECISIONS.md.
   - Billing systems round prorated amounts to cents, so the full-month
     equivalent of a proration line can miss the price it prorates by a
     cent or two. When it matches, within that rounding bound
     (0.006 / period_months), the monthly amount of a subscription line of
     the same subscription, plan and quantity that overlaps or adjoins it,
     it takes that line's exact monthly amount: no one-cent movements.
   - FX: each line is converted once, at the rate of its own service-period
     start (int_fx_rates_filled_to_day), so a renewal takes the rate of
     its renewal date; native_monthly_amount keeps the line's own currency,
     from which fct_customer_mrr_monthly separates the exchange-rate effect
     (fx_mrr) from expansion and contraction. No rate is needed for lines
     already in the reporting currency.
   - Void and draft invoices, one-time charges and credits carry no MRR. #}

{#- a table, not a view: several tests and models read it (DECISIONS
    114) #}
{{ config(materialized='table') }}

{% set period_seconds = dbt.datediff(
    'period_start_at', 'period_end_at', 'second') %}
{% set billing_period_seconds = dbt.datediff(
    dbt.dateadd('month', '-billing_period_months', 'period_end_at'),
    'period_end_at', 'second') %}

with

line_items as (

    select * from {{ ref('stg_billing__invoice_line_items') }}

    where line_type in ('subscription', 'proration')

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

    where invoice_status in ('paid', 'open', 'uncollectible')

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

plans as (

    select * from {{ ref('stg_billing__plans') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filled_to_day') }}

),

lines as (

    select
        line_items.line_item_id,
        line_items.invoice_id,
        line_items.subscription_id,
        invoices.customer_id,
        line_items.plan_id,
        plans.tier as plan_tier,
        plans.billing_period_months,
        line_items.line_type,
        line_items.quantity,
        line_items.currency_code,
        line_items.amount,
        line_items.discount_amount,
        line_items.period_start_at,
        line_items.period_end_at,
        cast(line_items.period_start_at as date) as fx_rate_date,
        invoices.invoice_status,
        invoices.issued_at,
        invoices.due_at,
        invoices.paid_at,
        subscriptions.canceled_at

    from line_items

    inner join invoices
        on line_items.invoice_id = invoices.invoice_id

    left join subscriptions
        on line_items.subscription_id = subscriptions.subscription_id

    left join plans
        on line_items.plan_id = plans.plan_id

),

with_calendar_months as (

    select
        *,
        {{ dbt.datediff('period_start_at', 'period_end_at', 'month') }}
            as calendar_months

    from lines

),

with_period_months as (

    select
        *,
        case
            {#- a proration line is a share of its billing period, whole
                months or not #}
            when line_type = 'proration' and billing_period_months > 0
                then
                    billing_period_months
                    * {{ period_seconds }}
                    / {{ billing_period_seconds }}
            when
                calendar_months >= 1
                and (
                    {{ dbt.dateadd('month', 'calendar_months',
                                   'period_start_at') }}
                    = period_end_at
                    or (
                        cast(period_start_at as date)
                        = {{ dbt.last_day('period_start_at', 'month') }}
                        and cast(period_end_at as date)
                        = {{ dbt.last_day('period_end_at', 'month') }}
                        and {{ dbt.datediff(
                            dbt.date_trunc('day', 'period_start_at'),
                            'period_start_at', 'second') }}
                        = {{ dbt.datediff(
                            dbt.date_trunc('day', 'period_end_at'),
                            'period_end_at', 'second') }}
                    )
                )
                then cast(calendar_months as {{ type_double() }})
            else
                {#- in double precision on every engine: Spark's decimal
                    division keeps 6 decimals #}
                cast(
                    {{ period_seconds }}
                    as {{ type_double() }}
                )
                / (86400 * 365.25 / 12)
        end as period_months

    from with_calendar_months

),

converted as (

    select
        with_period_months.*,
        {{ reporting_fx_rate('with_period_months.currency_code', 'fx_rates') }}
            as fx_rate_to_reporting

    from with_period_months

    left join fx_rates
        on
            with_period_months.currency_code = fx_rates.currency_code
            and with_period_months.fx_rate_date = fx_rates.rate_day

),

native_monthly as (

    select
        *,
        {%- if var('discount_policy') == 'list' %}
        amount / period_months as native_monthly_amount,
        {%- elif var('discount_policy') == 'net' %}
        (amount - coalesce(discount_amount, 0)) / period_months
            as native_monthly_amount,
        {%- else %}
        {{ exceptions.raise_compiler_error(
            "var discount_policy must be 'net' or 'list', got "
            ~ var('discount_policy')) }}
        {%- endif %}
        amount / period_months as native_contract_monthly_amount

    from converted

),

subscription_lines as (

    select * from native_monthly

    where line_type = 'subscription'

),

proration_matches as (

    select
        prorations.line_item_id,
        subscription_lines.native_monthly_amount as matched_amount,
        subscription_lines.native_contract_monthly_amount
            as matched_contract_amount,
        row_number() over (
            partition by prorations.line_item_id
            order by subscription_lines.period_start_at
        ) as match_rank

    from native_monthly as prorations

    inner join subscription_lines
        on
            prorations.subscription_id = subscription_lines.subscription_id
            and prorations.plan_id = subscription_lines.plan_id
            and prorations.quantity = subscription_lines.quantity
            and prorations.period_end_at >= subscription_lines.period_start_at
            and prorations.period_start_at <= subscription_lines.period_end_at

    where
        prorations.line_type = 'proration'
        and abs(
            abs(prorations.native_monthly_amount)
            - subscription_lines.native_monthly_amount
        ) <= 0.006 / prorations.period_months
        and abs(
            abs(prorations.native_contract_monthly_amount)
            - subscription_lines.native_contract_monthly_amount
        ) <= 0.006 / prorations.period_months

),

snapped as (

    select
        native_monthly.*,
        case
            when proration_matches.line_item_id is not null
                then
                    case
                        when native_monthly.amount < 0
                            then -proration_matches.matched_amount
                        else proration_matches.matched_amount
                    end
            else native_monthly.native_monthly_amount
        end as snapped_monthly_amount,
        case
            when proration_matches.line_item_id is not null
                then
                    case
                        when native_monthly.amount < 0
                            then -proration_matches.matched_contract_amount
                        else proration_matches.matched_contract_amount
                    end
            else native_monthly.native_contract_monthly_amount
        end as snapped_contract_monthly_amount

    from native_monthly

    left join proration_matches
        on
            native_monthly.line_item_id = proration_matches.line_item_id
            and proration_matches.match_rank = 1

),

normalized as (

    select
        line_item_id,
        invoice_id,
        subscription_id,
        customer_id,
        plan_id,
        plan_tier,
        line_type,
        currency_code,
        invoice_status,
        cast(fx_rate_to_reporting as decimal(18, 8)) as fx_rate_to_reporting,
        cast(period_months as decimal(18, 8)) as period_months,
        {{ to_amount('snapped_monthly_amount * fx_rate_to_reporting') }}
            as monthly_amount,
        {{ to_amount('snapped_monthly_amount') }} as native_monthly_amount,
        {{ to_amount(
            'snapped_contract_monthly_amount * fx_rate_to_reporting') }}
            as contract_monthly_amount,
        period_start_at,
        period_end_at,
        issued_at,
        due_at,
        paid_at,
        canceled_at

    from snapped

)

select * from normalized
