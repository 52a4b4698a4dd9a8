{# Validation of raw export `events`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('events') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('product', 'events'),
        export='events',
        key=['event_id'],
        columns={
            'event_id': 'string',
            'user_id': 'string',
            'customer_id': 'string',
            'event_name': 'string',
            'feature': 'string',
            'occurred_at': 'timestamp',
        },
        required=['user_id', 'customer_id', 'event_name', 'occurred_at'],
        checks=[
            {
                'reason': 'future_timestamp',
                'column': 'occurred_at',
                'when': "occurred_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'user_id',
                'relation': ref('base_product__users'),
                'to': 'user_id',
            },
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
        ],
    )
}}
