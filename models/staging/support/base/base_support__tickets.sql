{# Validation of raw export `tickets`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('tickets') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('support', 'tickets'),
        export='tickets',
        key=['ticket_id'],
        columns={
            'ticket_id': 'string',
            'customer_id': 'string',
            'user_id': 'string',
            'status': 'string',
            'priority': 'string',
            'category': 'string',
            'channel': 'string',
            'opened_at': 'timestamp',
            'first_response_at': 'timestamp',
            'resolved_at': 'timestamp',
        },
        required=['customer_id', 'status', 'priority', 'opened_at'],
        enums={
            'status': [
                'new',
                'open',
                'pending',
                'on_hold',
                'solved',
                'closed',
            ],
            'priority': [
                'low',
                'normal',
                'high',
                'urgent',
            ],
        },
        checks=[
            {
                'reason': 'inconsistent_dates',
                'column': 'first_response_at',
                'when': "first_response_at < opened_at",
            },
            {
                'reason': 'inconsistent_dates',
                'column': 'resolved_at',
                'when': "resolved_at < opened_at",
            },
            {
                'reason': 'future_timestamp',
                'column': 'opened_at',
                'when': "opened_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
            {
                'column': 'user_id',
                'relation': ref('base_product__users'),
                'to': 'user_id',
            },
        ],
    )
}}
