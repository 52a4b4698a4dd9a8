{# Validation of raw export `order_items`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('order_items') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('commerce', 'order_items'),
        export='order_items',
        key=['order_item_id'],
        columns={
            'order_item_id': 'string',
            'order_id': 'string',
            'product_id': 'string',
            'quantity': 'integer',
            'unit_price': 'money',
        },
        required=['order_id', 'product_id', 'quantity', 'unit_price'],
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'quantity',
                'when': "quantity <= 0",
            },
            {
                'reason': 'out_of_range',
                'column': 'unit_price',
                'when': (
                    "unit_price < 0 or unit_price > "
                    ~ var('max_plausible_amount')
                ),
            },
        ],
        references=[
            {
                'column': 'order_id',
                'relation': ref('base_commerce__orders'),
                'to': 'order_id',
            },
        ],
    )
}}
