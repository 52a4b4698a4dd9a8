{# Validation of raw export `orders`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('orders') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('commerce', 'orders'),
        export='orders',
        key=['order_id'],
        columns={
            'order_id': 'string',
            'customer_id': 'string',
            'status': 'string',
            'currency': 'string',
            'amount': 'money',
            'ordered_at': 'timestamp',
        },
        required=['customer_id', 'status', 'currency', 'amount', 'ordered_at'],
        enums={
            'status': [
                'completed',
                'cancelled',
                'refunded',
                'pending',
            ],
        },
        currency_column='currency',
        currencies=ref('base_reference__fx_rates'),
        fx_date_column='ordered_at',
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'amount',
                'when': (
                    "amount < 0 or amount > "
                    ~ var('max_plausible_amount')
                ),
            },
            {
                'reason': 'future_timestamp',
                'column': 'ordered_at',
                'when': "ordered_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
        ],
    )
}}
