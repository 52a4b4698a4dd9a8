{# Validation of raw export `email_sends`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('email_sends') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('marketing', 'email_sends'),
        export='email_sends',
        key=['send_id'],
        columns={
            'send_id': 'string',
            'campaign_id': 'string',
            'customer_id': 'string',
            'user_id': 'string',
            'sent_at': 'timestamp',
            'delivered': 'boolean',
            'opened_at': 'timestamp',
            'clicked_at': 'timestamp',
        },
        required=['campaign_id', 'customer_id', 'sent_at', 'delivered'],
        checks=[
            {
                'reason': 'inconsistent_dates',
                'column': 'opened_at',
                'when': "opened_at < sent_at",
            },
            {
                'reason': 'future_timestamp',
                'column': 'sent_at',
                'when': "sent_at > " ~ retention.future_cutoff(),
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
