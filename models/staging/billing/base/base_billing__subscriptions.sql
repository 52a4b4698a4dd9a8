{# Validation of raw export `subscriptions`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('subscriptions') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('billing', 'subscriptions'),
        export='subscriptions',
        key=['subscription_id'],
        columns={
            'subscription_id': 'string',
            'customer_id': 'string',
            'plan_id': 'string',
            'quantity': 'integer',
            'status': 'string',
            'trial_start': 'timestamp',
            'trial_end': 'timestamp',
            'started_at': 'timestamp',
            'current_period_end': 'timestamp',
            'canceled_at': 'timestamp',
            'ended_at': 'timestamp',
            'cancel_reason': 'string',
        },
        required=['customer_id', 'plan_id', 'status', 'started_at'],
        enums={
            'status': [
                'trialing',
                'active',
                'past_due',
                'canceled',
                'unpaid',
                'incomplete',
                'incomplete_expired',
                'paused',
            ],
        },
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'quantity',
                'when': "quantity < 0",
            },
            {
                'reason': 'inconsistent_dates',
                'column': 'ended_at',
                'when': "ended_at < started_at",
            },
            {
                'reason': 'inconsistent_dates',
                'column': 'canceled_at',
                'when': "canceled_at < started_at",
            },
            {
                'reason': 'inconsistent_dates',
                'column': 'trial_end',
                'when': "trial_end < trial_start",
            },
            {
                'reason': 'future_timestamp',
                'column': 'started_at',
                'when': "started_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
            {
                'column': 'plan_id',
                'relation': ref('base_billing__plans'),
                'to': 'plan_id',
            },
        ],
        personal=['cancel_reason'],
    )
}}
