{# One row per voice record (survey answer or ticket, int_voice_records)
   and slice it counts in: 'all', and the customer's segment, acquisition
   channel and country (from dim_customers, 'unknown' when absent) and
   plan tier in the record's month ('none' when not paying then). The
   customer-voice marts aggregate from here, so every slice means the same
   in each of them. #}

{% set dimensions = [
    'segment', 'plan_tier', 'acquisition_channel', 'country_code'
] %}

with

records as (

    select * from {{ ref('int_voice_records') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

classified as (

    select
        records.record_id,
        records.record_type,
        records.customer_id,
        records.date_month,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(customers.acquisition_channel, 'unknown')
            as acquisition_channel,
        coalesce(customers.country_code, 'unknown') as country_code,
        coalesce(customer_months.plan_tier, 'none') as plan_tier

    from records

    left join customers
        on records.customer_id = customers.customer_id

    left join customer_months
        on
            records.customer_id = customer_months.customer_id
            and records.date_month = customer_months.date_month
            and customer_months.is_paying

),

final as (

    select
        record_id,
        record_type,
        customer_id,
        date_month,
        cast('all' as {{ dbt.type_string() }}) as dimension_name,
        cast('all' as {{ dbt.type_string() }}) as dimension_value

    from classified

    {% for dimension in dimensions %}
    union all

    select
        record_id,
        record_type,
        customer_id,
        date_month,
        cast('{{ dimension }}' as {{ dbt.type_string() }}) as dimension_name,
        cast({{ dimension }} as {{ dbt.type_string() }}) as dimension_value

    from classified
    {% endfor %}

)

select * from final
