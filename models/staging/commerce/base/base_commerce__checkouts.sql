{# Validation of raw export `checkouts`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('checkouts') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('commerce', 'checkouts'),
        export='checkouts',
        key=['checkout_id'],
        columns={
            'checkout_id': 'string',
            'customer_id': 'string',
            'started_at': 'timestamp',
            'order_id': 'string',
        },
        required=['customer_id', 'started_at'],
        checks=[
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
                'column': 'order_id',
                'relation': ref('base_commerce__orders'),
                'to': 'order_id',
            },
        ],
    )
}}
