{# Validation of raw export `invoices`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('invoices') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('billing', 'invoices'),
        export='invoices',
        key=['invoice_id'],
        columns={
            'invoice_id': 'string',
            'customer_id': 'string',
            'subscription_id': 'string',
            'status': 'string',
            'currency': 'string',
            'subtotal': 'money',
            'discount': 'money',
            'tax': 'money',
            'total': 'money',
            'issued_at': 'timestamp',
            'due_at': 'timestamp',
            'paid_at': 'timestamp',
        },
        required=['customer_id', 'status', 'currency', 'total', 'issued_at'],
        enums={
            'status': [
                'draft',
                'open',
                'paid',
                'uncollectible',
                'void',
            ],
        },
        currency_column='currency',
        currencies=ref('base_reference__fx_rates'),
        fx_date_column='issued_at',
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'total',
                'when': "abs(total) > " ~ var('max_plausible_amount'),
            },
            {
                'reason': 'out_of_range',
                'column': 'tax',
                'when': "tax < 0",
            },
            {
                'reason': 'out_of_range',
                'column': 'discount',
                'when': (
                    "sign(discount) * sign(subtotal) < 0 "
                    ~ "or abs(discount) > abs(subtotal)"
                ),
            },
            {
                'reason': 'inconsistent_amounts',
                'column': 'total',
                'when': (
                    "abs(total - (subtotal - coalesce(discount, 0) "
                    ~ "+ coalesce(tax, 0))) > 0.01"
                ),
            },
            {
                'reason': 'inconsistent_dates',
                'column': 'due_at',
                'when': "due_at < issued_at",
            },
            {
                'reason': 'future_timestamp',
                'column': 'issued_at',
                'when': "issued_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
            {
                'column': 'subscription_id',
                'relation': ref('base_billing__subscriptions'),
                'to': 'subscription_id',
            },
        ],
    )
}}
