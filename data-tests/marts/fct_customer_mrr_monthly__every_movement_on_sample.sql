{# On the shipped sample, every movement category occurs (so every branch
   of the classification is exercised by real data). Disabled when the
   build reads other data (var raw_dir or a custom raw_schema), and in a
   project that installs this one as a package without its sample. #}

{{ config(enabled=(var('raw_dir', none) is none
    and var('raw_schema') == 'raw'
    and retention.sample_data_enabled())) }}

{% set movements = [
    'new', 'expansion', 'contraction', 'churn', 'reactivation', 'unchanged'
] %}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

expected as (
    {% for movement in movements %}
    select '{{ movement }}' as movement
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

missing as (

    select expected.movement

    from expected

    left join customer_months
        on expected.movement = customer_months.movement

    where customer_months.movement is null

)

select * from missing
