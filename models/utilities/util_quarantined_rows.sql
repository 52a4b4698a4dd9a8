{# One row per quarantined raw row of any export: the export, the row key,
   the reason, the offending column and the raw values: the contract
   breaches that did not reach staging. #}

{% set validation_models = [
    'base_billing__customers', 'base_billing__plans',
    'base_billing__subscriptions', 'base_billing__invoices',
    'base_billing__invoice_line_items', 'base_billing__payments',
    'base_product__users', 'base_product__events',
    'base_support__tickets', 'base_support__survey_responses',
    'base_marketing__marketing_spend', 'base_marketing__email_sends',
    'base_commerce__orders', 'base_commerce__order_items',
    'base_commerce__returns', 'base_commerce__checkouts',
    'base_reference__fx_rates',
] %}

with

{% for model_name in validation_models %}
{{ model_name }} as (

    select
        export_name,
        row_key,
        quarantine_reason,
        raw_values,
        copies

    from {{ ref(model_name) }}

    where quarantine_reason is not null

),

{% endfor %}
unioned as (
    {% for model_name in validation_models %}
    select * from {{ model_name }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

split as (

    select
        export_name,
        row_key,
        {{ dbt.split_part('quarantine_reason', "':'", 1) }} as reason,
        {{ dbt.split_part('quarantine_reason', "':'", 2) }} as column_name,
        raw_values,
        copies as raw_copies

    from unioned

)

select * from split
