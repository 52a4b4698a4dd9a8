{# Validation of raw export `returns`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('returns') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('commerce', 'returns'),
        export='returns',
        key=['return_id'],
        columns={
            'return_id': 'string',
            'order_item_id': 'string',
            'quantity': 'integer',
            'amount': 'money',
            'reason': 'string',
            'returned_at': 'timestamp',
        },
        required=['order_item_id', 'quantity', 'returned_at'],
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'quantity',
                'when': "quantity <= 0",
            },
            {
                'reason': 'out_of_range',
                'column': 'amount',
                'when': "amount < 0",
            },
            {
                'reason': 'future_timestamp',
                'column': 'returned_at',
                'when': "returned_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'order_item_id',
                'relation': ref('base_commerce__order_items'),
                'to': 'order_item_id',
            },
        ],
        personal=['reason'],
    )
}}
