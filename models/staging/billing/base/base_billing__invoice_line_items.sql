{# Validation of raw export `invoice_line_items`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

-- depends_on: {{ ref('invoice_line_items') }}
{{
    retention.validate_export(
        relation=source('billing', 'invoice_line_items'),
        export='invoice_line_items',
        key=['line_item_id'],
        columns={
            'line_item_id': 'string',
            'invoice_id': 'string',
            'subscription_id': 'string',
            'plan_id': 'string',
            'line_type': 'string',
            'quantity': 'integer',
            'amount': 'money',
            'discount_amount': 'money',
            'currency': 'string',
            'period_start': 'timestamp',
            'period_end': 'timestamp',
        },
        required=['invoice_id', 'line_type', 'amount', 'currency'],
        enums={
            'line_type': [
                'subscription',
                'proration',
                'one_time',
                'credit',
            ],
        },
        currency_column='currency',
        currencies=ref('base_reference__fx_rates'),
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'amount',
                'when': "abs(amount) > " ~ var('max_plausible_amount'),
            },
            {
                'reason': 'missing_value',
                'column': 'period_start',
                'when': (
                    "line_type in ('subscription', 'proration') "
                    ~ "and (period_start is null or period_end is "
                    ~ "null)"
                ),
            },
            {
                'reason': 'invalid_period',
                'column': 'period_end',
                'when': "period_end < period_start",
            },
        ],
        references=[
            {
                'column': 'invoice_id',
                'relation': ref('base_billing__invoices'),
                'to': 'invoice_id',
            },
            {
                'column': 'subscription_id',
                'relation': ref('base_billing__subscriptions'),
                'to': 'subscription_id',
            },
            {
                'column': 'plan_id',
                'relation': ref('base_billing__plans'),
                'to': 'plan_id',
            },
        ],
    )
}}
