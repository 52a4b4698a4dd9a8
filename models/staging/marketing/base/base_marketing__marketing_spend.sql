{# Validation of raw export `marketing_spend`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('marketing_spend') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('marketing', 'marketing_spend'),
        export='marketing_spend',
        key=['spend_date', 'channel'],
        columns={
            'spend_date': 'date',
            'channel': 'string',
            'amount': 'money',
            'currency': 'string',
        },
        required=['amount', 'currency'],
        currency_column='currency',
        currencies=ref('base_reference__fx_rates'),
        fx_date_column='spend_date',
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'amount',
                'when': (
                    "amount < 0 or amount > "
                    ~ var('max_plausible_amount')
                ),
            },
        ],
    )
}}
