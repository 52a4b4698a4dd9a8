{# Validation of raw export `fx_rates`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('fx_rates') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('reference', 'fx_rates'),
        export='fx_rates',
        key=['rate_date', 'currency'],
        columns={
            'rate_date': 'date',
            'currency': 'string',
            'rate_to_usd': 'number',
        },
        required=['rate_to_usd'],
        checks=[
            {
                'reason': 'invalid_format',
                'column': 'currency',
                'when': (
                    "not "
                    ~ retention.matches_regex('currency', '^[A-Z]{3}$')
                ),
            },
            {
                'reason': 'out_of_range',
                'column': 'rate_to_usd',
                'when': "rate_to_usd <= 0",
            },
        ],
        date_floor=false,
    )
}}
