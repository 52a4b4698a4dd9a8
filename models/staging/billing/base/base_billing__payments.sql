{# Validation of raw export `payments`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('payments') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('billing', 'payments'),
        export='payments',
        key=['payment_id'],
        columns={
            'payment_id': 'string',
            'invoice_id': 'string',
            'customer_id': 'string',
            'payment_type': 'string',
            'status': 'string',
            'amount': 'money',
            'currency': 'string',
            'created_at': 'timestamp',
            'failure_reason': 'string',
        },
        required=[
            'customer_id',
            'payment_type',
            'status',
            'amount',
            'currency',
            'created_at',
        ],
        enums={
            'payment_type': [
                'charge',
                'refund',
            ],
            'status': [
                'succeeded',
                'failed',
            ],
        },
        currency_column='currency',
        currencies=ref('base_reference__fx_rates'),
        fx_date_column='created_at',
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
                'column': 'created_at',
                'when': "created_at > " ~ retention.future_cutoff(),
            },
            {
                'reason': 'currency_mismatch',
                'column': 'currency',
                'when': "currency != invoice_currency",
            },
        ],
        references=[
            {
                'column': 'invoice_id',
                'relation': ref('base_billing__invoices'),
                'to': 'invoice_id',
                'columns': {'invoice_currency': 'currency'},
            },
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
        ],
        personal=['failure_reason'],
    )
}}
