{# One row per month, slicing dimension (all, segment, plan_tier,
   acquisition_channel, country_code) and its value ('all' for the
   dimension all, the whole business): MRR, its movements,
   the headline rates, ARPA and simple CLV within the slice. A customer
   belongs to the slice of their attribute in month m
   (int_customer_slices_by_month: churned customers keep their last plan
   tier in the month they churn), so the MRR bridge holds within every
   slice. #}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

unpivoted as (

    {{ customer_slices('customer_months') }}

),

aggregated as (

    select
        date_month,
        dimension_name,
        dimension_value,
        sum(mrr) as mrr,
        sum(previous_mrr) as mrr_start,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(fx_mrr) as fx_mrr,
        sum(case when is_paying then 1 else 0 end) as paying_customers,
        sum(case when previous_mrr > 0 then 1 else 0 end)
            as paying_customers_start,
        sum(case when movement = 'new' then 1 else 0 end) as new_customers,
        sum(case when movement = 'churn' then 1 else 0 end)
            as churned_customers,
        sum(case when movement = 'reactivation' then 1 else 0 end)
            as reactivated_customers,
        sum(case when movement = 'expansion' then 1 else 0 end)
            as expansion_customers,
        sum(case when movement = 'contraction' then 1 else 0 end)
            as contraction_customers,
        sum(case when is_paying and is_premium then 1 else 0 end)
            as premium_customers,
        sum(
            case
                when paying_tenure_months >= {{ var('loyal_tenure_months') }}
                    then 1
                else 0
            end
        ) as loyal_customers

    from unpivoted

    group by 1, 2, 3

),

months as (

    select * from {{ ref('util_months') }}

),

with_rates as (

    select
        aggregated.*,
        months.is_complete_period,
        cast(
            case
                when months.is_complete_period then aggregated.date_month
                else {{ dbt.dateadd('month', -1, 'aggregated.date_month') }}
            end as date
        ) as trailing_window_end,
        cast(aggregated.churned_customers as {{ type_double() }})
        / nullif(aggregated.paying_customers_start, 0) as customer_churn_rate

    from aggregated

    inner join months
        on aggregated.date_month = months.date_month

),

{# the slice's customer churn rate averaged over the 3 complete months
    ending with this month (the previous month for the month of
    as_of_date), as in fct_retention_kpis_monthly: NULL unless all 3 have
    a rate. A self-join on months, not a row window, because a slice can
    skip a month. #}
trailing_churn as (

    select
        current_month.date_month,
        current_month.dimension_name,
        current_month.dimension_value,
        {#- in month order: floating-point sums depend on the order, and
            the join's order is not fixed (repeatable builds); Spark has
            no ordered aggregates (its last bit may vary) #}
        avg(
            earlier.customer_churn_rate
            {%- if target.type != 'spark' %}
            order by earlier.date_month
            {%- endif %}
        ) as churn_rate_3m,
        count(earlier.customer_churn_rate) as churn_rate_3m_months

    from with_rates as current_month

    inner join with_rates as earlier
        on
            current_month.dimension_name = earlier.dimension_name
            and current_month.dimension_value = earlier.dimension_value
            and current_month.trailing_window_end >= earlier.date_month
            and {{ dbt.dateadd(
                'month', -2, 'current_month.trailing_window_end') }}
            <= earlier.date_month
            and earlier.is_complete_period

    group by 1, 2, 3

),

final as (

    select
        cast(with_rates.date_month as date) as date_month,
        cast(with_rates.dimension_name as {{ dbt.type_string() }})
            as dimension_name,
        cast(with_rates.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        cast(with_rates.mrr as decimal(18, 4)) as mrr,
        cast(with_rates.mrr_start as decimal(18, 4)) as mrr_start,
        cast(with_rates.new_mrr as decimal(18, 4)) as new_mrr,
        cast(with_rates.reactivation_mrr as decimal(18, 4))
            as reactivation_mrr,
        cast(with_rates.expansion_mrr as decimal(18, 4)) as expansion_mrr,
        cast(with_rates.contraction_mrr as decimal(18, 4))
            as contraction_mrr,
        cast(with_rates.churn_mrr as decimal(18, 4)) as churn_mrr,
        cast(with_rates.paying_customers as {{ dbt.type_bigint() }})
            as paying_customers,
        cast(with_rates.paying_customers_start as {{ dbt.type_bigint() }})
            as paying_customers_start,
        cast(with_rates.new_customers as {{ dbt.type_bigint() }})
            as new_customers,
        cast(with_rates.churned_customers as {{ dbt.type_bigint() }})
            as churned_customers,
        with_rates.customer_churn_rate,
        cast(
            with_rates.mrr_start + with_rates.expansion_mrr
            - with_rates.contraction_mrr - with_rates.churn_mrr
            as {{ type_double() }}
        )
        / nullif(with_rates.mrr_start, 0) as nrr_monthly,
        cast(
            with_rates.mrr_start - with_rates.contraction_mrr
            - with_rates.churn_mrr as {{ type_double() }}
        )
        / nullif(with_rates.mrr_start, 0) as grr_monthly,
        {{ to_amount(
            'cast(with_rates.mrr as ' ~ type_double() ~ ')'
            ~ ' / nullif(with_rates.paying_customers, 0)'
        ) }} as arpa,
        cast(
            case
                when trailing_churn.churn_rate_3m_months = 3
                    then trailing_churn.churn_rate_3m
            end as {{ type_double() }}
        ) as trailing_3m_customer_churn_rate,
        {{ to_amount(
            'cast(with_rates.mrr as ' ~ type_double() ~ ')'
            ~ ' / nullif(with_rates.paying_customers, 0) * '
            ~ var('gross_margin') ~ ' / nullif(case when'
            ~ ' trailing_churn.churn_rate_3m_months = 3 then'
            ~ ' trailing_churn.churn_rate_3m end, 0)'
        ) }} as simple_clv,
        with_rates.is_complete_period,
        cast(with_rates.fx_mrr as decimal(18, 4)) as fx_mrr,
        cast(with_rates.reactivated_customers as {{ dbt.type_bigint() }})
            as reactivated_customers,
        cast(with_rates.expansion_customers as {{ dbt.type_bigint() }})
            as expansion_customers,
        cast(with_rates.contraction_customers as {{ dbt.type_bigint() }})
            as contraction_customers,
        cast(with_rates.premium_customers as {{ dbt.type_bigint() }})
            as premium_customers,
        cast(with_rates.loyal_customers as {{ dbt.type_bigint() }})
            as loyal_customers

    from with_rates

    left join trailing_churn
        on {{ same_slice('with_rates', 'trailing_churn') }}

)

select * from final
