{# Validation of raw export `customers`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('customers') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('billing', 'customers'),
        personal=['name', 'email'],
        export='customers',
        key=['customer_id'],
        columns={
            'customer_id': 'string',
            'name': 'string',
            'email': 'string',
            'country': 'string',
            'segment': 'string',
            'acquisition_channel': 'string',
            'created_at': 'timestamp',
        },
        required=['created_at'],
        checks=[
            {
                'reason': 'invalid_format',
                'column': 'country',
                'when': (
                    "not "
                    ~ retention.matches_regex('country', '^[A-Z]{2}$')
                ),
            },
            {
                'reason': 'future_timestamp',
                'column': 'created_at',
                'when': "created_at > " ~ retention.future_cutoff(),
            },
        ],
    )
}}
