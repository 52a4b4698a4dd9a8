{# One row per calendar month from the first month with a paying customer
   to the month of as_of_date: every monthly subscription-revenue metric of
   docs/metrics.md section 1 under its exact name, and is_complete_period (false
   for the month of as_of_date unless as_of_date is its last day).
   S = paying customers at the end of m-1, E = at the end of m, N = paying
   at the end of m but not of m-1 (new + reactivated). A rate whose
   denominator is 0 is NULL.
   Then every monthly headline metric of sections 2 to 6, read from the
   mart that defines it, and for the headline metrics the previous
   month's value (previous_<metric>) and the change (<metric>_change). #}

{% set headline_metrics = headline_metrics() %}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

months as (

    select * from {{ ref('util_months') }}

),

{# the MRR bridge, counts and rates of the whole business: the slice all
    of fct_mrr_by_dimension_monthly, where they are computed once #}
monthly as (

    select * from {{ ref('fct_mrr_by_dimension_monthly') }}

    where dimension_name = 'all'

),

{# trailing twelve months: customers paying at the end of m-12 #}
twelve_month_base as (

    select
        base.date_month as base_month,
        base.mrr as base_mrr,
        coalesce(later.mrr, 0) as later_mrr

    from customer_months as base

    left join customer_months as later
        on
            base.customer_id = later.customer_id
            and later.date_month
            = {{ dbt.dateadd('month', 12, 'base.date_month') }}

    where base.is_paying

),

twelve_month as (

    select
        cast({{ dbt.dateadd('month', 12, 'base_month') }} as date)
            as date_month,
        count(*) as base_customers_12m,
        sum(base_mrr) as mrr_12m_base,
        sum(later_mrr) as retained_mrr_12m,
        sum(
            case when later_mrr < base_mrr then later_mrr else base_mrr end
        ) as retained_mrr_12m_capped

    from twelve_month_base

    group by 1

),

first_month as (

    select min(date_month) as first_month from monthly

),

spine as (

    select
        months.date_month,
        months.is_complete_period

    from months

    inner join first_month
        on months.date_month >= first_month.first_month

),

joined as (

    select
        spine.date_month,
        spine.is_complete_period,
        coalesce(monthly.mrr, 0) as mrr,
        coalesce(monthly.mrr_start, 0) as mrr_start,
        coalesce(monthly.new_mrr, 0) as new_mrr,
        coalesce(monthly.reactivation_mrr, 0) as reactivation_mrr,
        coalesce(monthly.expansion_mrr, 0) as expansion_mrr,
        coalesce(monthly.contraction_mrr, 0) as contraction_mrr,
        coalesce(monthly.churn_mrr, 0) as churn_mrr,
        coalesce(monthly.fx_mrr, 0) as fx_mrr,
        coalesce(monthly.paying_customers, 0) as paying_customers,
        coalesce(monthly.paying_customers_start, 0) as paying_customers_start,
        coalesce(monthly.new_customers, 0) as new_customers,
        coalesce(monthly.reactivated_customers, 0) as reactivated_customers,
        coalesce(monthly.expansion_customers, 0) as expansion_customers,
        coalesce(monthly.contraction_customers, 0) as contraction_customers,
        coalesce(monthly.churned_customers, 0) as churned_customers,
        coalesce(monthly.premium_customers, 0) as premium_customers,
        coalesce(monthly.loyal_customers, 0) as loyal_customers,
        coalesce(twelve_month.base_customers_12m, 0) as base_customers_12m,
        twelve_month.mrr_12m_base,
        twelve_month.retained_mrr_12m,
        twelve_month.retained_mrr_12m_capped,
        monthly.arpa,
        monthly.customer_churn_rate,
        monthly.nrr_monthly,
        monthly.grr_monthly,
        monthly.trailing_3m_customer_churn_rate,
        monthly.simple_clv

    from spine

    left join monthly
        on spine.date_month = monthly.date_month

    left join twelve_month
        on spine.date_month = twelve_month.date_month

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(mrr as decimal(18, 4)) as mrr,
        cast(12 * mrr as decimal(18, 4)) as arr,
        cast(arpa as decimal(18, 4)) as arpa,
        cast(paying_customers as {{ dbt.type_bigint() }}) as paying_customers,
        cast(mrr_start as decimal(18, 4)) as mrr_start,
        cast(new_mrr as decimal(18, 4)) as new_mrr,
        cast(reactivation_mrr as decimal(18, 4)) as reactivation_mrr,
        cast(expansion_mrr as decimal(18, 4)) as expansion_mrr,
        cast(contraction_mrr as decimal(18, 4)) as contraction_mrr,
        cast(churn_mrr as decimal(18, 4)) as churn_mrr,
        cast(paying_customers_start as {{ dbt.type_bigint() }})
            as paying_customers_start,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(reactivated_customers as {{ dbt.type_bigint() }})
            as reactivated_customers,
        cast(expansion_customers as {{ dbt.type_bigint() }})
            as expansion_customers,
        cast(contraction_customers as {{ dbt.type_bigint() }})
            as contraction_customers,
        cast(churned_customers as {{ dbt.type_bigint() }})
            as churned_customers,
        cast(mrr - mrr_start as {{ type_double() }}) / nullif(mrr_start, 0)
            as mrr_growth_rate,
        cast(
            paying_customers - new_customers - reactivated_customers
            as {{ type_double() }}
        ) / nullif(paying_customers_start, 0) as customer_retention_rate,
        customer_churn_rate,
        cast(churned_customers + contraction_customers as {{ type_double() }})
        / nullif(paying_customers_start, 0)
            as customer_churn_incl_downgrade_rate,
        cast(churn_mrr + contraction_mrr as {{ type_double() }})
        / nullif(mrr_start, 0)
            as gross_revenue_churn_rate,
        cast(churn_mrr + contraction_mrr - expansion_mrr as {{ type_double() }})
        / nullif(mrr_start, 0) as net_revenue_churn_rate,
        cast(expansion_mrr as {{ type_double() }}) / nullif(mrr_start, 0)
            as expansion_mrr_rate,
        nrr_monthly,
        grr_monthly,
        cast(retained_mrr_12m as {{ type_double() }})
        / nullif(mrr_12m_base, 0) as nrr_12m,
        cast(retained_mrr_12m_capped as {{ type_double() }})
        / nullif(mrr_12m_base, 0)
            as grr_12m,
        cast(base_customers_12m as {{ dbt.type_bigint() }})
            as nrr_12m_base_customers,
        nrr_monthly - 1 as existing_customer_revenue_growth_rate,
        cast(new_mrr + reactivation_mrr + expansion_mrr as {{ type_double() }})
        / nullif(churn_mrr + contraction_mrr, 0) as quick_ratio,
        cast(premium_customers as {{ type_double() }})
        / nullif(paying_customers, 0)
            as premium_customer_share,
        cast(loyal_customers as {{ type_double() }})
        / nullif(paying_customers, 0)
            as loyal_customer_share,
        trailing_3m_customer_churn_rate,
        cast(simple_clv as decimal(18, 4)) as simple_clv,
        is_complete_period,
        cast(fx_mrr as decimal(18, 4)) as fx_mrr

    from joined

),

engagement as (

    select * from {{ ref('fct_engagement_monthly') }}

),

signup_retention as (

    select
        cast({{ dbt.date_trunc('month', 'signup_date') }} as date)
            as date_month,
        cast(sum(day_1_retained_users) as {{ type_double() }})
        / nullif(sum(day_1_eligible_users), 0) as day_1_retention_rate,
        cast(sum(day_7_retained_users) as {{ type_double() }})
        / nullif(sum(day_7_eligible_users), 0) as day_7_retention_rate,
        cast(sum(day_30_retained_users) as {{ type_double() }})
        / nullif(sum(day_30_eligible_users), 0) as day_30_retention_rate

    from {{ ref('fct_signup_cohort_retention_daily') }}

    group by 1

),

activation as (

    select
        signup_month as date_month,
        max(
            case when entity_type = 'account' then activation_rate end
        ) as account_activation_rate,
        max(
            case when entity_type = 'user' then activation_rate end
        ) as user_activation_rate

    from {{ ref('fct_activation_monthly') }}

    where dimension_name = 'all'

    group by 1

),

voice as (

    select * from {{ ref('fct_voice_of_customer_monthly') }}

    where dimension_name = 'all'

),

support as (

    select * from {{ ref('fct_support_monthly') }}

    where dimension_name = 'all'

),

commerce as (

    select * from {{ ref('fct_commerce_monthly') }}

    where dimension_name = 'all'

),

email as (

    select
        date_month,
        cast(sum(emails_opened) as {{ type_double() }})
        / nullif(sum(emails_delivered), 0) as email_open_rate

    from {{ ref('fct_email_campaigns_monthly') }}

    group by 1

),

receivables as (

    select * from {{ ref('fct_receivables_monthly') }}

),

acquisition as (

    select * from {{ ref('fct_acquisition_monthly') }}

    where acquisition_channel = 'all'

),

{# which systems delivered data at all: an export with no staged row is an
    absent system, and its counts stay NULL (unknown), never 0 #}
coverage as (

    select
        {{ export_has_data('events') }} as has_product_data,
        {{ export_has_data('survey_responses') }} as has_survey_data,
        {{ export_has_data('tickets') }} as has_support_data

    from {{ ref('util_export_reconciliation') }} as reconciliation

),

{# every monthly headline metric of docs/metrics.md sections 2 to 6, from the
    mart that defines it (its whole-business row) #}
with_sections as (

    select
        subscription_kpis.*,
        {{ count_if_covered(
            'engagement.active_users', 'coverage.has_product_data') }}
            as active_users,
        {{ count_if_covered(
            'engagement.active_accounts', 'coverage.has_product_data') }}
            as active_accounts,
        engagement.average_dau,
        engagement.stickiness_ratio,
        engagement.usage_depth,
        signup_retention.day_1_retention_rate,
        signup_retention.day_7_retention_rate,
        signup_retention.day_30_retention_rate,
        activation.account_activation_rate,
        activation.user_activation_rate,
        {{ count_if_covered(
            'voice.nps_responses', 'coverage.has_survey_data') }}
            as nps_responses,
        voice.nps,
        {{ count_if_covered(
            'voice.csat_responses', 'coverage.has_survey_data') }}
            as csat_responses,
        voice.csat_rate,
        {{ count_if_covered(
            'voice.ces_responses', 'coverage.has_survey_data') }}
            as ces_responses,
        voice.ces_score,
        {{ count_if_covered(
            'support.tickets_opened', 'coverage.has_support_data') }}
            as tickets_opened,
        support.first_response_hours_median,
        support.resolution_hours_median,
        {{ count_if_covered(
            'support.open_backlog', 'coverage.has_support_data') }}
            as open_backlog,
        {#- a month without a row in the support mart had no ticket opened
            or open: 0 per 100 paying customers (NULL without any) #}
        case
            when coverage.has_support_data
                then
                    coalesce(
                        support.tickets_per_100_paying_customers,
                        case
                            when subscription_kpis.paying_customers > 0
                                then 0.0
                        end
                    )
        end as tickets_per_100_paying_customers,
        commerce.repeat_purchase_rate,
        commerce.median_days_between_purchases,
        commerce.mean_days_between_purchases,
        commerce.product_return_rate,
        commerce.checkout_abandonment_rate,
        email.email_open_rate,
        cast(receivables.accounts_receivable as decimal(18, 4))
            as accounts_receivable,
        receivables.dso_days,
        cast(acquisition.spend_amount as decimal(18, 4))
            as acquisition_spend,
        cast(acquisition.cac as decimal(18, 4)) as cac,
        acquisition.ltv_to_cac_ratio,
        acquisition.cac_payback_months,
        coverage.has_product_data,
        coverage.has_survey_data,
        coverage.has_support_data

    from final as subscription_kpis

    cross join coverage

    left join engagement
        on subscription_kpis.date_month = engagement.date_month

    left join signup_retention
        on subscription_kpis.date_month = signup_retention.date_month

    left join activation
        on subscription_kpis.date_month = activation.date_month

    left join voice
        on subscription_kpis.date_month = voice.date_month

    left join support
        on subscription_kpis.date_month = support.date_month

    left join commerce
        on subscription_kpis.date_month = commerce.date_month

    left join email
        on subscription_kpis.date_month = email.date_month

    left join receivables
        on subscription_kpis.date_month = receivables.date_month

    left join acquisition
        on subscription_kpis.date_month = acquisition.date_month

),

with_previous as (

    select
        *,
        {{ previous_and_change(headline_metrics, types={
            'mrr': 'decimal(18, 4)', 'arr': 'decimal(18, 4)',
            'arpa': 'decimal(18, 4)', 'cac': 'decimal(18, 4)'}) }}

    from with_sections

)

select * from with_previous
