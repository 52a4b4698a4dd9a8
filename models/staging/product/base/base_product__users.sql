{# Validation of raw export `users`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('users') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('product', 'users'),
        personal=['email'],
        export='users',
        key=['user_id'],
        columns={
            'user_id': 'string',
            'customer_id': 'string',
            'email': 'string',
            'role': 'string',
            'created_at': 'timestamp',
        },
        required=['customer_id', 'created_at'],
        checks=[
            {
                'reason': 'future_timestamp',
                'column': 'created_at',
                'when': "created_at > " ~ retention.future_cutoff(),
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
