{# Validation of raw export `plans`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('plans') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('billing', 'plans'),
        export='plans',
        key=['plan_id'],
        columns={
            'plan_id': 'string',
            'plan_name': 'string',
            'tier': 'string',
            'billing_period_months': 'integer',
            'list_price': 'money',
            'currency': 'string',
        },
        required=['tier', 'billing_period_months', 'list_price', 'currency'],
        currency_column='currency',
        currencies=ref('base_reference__fx_rates'),
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'billing_period_months',
                'when': "billing_period_months not between 1 and 36",
            },
            {
                'reason': 'out_of_range',
                'column': 'list_price',
                'when': "list_price < 0",
            },
        ],
    )
}}
