{# Validation of raw export `invoice_line_items`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('invoice_line_items') }}
{% endif -%}
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
        fx_date_column='period_start',
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
                'reason': 'out_of_range',
                'column': 'amount',
                'when': (
                    "(line_type in ('subscription', 'one_time') "
                    ~ "and amount < 0) "
                    ~ "or (line_type = 'credit' and amount > 0)"
                ),
            },
            {
                'reason': 'out_of_range',
                'column': 'quantity',
                'when': "quantity < 0",
            },
            {
                'reason': 'out_of_range',
                'column': 'discount_amount',
                'when': (
                    "sign(discount_amount) * sign(amount) < 0 "
                    ~ "or abs(discount_amount) > abs(amount)"
                ),
            },
            {
                'reason': 'invalid_period',
                'column': 'period_end',
                'when': "period_end < period_start",
            },
            {
                'reason': 'invalid_period',
                'column': 'period_end',
                'when': (
                    "line_type in ('subscription', 'proration') "
                    ~ "and period_end > "
                    ~ dbt.dateadd('day', 3, dbt.dateadd(
                        'month', 'plan_period_months', 'period_start'))
                ),
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
                'column': 'subscription_id',
                'relation': ref('base_billing__subscriptions'),
                'to': 'subscription_id',
            },
            {
                'column': 'plan_id',
                'relation': ref('base_billing__plans'),
                'to': 'plan_id',
                'columns': {'plan_period_months': 'billing_period_months'},
            },
        ],
    )
}}
