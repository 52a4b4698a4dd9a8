{# One row per voice record (survey answer or ticket, int_voice_records)
   and slice it counts in: 'all', and the customer's segment, plan tier,
   acquisition channel and country in the record's month
   (int_customer_slices_by_month). The customer-voice marts aggregate from
   here. #}

with

records as (

    select
        record_id,
        record_type,
        customer_id,
        date_month

    from {{ ref('int_voice_records') }}

),

final as (

    {{ customer_slices('records') }}

)

select * from final
