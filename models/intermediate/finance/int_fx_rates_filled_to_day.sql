{# One row per currency (other than the reporting currency) and calendar
   day, from the currency's first rate date to its last rate date plus var
   fx_max_staleness_days: the reporting-currency units per unit of the
   currency on that day = the latest rate on or before the day, at most
   fx_max_staleness_days old (no row when there is none). For a reporting
   currency other than USD, both legs are read from the same rate date
   (the latest date that has both).
   Every conversion to the reporting currency (invoice lines, invoices,
   payments, marketing spend) reads this model. #}

{{ config(materialized='table') }}

{% set max_days = 40000 %}

with

fx_rates as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

{% if var('reporting_currency') != 'USD' %}
reporting_rates as (

    select
        rate_date,
        rate_to_usd as reporting_rate_to_usd

    from fx_rates

    where currency_code = '{{ var("reporting_currency") }}'

),

{% endif %}
currency_ranges as (

    select
        currency_code,
        min(rate_date) as first_rate_date,
        cast({{ dbt.dateadd(
            'day', var('fx_max_staleness_days'), 'max(rate_date)'
        ) }} as date) as last_covered_date

    from fx_rates

    where currency_code != '{{ var("reporting_currency") }}'

    group by 1

),

numbers as (

    {{ dbt.generate_series(max_days) }}

),

currency_days as (

    select
        currency_ranges.currency_code,
        cast({{ dbt.dateadd(
            'day', 'numbers.generated_number - 1',
            'currency_ranges.first_rate_date'
        ) }} as date) as rate_day

    from currency_ranges

    inner join numbers
        on
            {{ dbt.dateadd(
                'day', 'numbers.generated_number - 1',
                'currency_ranges.first_rate_date'
            ) }}
            <= currency_ranges.last_covered_date

),

{# candidates carry both legs, so that a rate date without a reporting
   leg is skipped rather than leaving the day without a rate #}
candidate_rates as (

    select
        currency_days.currency_code,
        currency_days.rate_day,
        fx_rates.rate_date,
        {%- if var('reporting_currency') == 'USD' %}
        fx_rates.rate_to_usd as rate_to_reporting,
        {%- else %}
        fx_rates.rate_to_usd / reporting_rates.reporting_rate_to_usd
            as rate_to_reporting,
        {%- endif %}
        row_number() over (
            partition by currency_days.currency_code, currency_days.rate_day
            order by fx_rates.rate_date desc
        ) as rate_rank

    from currency_days

    inner join fx_rates
        on
            currency_days.currency_code = fx_rates.currency_code
            and currency_days.rate_day >= fx_rates.rate_date
            and fx_rates.rate_date >= {{ dbt.dateadd(
            'day', -var('fx_max_staleness_days'),
            'currency_days.rate_day') }}
    {%- if var('reporting_currency') != 'USD' %}

    inner join reporting_rates
        on fx_rates.rate_date = reporting_rates.rate_date
    {%- endif %}

),

final as (

    select
        currency_code,
        cast(rate_day as date) as rate_day,
        cast(rate_date as date) as source_rate_date,
        cast(rate_to_reporting as {{ type_double() }}) as rate_to_reporting

    from candidate_rates

    where rate_rank = 1

)

select * from final
